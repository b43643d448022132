"""Altair charts: a DataFrame in, a chart out. Depends on pandas and altair (and lib.metrics for
which split a history holds out).

Every way of learning keeps one colour on every page (ui.palette: Okabe-Ito's hues, darkened
to read on white): scratch is vermillion, transfer is blue, the control is grey. A chart that
colours by class uses class_scale, the classes' own palette, never a way's colours. Importing
this module turns on the "transfer_lab" Altair theme: axis and legend text dark and large enough
to read from the back of a room (tests/test_charts.py checks every chart function).
"""
import altair as alt
import pandas as pd

from lib import held_out
from ui.palette import CLASS_COLOURS, COLOURS, FROZEN, NAMES, TEXT_NAMES, class_colours  # noqa: F401
# (pages read them as charts.COLOURS / NAMES)


# Text a room reads from the back: dark and large on every chart. A theme, not configure_*():
# Vega-Lite refuses a chart with its own config inside a layer (learning_curves.py adds a rule to
# learning_curve_chart), and presenter.sized's configure_axis merges over the theme (larger type,
# these colours kept). Axis properties set on an encoding would beat presenter mode's sizes.
INK = "#262730"   # Streamlit's own text colour, 15:1 on white (tests/test_palette.py)
TEXT = {"labelColor": INK, "titleColor": INK}
ROOM = {"axis": {**TEXT, "labelFontSize": 14, "titleFontSize": 15, "domainColor": INK, "tickColor": INK},
        "legend": {**TEXT, "labelFontSize": 14, "titleFontSize": 14, "labelLimit": 320},
        "title": {"color": INK, "fontSize": 16}, "text": {"color": INK, "fontSize": 14}}


@alt.theme.register("transfer_lab", enable=True)
def _room() -> alt.theme.ThemeConfig:
    """Every chart drawn after ui.charts is imported (st.altair_chart keeps an active theme that
    is not Altair's default; ui.cards.chart builds the spec with it)."""
    return {"config": ROOM}


PERCENT = alt.Axis(format="%", title="accuracy")
ACCURACY_SCALE = alt.Scale(domain=[0, 1])


def method_scale(methods) -> alt.Scale:
    """A colour scale that gives each method its fixed colour, in the given order."""
    methods = [m for m in COLOURS if m in set(methods)] + [m for m in methods if m not in COLOURS]
    return alt.Scale(domain=methods, range=[COLOURS.get(m, "#000000") for m in methods])


def class_scale(classes, colours: dict | None = None) -> alt.Scale:
    """A colour scale for classes (never a way's colours): `colours` by name where given (e.g.
    ui.palette.POLARITY_COLOURS), else the class palette in the classes' order."""
    classes = list(dict.fromkeys(classes))
    colours = colours or class_colours(classes)
    return alt.Scale(domain=classes, range=[colours[c] for c in classes])


def way_labels(names: tuple = (), field: str = "label") -> str:
    """A Vega expression naming each way in words (NAMES, with `names`' (method, name) pairs
    over them), not by its code ("bow"): for legends (field label) and tooltips (method)."""
    words = {**NAMES, **dict(names)}
    return " : ".join(f"datum.{field} === '{k}' ? '{v}'" for k, v in words.items()) + f" : datum.{field}"


WAY_LABELS = way_labels()
WAY = alt.Legend(labelExpr=WAY_LABELS)
# A band's fill shares its legend with the lines' colour: legend=None on it hides both, so the
# band keeps the legend, drawn with solid swatches.
SOLID = alt.Legend(symbolOpacity=1, labelExpr=WAY_LABELS)


