"""Streamlit pieces of the sentiment page: the real reviews when they are here, the zero-shot
card, typed-sentence predictions, word neighbours, a map of word vectors, the unlabeled-amount
curve and the article's toy. Heavy work sits behind caches."""
import threading
import time

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sklearn.decomposition import PCA

from lib import Unavailable, compare, neighbours, offline, polarity, text_live, toy_runs
from ui import cards, charts
from ui.palette import POLARITY_COLOURS


RETRY_S = 60.0  # a failed download of the real reviews is tried again after this long, not every rerun
_tried = {"at": None, "why": None}
_tried_lock = threading.Lock()


def real_reviews():
    """(the real reviews' Task, None) when they are on this computer, or can be downloaded now;
    else (None, why): "offline" when downloads are off, or the download's or the check's error.
    A failure is remembered RETRY_S, so a slider move does not wait for a network that is not
    there."""
    from lib import fetch_rotten, rotten_available, rotten_task
    with _tried_lock:
        if not rotten_available():
            if offline():
                return None, "offline"
            if _tried["at"] is not None and time.monotonic() - _tried["at"] < RETRY_S:
                return None, _tried["why"]
            try:
                fetch_rotten()
            except Unavailable as err:
                _tried.update(at=time.monotonic(), why=str(err))
                return None, str(err)
        try:
            return rotten_task(), None
        except Unavailable as err:  # damaged since it arrived: removed, fetched next time
            return None, str(err)


def zero_shot_card(run) -> None:
    """The zero-shot way's card: its accuracy with no labeled example, and what it compared."""
    cards.title(run.method, run.label, cards.TEXT_TITLES)  # the same rows as ui.cards.run_card, so a row lines up
    low, high = run.test_interval
    st.metric("Test accuracy", cards.percent(run.test_accuracy),
              help=f"On {run.n_test:,} held-out test examples. 95 % interval {cards.percent(low)} – "
                   f"{cards.percent(high)} (a Wilson score interval): the test set is finite.")
    st.caption(f"likely between {cards.percent(low)} and {cards.percent(high)}; no labeled "
               "example used")
    st.metric("Trained weights", "0")
    st.caption(f"{run.label}. Nothing is trained: {descriptions_words(run)}")


def descriptions_words(run) -> str:
    """What the zero-shot way compared each example with, in words."""
    if "descriptions" in run.details:
        said = " / ".join(f"“{d}”" for d in run.details["descriptions"])
        return f"each review goes to whichever of {said} the sentence encoder finds closer in meaning"
    if "imagenet_classes" in run.details:
        said = "; ".join(f"{c} ← {', '.join(names)}" for c, names in run.details["imagenet_classes"].items())
        return f"the network's own ImageNet classifier, its scores for {said}"
    return run.formula


def side_by_side(comparison) -> None:
    """A card per way, scratch first, the zero-shot way's card (nothing trained) last."""
    n_train = len(comparison.train_index)
    for col, run in zip(st.columns(len(comparison.runs)), comparison.runs.values()):
        with col:
            if run.method == "zero_shot":
                zero_shot_card(run)
            else:
                cards.run_card(run, n_train, cards.TEXT_TITLES)


TORCH_WAYS = ("scratch", "transfer", "encoder", "finetune", "bow")  # every text way trains by epochs


def predictions(comparison, text: str) -> pd.DataFrame:
    """Each way's predicted class and confidence for one typed text."""
    rows = []
    for method, run in comparison.runs.items():
        if (model := text_live(run)) is None:  # read from disk or sent by a worker: numbers only
            continue
        p = model.predict([text])[0]
        rows.append({"way": run.label, "prediction": comparison.classes[int(p.argmax())],
                     "confidence": f"{100 * p.max():.0f} %"})
    return pd.DataFrame(rows)


NEIGHBOUR_COLUMNS = {"transfer": "pretrained on unlabeled reviews", "scratch": "learned from the labeled reviews only"}


