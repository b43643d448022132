"""Altair charts: a DataFrame in, a chart out. Depends only on pandas and altair.

Every way of learning keeps one colour on every page (Okabe-Ito palette, which colour-blind
viewers can tell apart): scratch is vermillion, transfer is blue, the control is grey.
"""
import altair as alt
import pandas as pd

COLOURS = {
    "scratch": "#D55E00",    # vermillion
    "transfer": "#0072B2",   # blue
    "control": "#7F7F7F",    # grey
    "encoder": "#56B4E9",    # sky blue: a second transfer way (e.g. a sentence encoder)
    "bow": "#CC79A7",        # reddish purple: a classic baseline
}
NAMES = {"scratch": "from scratch", "transfer": "transfer", "control": "control (random frozen)",
         "encoder": "transfer (encoder)", "bow": "bag-of-words baseline"}
PERCENT = alt.Axis(format="%", title="accuracy")
ACCURACY_SCALE = alt.Scale(domain=[0, 1])


def method_scale(methods) -> alt.Scale:
    """A colour scale that gives each method its fixed colour, in the given order."""
    methods = [m for m in COLOURS if m in set(methods)] + [m for m in methods if m not in COLOURS]
    return alt.Scale(domain=methods, range=[COLOURS.get(m, "#000000") for m in methods])


def history_chart(history: pd.DataFrame, metric: str = "accuracy", height: int = 260) -> alt.Chart:
    """Train (dashed) vs validation (solid) per epoch, one colour per method, on one set of axes.

    `history` has columns method, epoch, split, loss, accuracy.
    """
    y = (alt.Y("accuracy:Q", scale=ACCURACY_SCALE, axis=PERCENT) if metric == "accuracy"
         else alt.Y("loss:Q", title="cross-entropy loss"))
    return alt.Chart(history).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
        y=y,
        color=alt.Color("method:N", scale=method_scale(history["method"].unique()), title="way"),
        strokeDash=alt.StrokeDash("split:N", scale=alt.Scale(domain=["train", "validation"],
                                  range=[[5, 3], [1, 0]]), title="data"),
        tooltip=["method", "split", "epoch", alt.Tooltip("accuracy:Q", format=".1%"),
                 alt.Tooltip("loss:Q", format=".3f")],
    ).properties(height=height)


def accuracy_bars(runs: pd.DataFrame, height: int = 200) -> alt.Chart:
    """Test accuracy per method with its 95% interval. Columns method, accuracy, low, high."""
    base = alt.Chart(runs).encode(y=alt.Y("method:N", title=None, sort=list(runs["method"])))
    bars = base.mark_bar().encode(
        x=alt.X("accuracy:Q", scale=ACCURACY_SCALE, axis=alt.Axis(format="%", title="test accuracy")),
        color=alt.Color("method:N", scale=method_scale(runs["method"]), legend=None),
        tooltip=["method", alt.Tooltip("accuracy:Q", format=".1%"),
                 alt.Tooltip("low:Q", format=".1%", title="95% low"),
                 alt.Tooltip("high:Q", format=".1%", title="95% high")])
    whiskers = base.mark_errorbar(thickness=2, ticks=True).encode(x="low:Q", x2="high:Q")
    chance = alt.Chart(pd.DataFrame({"x": [runs.attrs.get("chance", 0.5)]})).mark_rule(
        strokeDash=[4, 4], color="#444").encode(x="x:Q")
    return (bars + whiskers + chance).properties(height=height)


def confusion_chart(cells: pd.DataFrame, height: int = 240) -> alt.Chart:
    """Confusion matrix heatmap: rows the true class, columns the predicted one, counts written
    in each cell. `cells` has columns true, predicted, count (one row per pair, zeros included);
    an optional `method` column picks the colour, so each way keeps its own."""
    method = cells["method"].iloc[0] if "method" in cells and len(cells) else "transfer"
    order = list(dict.fromkeys(cells["true"]))
    base = alt.Chart(cells).encode(
        x=alt.X("predicted:N", sort=order, title="predicted class"),
        y=alt.Y("true:N", sort=order, title="true class"))
    heat = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(range=["#FFFFFF", COLOURS.get(method, "#444")]),
                        legend=None),
        tooltip=["true", "predicted", alt.Tooltip("count:Q", title="test examples")])
    text = base.mark_text(fontSize=14).encode(text="count:Q")
    return (heat + text).properties(height=height)