def history_chart(history: pd.DataFrame, metric: str = "accuracy", height: int = 260,
                  names: tuple = (), legend: bool = True) -> alt.Chart:
    """Train (dashed) vs held-out (solid) per epoch, one colour per method, on one set of axes;
    `names` renames ways in the legend (way_labels); legend=False draws none (a chart of one way
    whose card title names it).

    `history` has columns method, epoch, split, loss, accuracy. Held out is the whole test set
    (measured at lib.train.CURVE_EPOCHS) where the history has it, else the validation split.
    """
    other = held_out(history)
    history = history[history["split"].isin(["train", other])]
    y = (alt.Y("accuracy:Q", scale=ACCURACY_SCALE, axis=PERCENT) if metric == "accuracy"
         else alt.Y("loss:Q", title="cross-entropy loss"))
    # Plain lines (no point markers) so the legend shows the dash pattern of each split.
    return alt.Chart(history).transform_calculate(way=way_labels(names, "method")).mark_line(strokeWidth=2.5).encode(
        # one way's narrow chart (legend=False) gets a short title: a title wider than the chart
        # made Vega shrink the plot to a third of its column (seen in Chromium)
        x=alt.X("epoch:Q", title="rounds over the training examples (epochs)" if legend else "rounds (epochs)",
                axis=alt.Axis(tickMinStep=1)),
        y=y,
        color=alt.Color("method:N", scale=method_scale(history["method"].unique()), title="way",
                        legend=alt.Legend(labelExpr=way_labels(names)) if legend else None),
        strokeDash=alt.StrokeDash("split:N", scale=alt.Scale(domain=["train", other],
                                  range=[[5, 3], [1, 0]]), title="data", legend=alt.Legend() if legend else None),
        tooltip=["way:N", "split", "epoch", alt.Tooltip("accuracy:Q", format=".1%"),
                 alt.Tooltip("loss:Q", format=".3f")],
    ).properties(height=height)


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
    half = cells["count"].max() / 2 if len(cells) else 0
    text = base.mark_text(fontSize=14).encode(  # a count on a dark cell is written in white
        text="count:Q", color=alt.condition(f"datum.count > {half}", alt.value("#FFFFFF"), alt.value(INK)))
    return (heat + text).properties(height=height)


def learning_curve_chart(summary: pd.DataFrame, height: int = 340, x: str = "n_per_class",
                         x_title: str = "labeled examples per class (log scale)", log: bool = True,
                         names: tuple = ()) -> alt.Chart:
    """Mean test accuracy against an amount of data, a 95% band per method: every learning curve
    in the app (labeled examples on a log axis; the movie-review page's unlabeled reviews on a
    linear one).

    `summary` has columns method, `x`, mean, low, high, and optionally seeds (lib.curves.summarise);
    `names` renames ways in the legend (way_labels).
    """
    scale, solid = method_scale(summary["method"].unique()), alt.Legend(symbolOpacity=1, labelExpr=way_labels(names))
    axis = alt.Axis(title=x_title, values=sorted(summary[x].unique().tolist()))
    x_enc = alt.X(f"{x}:Q", scale=alt.Scale(type="log", base=2) if log else alt.Scale(), axis=axis)
    base = alt.Chart(summary).transform_calculate(way=way_labels(names, "method")).encode(
        x=x_enc, color=alt.Color("method:N", scale=scale, title="way", legend=solid))
    tips = ["way:N", alt.Tooltip(f"{x}:Q", title=x_title.split(" (")[0], format=","),
            alt.Tooltip("mean:Q", format=".1%", title="mean accuracy"),
            alt.Tooltip("low:Q", format=".1%", title="95% low"),
            alt.Tooltip("high:Q", format=".1%", title="95% high")]
    tips += [alt.Tooltip("seeds:Q")] if "seeds" in summary else []
    band = base.mark_area(opacity=0.18).encode(y=alt.Y("low:Q", scale=ACCURACY_SCALE, axis=PERCENT),
                                               y2="high:Q", fill=alt.Fill("method:N", scale=scale,
                                                                          title="way", legend=solid))
    line = base.mark_line(point=alt.OverlayMarkDef(size=50)).encode(
        y=alt.Y("mean:Q", scale=ACCURACY_SCALE, axis=PERCENT), tooltip=tips)
    return (band + line).properties(height=height)