def word_vectors(run) -> tuple:
    """(words, vectors) of a word-vector way trained in this process, else no words."""
    model = text_live(run)
    return model.word_vectors if model is not None and model.word_vectors is not None else ([], np.zeros((0, 1)))


def neighbour_table(runs, word: str, k: int = 8) -> pd.DataFrame:
    """The k nearest words to `word`, in each way's word vectors, with their lexicon polarity and
    cosine similarity (the page says what the number means)."""
    cols = {}
    for method, name in NEIGHBOUR_COLUMNS.items():
        words, vectors = word_vectors(runs[method])
        if word in words:
            cols[name] = [f"{w} ({polarity(w)}, {s:.2f})" for w, s in neighbours(words, vectors, word, k)]
        else:
            cols[name] = ["(not in its vocabulary)"] + [""] * (k - 1)
    return pd.DataFrame(cols, index=range(1, k + 1))


def word_map(words, vectors, title: str, top: int = 300) -> alt.Chart:
    """The `top` most frequent words' vectors projected to 2-D (PCA, its first two principal
    components, named on screen in plain words), coloured by polarity."""
    n = min(top, len(words))
    xy = PCA(2, random_state=0).fit_transform(vectors[:n]) if n >= 2 else np.zeros((n, 2))
    df = pd.DataFrame({"word": words[:n], "x": xy[:, 0], "y": xy[:, 1],
                       "polarity": [polarity(w) for w in words[:n]]})
    scale = alt.Scale(domain=list(POLARITY_COLOURS), range=list(POLARITY_COLOURS.values()))
    return alt.Chart(df, title=title).mark_circle(size=45, opacity=0.8).encode(
        x=alt.X("x:Q", title="direction of most spread"), y=alt.Y("y:Q", title="direction of next most spread"),
        color=alt.Color("polarity:N", scale=scale, title="sentiment in the word list"),
        tooltip=["word", "polarity"]).properties(height=320)


@st.cache_data(show_spinner=False)
def unlabeled_curve(n_per_class: int, seed: int, amounts: tuple, _progress=None) -> pd.DataFrame:
    """The skip-gram way's (and, for reference, scratch's) test accuracy against unlabeled amount."""
    rows = []
    for i, amount in enumerate(amounts):
        c = compare("sentiment", n_per_class, seed, unlabeled=amount, encoder=False,
                    progress=None if _progress is None else
                    lambda m, f, i=i: _progress(f"{amount:,} unlabeled reviews: {m}", (i + f) / len(amounts)))
        for method in ("transfer", "scratch"):
            r = c.runs[method]
            rows.append({"method": method, "unlabeled": amount, "mean": r.test_accuracy,
                         "low": r.test_interval[0], "high": r.test_interval[1]})
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False)
def toy_table(seeds: int, _progress=None) -> pd.DataFrame:
    """The toy run over many seeds: accuracy on its 2 test reviews and on the full test set."""
    rows = []
    for seed in range(seeds):
        runs, _, _ = toy_runs(seed)
        rows += [{"method": m, "seed": seed, "two reviews": r.test_accuracy,
                  "full test set": r.extra_tests["full test set"]} for m, r in runs.items()]
        if _progress is not None:
            _progress(f"Toy corpus {seed + 1} of {seeds}", (seed + 1) / seeds)
    return pd.DataFrame(rows)


def toy_chart(df: pd.DataFrame) -> alt.Chart:
    """How often each way scored 0 %, 50 % and 100 % on the toy's two test reviews."""
    counts = df.groupby(["method", "two reviews"]).size().reset_index(name="seeds")
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("two reviews:O", title="accuracy on the 2 test reviews",
                axis=alt.Axis(labelExpr="datum.value * 100 + ' %'")),
        xOffset="method:N", y=alt.Y("seeds:Q", title="number of seeds"),
        color=alt.Color("method:N", scale=charts.method_scale(counts["method"]), title="way",
                        legend=charts.WAY),
        tooltip=["method", "two reviews", "seeds"]).properties(height=240)
