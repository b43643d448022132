"""Streamlit pieces of the sentiment page: typed-sentence predictions, word neighbours, a map of
word vectors, the unlabeled-amount curve and the article's toy. Heavy work sits behind caches."""
import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sklearn.decomposition import PCA

from lib.experiments import compare
from lib.text import skipgram
from lib.text.ways import toy_runs
from ui import charts


POLARITY_COLOURS = {"positive": "#009E73", "negative": "#E69F00", "neutral": "#BBBBBB"}
TORCH_WAYS = ("scratch", "transfer", "encoder", "bow")  # every text way trains by epochs


def predictions(comparison, text: str) -> pd.DataFrame:
    """Each way's predicted class and confidence for one typed text."""
    rows = []
    for method, run in comparison.runs.items():
        p = run.predict([text])[0]
        rows.append({"way": run.label, "prediction": comparison.classes[int(p.argmax())],
                     "confidence": f"{100 * p.max():.0f} %"})
    return pd.DataFrame(rows)


def neighbour_table(runs, word: str, k: int = 8) -> pd.DataFrame:
    """The k nearest words to `word`, in each way's word vectors, with their lexicon polarity."""
    cols = {}
    for method in ("transfer", "scratch"):
        words, vectors = runs[method].word_vectors
        name = charts.NAMES[method]
        if word in words:
            cols[name] = [f"{w} ({skipgram.polarity(w)}, {s:.2f})" for w, s in skipgram.neighbours(words, vectors, word, k)]
        else:
            cols[name] = ["(not in its vocabulary)"] + [""] * (k - 1)
    return pd.DataFrame(cols, index=range(1, k + 1))


def word_map(words, vectors, title: str, top: int = 300) -> alt.Chart:
    """The `top` most frequent words' vectors projected to 2-D (PCA, its first two principal
    components, named on screen in plain words), coloured by polarity."""
    n = min(top, len(words))
    xy = PCA(2, random_state=0).fit_transform(vectors[:n]) if n >= 2 else np.zeros((n, 2))
    df = pd.DataFrame({"word": words[:n], "x": xy[:, 0], "y": xy[:, 1],
                       "polarity": [skipgram.polarity(w) for w in words[:n]]})
    scale = alt.Scale(domain=list(POLARITY_COLOURS), range=list(POLARITY_COLOURS.values()))
    return alt.Chart(df, title=title).mark_circle(size=45, opacity=0.8).encode(
        x=alt.X("x:Q", title="direction of most spread"), y=alt.Y("y:Q", title="direction of next most spread"),
        color=alt.Color("polarity:N", scale=scale, title="in the generator's lexicon"),
        tooltip=["word", "polarity"]).properties(height=320)


@st.cache_data(show_spinner=False)
def unlabeled_curve(n_per_class: int, seed: int, amounts: tuple, _progress=None) -> pd.DataFrame:
    """Transfer A's (and, for reference, scratch's) test accuracy against unlabeled amount."""
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