def overfitting_chart(history: pd.DataFrame, metric: str = "accuracy", height: int = 280,
                      legend: bool = True) -> alt.Chart:
    """Train (dashed) and held-out (solid) per epoch for each method, the gap between shaded.

    `history` has columns method, epoch, split, loss, accuracy; held out as in history_chart.
    """
    scale = method_scale(history["method"].unique())
    other = held_out(history)
    wide = history.pivot_table(index=["method", "epoch"], columns="split", values=metric).reset_index()
    accuracy = metric == "accuracy"
    y_axis = dict(scale=ACCURACY_SCALE, axis=PERCENT) if accuracy else dict(title="cross-entropy loss")
    lines = history_chart(history, metric, height, legend=legend)
    if other not in wide:
        return lines
    wide = wide.dropna(subset=["train", other]).rename(columns={other: "held_out"})
    gap = alt.Chart(wide).mark_area(opacity=0.15).encode(
        x="epoch:Q", y=alt.Y("train:Q", **y_axis), y2="held_out:Q",
        fill=alt.Fill("method:N", scale=scale, title="way", legend=SOLID if legend else None),
        tooltip=["method", "epoch", alt.Tooltip("train:Q", format=".1%" if accuracy else ".3f"),
                 alt.Tooltip("held_out:Q", format=".1%" if accuracy else ".3f", title=other)])
    # legend=False, one chart per way (the overfitting page): the card's title names the way, the
    # caption the dashes. Each encoding's legend is None: configure_legend(disable=True) left
    # Streamlit's chart a legend that took most of a narrow column, the lines squeezed to a sliver
    return (gap + lines).properties(height=height)


# 1, 10, 100, 1,000, 10,000, 100,000, 1 million, 10 million, ...: the numbers on the page, written
# alike; "million" and "billion" on a second line (an array is one line each), so that "100 million"
# and "1 billion" do not run into each other at a room's type size
DECADE_LABELS = ("datum.value >= 1e9 ? [format(datum.value / 1e9, ','), 'billion'] : "
                 "datum.value >= 1e6 ? [format(datum.value / 1e6, ','), 'million'] : format(datum.value, ',')")


def params_chart(parts: pd.DataFrame, height: int = 320) -> alt.Chart:
    """Weights per model on a log axis, one bar per part (all trained / frozen / trained head).

    `parts` has columns model, part, count; parts keep their order and colours below.
    """
    colours = {"trained from scratch": COLOURS["scratch"], "pretrained, kept frozen": FROZEN,
               "trained head (transfer)": COLOURS["transfer"]}
    # Bars start at 1 weight: a log axis has no zero for them to start from. One gridline per
    # power of ten, labelled in words past a thousand (Vega draws nine per decade otherwise).
    top = max(int(parts["count"].max()), 10)
    decades = [10 ** k for k in range(0, len(str(top)) + 1)]
    return alt.Chart(parts.assign(base=1)).mark_bar().encode(
        y=alt.Y("model:N", title=None, sort=list(dict.fromkeys(parts["model"])),
                axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("part:N", sort=list(colours)),
        x=alt.X("count:Q", scale=alt.Scale(type="log", zero=False), title="weights (log scale)",
                axis=alt.Axis(values=decades, labelExpr=DECADE_LABELS, labelOverlap=False)),
        x2="base:Q",
        color=alt.Color("part:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["model", "part", alt.Tooltip("count:Q", format=",")],
    ).properties(height=height)


def depth_profile_chart(summary: pd.DataFrame, height: int = 300) -> alt.Chart:
    """Mean test accuracy of the frozen head against the stage it reads, pretrained vs random.

    `summary` has columns cut, depth, weights, mean, low, high, seeds (lib.curves.summarise_depth);
    the band is the 95 % interval over seeds.
    """
    domain = ["pretrained", "random (control)"]
    scale = alt.Scale(domain=domain, range=[COLOURS["transfer"], COLOURS["control"]])
    order = list(dict.fromkeys(summary.sort_values("depth")["cut"]))
    x = alt.X("cut:N", sort=order, title="head reads the features after stage (shallow to deep)",
              axis=alt.Axis(labelAngle=0))
    base = alt.Chart(summary).encode(x=x, color=alt.Color("weights:N", scale=scale, title="network"))
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("low:Q", scale=ACCURACY_SCALE, axis=PERCENT), y2="high:Q",
        fill=alt.Fill("weights:N", scale=scale, title="network", legend=SOLID))
    tips = ["cut", "weights", alt.Tooltip("feature_dim:Q", title="features"),
            alt.Tooltip("mean:Q", format=".1%", title="mean test accuracy"),
            alt.Tooltip("low:Q", format=".1%", title="95% low"),
            alt.Tooltip("high:Q", format=".1%", title="95% high"), "seeds:Q"]
    line = base.mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        y=alt.Y("mean:Q", scale=ACCURACY_SCALE, axis=PERCENT), tooltip=tips)
    return (band + line).properties(height=height)
