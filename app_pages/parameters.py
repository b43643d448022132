"""Parameters: how many weights each way has to learn, counted live from the real networks."""
import math

import pandas as pd
import streamlit as st

from lib import (DEFAULT_SEEDS, DEFAULT_SIZES, LITE0, THUMB, first_reach, head_formula, head_weights,
                 run_sweep, stage_weights, summarise, sweep_options, trained_by_way, weight_census)
from ui import cards, charts, controls, presenter, state


st.title(":material/calculate: Counting parameters")
st.markdown(
    "The need for labeled data comes from the number of weights that have to be learned from it. "
    "Trained from scratch, every weight of a network is learned from your examples. With "
    "transfer, the pretrained network is frozen below its last layer and only a new head is "
    "trained. Every count below is summed from the tensors of the real architectures, built "
    "here without their weights (so nothing is downloaded).")


@st.cache_data(show_spinner="Building the architectures (no weights)…")
def census(classes: int) -> pd.DataFrame:
    return weight_census(classes)


classes = 2
table = census(classes)
parts = pd.concat([
    table.assign(part="trained from scratch", count=table.total),
    table[table.name != "scratch_cnn"].assign(part="pretrained, kept frozen", count=lambda d: d.frozen),
    table[table.name != "scratch_cnn"].assign(part="trained head (transfer)", count=lambda d: d["head"]),
])[["model", "part", "count"]]
cards.chart(charts.params_chart, parts, sized=True)
# The scratch CNN is no transfer model: no features D, nothing frozen, no head of its own to count
# (not a 0, which would read as a measurement). Written "4,098" whatever the browser's language,
# as every other number in the app; the column stays numeric, so it sorts as numbers do.
scratch = table.name == "scratch_cnn"
shown = table.assign(frozen=table.frozen.where(~scratch), head=table["head"].where(~scratch))
shown = shown[["model", "total", "features", "frozen", "head"]].rename(columns={
    "total": "weights (ImageNet model)", "features": "features D", "frozen": "frozen for transfer",
    "head": f"head (D + 1) × {classes}"})
st.dataframe(shown.style.format("{:,.0f}", subset=list(shown.columns[1:]), na_rep="—"), hide_index=True,
             placeholder="—")  # the browser writes a missing value itself, "None" unless told
st.caption("Frozen = the ImageNet network without its last linear layer (its 1,000-class "
           "classifier); the head replaces that layer. The scratch CNN is this app's own small "
           "network, counted as built for 2 classes and trained whole.")

# ---------------------------------------------------------------- the head formula
st.subheader("The head: (D + 1) × C")
left, right = st.columns(2)
state.url_int("features", 2048, 1, 100_000)
state.url_int("classes", 2, 1, 1000)
d = left.number_input("Features from the frozen network, D", 1, 100_000, key="features")
c = right.number_input("Classes, C", 1, 1000, key="classes")
state.remember(features=d, classes=c)
head = head_weights(d, c)
resnet = int(table.set_index("name").loc["resnet50", "total"])
presenter.say("parameters", features=d, classes=c, backbone_params=resnet)
st.markdown(f"Each of the {c:,} outputs has one weight per feature plus a bias: "
            f"**{head_formula(d, c)}** weights to train. ResNet-50 has **{resnet:,}** "
            f"in all: {resnet / head:,.0f} times as many, about "
            f"**{math.log10(resnet / head):.1f} orders of magnitude** more.")
st.caption("The article writes this as [2048 + 1] × [1 + 1] ≈ 4,098 (quoted) for a "
           "2,048-feature network and a yes/no answer, and compares it with 140 million parameters "
           "(quoted), which is closer to VGG-16's count above than to ResNet-50's.")
PIXEL_D = THUMB * THUMB * 3  # the simplest model's features: a colour thumbnail's numbers
st.markdown(f"The image pages' simplest model is this same head with no network beneath it: "
            f"its features are the photo's own pixels, shrunk to {THUMB} × {THUMB} in colour, "
            f"D = {PIXEL_D:,}. For a yes/no answer that is **{head_formula(PIXEL_D, 2)}** weights, "
            f"all of them learned from the labeled photos.")

# ---------------------------------------------------------------- the rule of thumb
st.subheader("A rule of thumb, and what this app measured")
PER_WEIGHT = 1.2e6 / 140e6  # the article's pair, quoted: 1.2 M images for 140 M parameters
st.markdown(
    "The article's rule of thumb is that model size, data needed and problem complexity grow "
    "together; its example pairs a 140 M-parameter model with the 1.2 M labeled images of "
    "ImageNet (both figures quoted). Taken literally, that is one labeled image per "
    f"{1 / PER_WEIGHT:.0f} weights. It is a rule of thumb, not a law: it ignores what the "
    "weights already know, and how hard the task is.")

task = controls.task_picker("Measured on")
results = run_sweep(task, DEFAULT_SIZES, DEFAULT_SEEDS, cached_only=True, **sweep_options(task))
if results.empty:
    st.info("Nothing measured yet for this task: open **:material/show_chart: Learning curves** "
            "with its default settings, then come back. (Results are read from the same cache.)")
    st.stop()
