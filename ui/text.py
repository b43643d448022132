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

from lib import (DEPTH_SEEDS, ENCODER_MODEL, SIGNIFICANT, TEXT_CUTS, Unavailable, compare, compare_depths, neighbours,
                 offline, polarity, resolve_task, summarise_depth, text_depth_profile, text_live, text_where_to_cut, toy_runs)
from ui import cards, charts, words
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


# ---------------------------------------------------------------- where to cut the encoder

def depth_section(task, n: int, labeled, store: dict | None = None) -> None:
    """The sentence encoder's depth profile at this size, the image pages' chart (ui.charts): the
    linear head after each of its layers, pretrained against the same network at random weights,
    over DEPTH_SEEDS draws; and where cross-validation on this draw's labeled texts alone would cut.
    `task`: a named task (kept by st.cache_data) or an upload's Task (kept in `store`, its session's)."""
    t = resolve_task(task)
    st.caption(f"The encoder is {len(TEXT_CUTS) - 1} layers on top of a layer that turns word pieces "
               f"into vectors. A linear head can read the average of the word vectors after any of "
               f"them. Here: that head after each, on the same {n} labeled per class, over "
               f"{len(DEPTH_SEEDS)} draws (band: 95 % interval); grey, the same network with random "
               f"weights, the control: the gap is what pretraining adds at that depth.",
               help="A linear probe on each layer's mean-pooled output; the chosen cut is picked by "
                    "k-fold cross-validation on the labeled reviews alone, never the test set.")
    if not st.toggle("Measure where to cut (one pass of the test texts through the encoder, twice)",
                     key="text_depth"):
        return
    bar = cards.Progress("Training the head after every layer…")
    try:
        with st.spinner("Reading the labeled texts after every layer…"):
            cut, scores = text_where_to_cut(t, labeled)
        if isinstance(task, str):  # on the workers, stored like the image profiles
            from ui import live
            profile = live.profile(task, n, ENCODER_MODEL, progress=bar, control=True)
        else:
            store = {} if store is None else store
            if n not in store:
                store[n] = text_depth_profile(t, n, DEPTH_SEEDS, progress=lambda d, total: bar(
                    f"Training the head after every layer: {d} of {total}", d / total))
            profile = store[n]
    except (ValueError, Unavailable) as err:
        st.error(f"Could not measure where to cut the encoder: {err}")
        return
    finally:
        bar.done()
    cards.chart(charts.depth_profile_chart, summarise_depth(profile), sized=True)
    st.markdown(depth_words(compare_depths(profile, n), cut, scores),
                help="Each layer against the last: paired t-tests over the draws, Holm-corrected for "
                     "the number of layers compared; pretrained against random: a paired t-test.")


def depth_words(d, cut: str, scores: dict) -> str:
    """What the encoder's depth profile shows, no stronger than its tests (Holm over the cuts, as
    ui.words.depth_reading reads the image networks'), and the cut this draw's labels choose."""
    pct = cards.percent
    text = (f"Read on the test texts, {d.n_per_class} labeled per class over {d.seeds} draws: "
            f"{pct(d.last_mean)} after the last layer, {d.last}. ")
    if d.best is not None:
        b = d.ahead[0]
        text += (f"After **{b.cut}** the head scores {pct(b.mean)}, ahead of the last layer by more "
                 f"than chance explains even allowing for the {len(d.cuts)} layers compared with it.")
    elif d.top == d.last:
        text += "No layer scores more than the last."
    else:
        text += (f"The highest mean, {pct(d.top_mean)}, is after {d.top}; no layer is ahead of the last "
                 f"by more than chance explains once the {len(d.cuts)} layers compared are allowed for.")
    if d.last in d.control and d.control[d.last][1] is not None:
        diff, p, _ = d.control[d.last]
        text += (f" Pretrained against random weights after {d.last}: {100 * diff:+.1f} points"
                 f"{' (more than chance)' if p < SIGNIFICANT and diff > 0 else ''}.")
    if scores:
        text += (f" Cross-validation on this draw's labeled reviews alone (never the test set) would "
                 f"cut after **{cut}** ({pct(scores[cut])} there); the sentence encoder's card reads "
                 f"its own output, the average after the last layer.")
    else:
        text += " With one labeled review per class there is nothing to cross-validate."
    return text