summary = summarise(results)
state.url_int("target", 75, 51, 99)
target_pct = st.slider("Accuracy to reach (%)", 51, 99, key="target")
state.remember(target=target_pct)
target = target_pct / 100
rows = []
for method in summary.method.unique():
    part = summary[summary.method == method]
    needed, status = first_reach(part.n_per_class, part["mean"], target)
    rows.append((method, charts.NAMES.get(method, method), needed, status, int(part.n_per_class.max())))
rule = {}  # each way's trained weights, where this page counts them: the image ways on Lite0
if sweep_options(task).get("backbone") == LITE0:
    rule = trained_by_way(stage_weights(classes), classes)  # counted once, kept on disk (lib.counts)
    rule["control"] = rule["transfer"]  # the same head, on a network with random weights
found = pd.DataFrame(rows, columns=["method", "way", "needed", "status", "largest"])
order = {m: i for i, m in enumerate(charts.COLOURS)}  # the legends' order, simplest first
found = found.sort_values("method", key=lambda m: m.map(order).fillna(len(order))).reset_index(drop=True)
found["weights"] = found.method.map(rule)
found["rule"] = found["weights"] * PER_WEIGHT / classes


def measured_words(row) -> str:
    """The measured size in words: '7', '4 or fewer', 'not by 128'; one column, never empty."""
    if row.status == "never":
        return f"not by {row.largest:,}"
    return f"{row.needed:,.0f}" + (" or fewer" if row.status == "before_range" else "")


shown = pd.DataFrame({
    "way": found.way,
    f"measured: labeled per class to reach {target_pct} %": found.apply(measured_words, axis=1),
    "trained weights": [("—" if pd.isna(w) else f"{w:,.0f}") for w in found["weights"]],
    "rule of thumb: labeled per class": [("—" if pd.isna(r) else f"{r:,.0f}") for r in found["rule"]],
})
st.dataframe(shown, hide_index=True)
st.caption(f"Measured: where each way's mean curve over {len(DEFAULT_SEEDS)} seeds first reaches "
           f"{target_pct} % test accuracy ({'complete' if results.attrs['complete'] else 'partial'} "
           f"default sweep, {results.backbone.iloc[0]}). Rule of thumb: the trained weights ÷ "
           f"{1 / PER_WEIGHT:.0f}, split over {classes} classes. The frozen head is counted as read "
           "after the last stage, the most a head can have here (after an earlier stage it has "
           "fewer). Rows without trained weights are ways this table has no count for.")


def reading(found: pd.DataFrame, target_pct: int) -> list[str]:
    """Plain words on the measured rows: each way's measured size against the rule of thumb, and
    what the frozen head's row says against from scratch's."""
    out = []
    for row in found.itertuples():
        if pd.isna(row.rule):
            continue
        way = row.way[0].upper() + row.way[1:]
        if row.status == "never":
            out.append(f"**{way}** does not reach {target_pct} % with up to {row.largest:,} "
                       f"labeled per class; the rule of thumb would give it {row.rule:,.0f}.")
            continue
        ratio = row.rule / row.needed
        against = (f"{ratio:,.0f}× fewer than the rule of thumb's {row.rule:,.0f}" if ratio >= 1.5 else
                   f"{1 / ratio:,.0f}× more than the rule of thumb's {row.rule:,.0f}" if ratio <= 1 / 1.5
                   else f"about the rule of thumb's {row.rule:,.0f}")
        fewest = " (the fewest measured, so perhaps fewer still)" if row.status == "before_range" else ""
        out.append(f"**{way}** needs {row.needed:,.0f} labeled per class{fewest}: {against}.")
    by = found.set_index("method")
    if {"scratch", "transfer"} <= set(by.index) and not by.loc[["scratch", "transfer"], "rule"].isna().any():
        s, t = by.loc["scratch"], by.loc["transfer"]
        expected = s.rule / t.rule
        said = (f"The frozen head learns {s.weights / t.weights:,.0f}× fewer weights than from scratch, "
                f"so by the rule of thumb it should need {expected:,.0f}× fewer labels. ")
        if s.status == "never" or t.status == "never":
            said += ("Measured, " + ("neither reaches" if s.status == t.status else
                     f"only {(t if s.status == 'never' else s).way} reaches") + f" {target_pct} % here.")
        else:
            measured = s.needed / t.needed
            if 0.8 <= measured <= 1.25:
                said += (f"Measured, both need about the same ({t.needed:,.0f} and {s.needed:,.0f} "
                         f"per class): counting weights alone does not say how much data a way needs. "
                         f"What the frozen weights already know, and how hard the task is, count too.")
            elif measured > 1:
                said += f"Measured, it needs {measured:,.1f}× fewer ({t.needed:,.0f} against {s.needed:,.0f})."
            else:
                said += (f"Measured, it needs {1 / measured:,.1f}× more ({t.needed:,.0f} against "
                         f"{s.needed:,.0f}): its borrowed features fit this task less well than a "
                         f"network of its own learns to.")
        out.insert(0, said)
    return out


for line in reading(found, target_pct):
    st.markdown(line)
