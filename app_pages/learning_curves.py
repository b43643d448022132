"""Learning curves: test accuracy against the amount of labeled data, both ways, over seeds."""
import streamlit as st

from lib import charts, curves, presenter, ui
from lib.sweeps import run_sweep, sweep_options

WORKERS = 2  # benchmarks/sweep_speed.py: two 1-thread processes beat one 2-thread process

st.title("📈 Learning curves")
st.markdown(
    "How much labeled data does each way need? Every point below is a way trained on that many "
    "labeled examples per class and scored on the same held-out test set; each seed draws other "
    "examples and other initial weights. The line is the mean over seeds, the band its 95% "
    "interval. The horizontal axis doubles at every step.")

task = ui.task_picker("Task")

seeds = ui.url_int("seeds", 5, 1, 10)
largest = ui.url_int("largest", 128, 2, 256)
with st.sidebar:
    st.slider("Seeds per point", 1, 10, key="seeds", help="More seeds: a narrower band, a longer wait.")
    st.select_slider("Largest labeled size per class", ui.doubling_sizes(256, lo=2), key="largest")
backbone = ui.backbone_select() if task == "dress" else None
control = ui.control_toggle() if task == "dress" else False
seeds, largest = st.session_state.seeds, st.session_state.largest
ui.remember(seeds=seeds, largest=largest)
sizes = ui.doubling_sizes(largest)
options = sweep_options(task, backbone, control)

# What is on disk already costs nothing; the rest is trained with a bar and a way to stop.
# (Any click while training reruns the page at once, so the stop button ends the sweep between
# runs; every finished run is already on disk.)
if st.session_state.get("sweep_stopped") and st.button("▶ Resume training the missing points",
                                                       key="resume_sweep"):
    st.session_state.sweep_stopped = False
results = run_sweep(task, sizes, range(seeds), cached_only=True, **options)
stop_slot = st.empty()
if not results.attrs["complete"] and not st.session_state.get("sweep_stopped"):
    if stop_slot.button("⏹ Stop (keep what is done)", key="stop_sweep"):
        st.session_state.sweep_stopped = True
        st.rerun()
    bar = st.progress(0.0, text="Starting…")
    say = lambda done, total, note: bar.progress(done / total, text=f"{note} · {done} of {total} runs done")
    try:
        results = run_sweep(task, sizes, range(seeds), progress=say, workers=WORKERS, **options)
    except ValueError as err:
        st.error(f"Could not run the sweep: {err}")
        st.stop()
    bar.empty()
    stop_slot.empty()
if results.empty:
    st.warning("Training was stopped before the first point finished. Press resume to go on.")
    st.stop()
presenter.say("learning_curves", sweep=results)
if not results.attrs["complete"]:
    st.warning(f"Stopped: {results.groupby(['n_per_class', 'seed']).ngroups} of "
               f"{len(sizes) * seeds} points are trained; the chart shows those.")
for notice in results.attrs["notices"]:
    st.warning(notice, icon="⚠️")

summary = curves.summarise(results)
ui.chart(charts.learning_curve_chart, summary)
st.caption(f"Transfer backbone: {results.backbone.iloc[0]}. {seeds} seed(s) per point; test set "
           "and training settings as on the task's own page. Hover a point for its numbers.")

# The headline: how much labeled data transfer is worth, read off the two curves.
measured = sorted(summary[summary.method == "transfer"].n_per_class)
if "match_n" not in st.session_state or st.session_state.match_n not in measured:
    st.session_state.match_n = measured[len(measured) // 2]
n = st.select_slider("Transfer's labeled examples per class", measured, key="match_n")
ahead = [m for m in ("transfer", "encoder", "control") if m in set(summary.method)]
for method in ahead:
    st.markdown(f"**{curves.headline(curves.equivalence(summary, n, method), ahead=method)}**")
with st.expander("Every size: how many examples scratch needs to match"):
    table = curves.equivalence_table(summary)
    st.dataframe(table.style.format({"transfer_accuracy": "{:.1%}", "scratch_needs": "{:.1f}",
                                     "factor": "{:.2f}×"}, na_rep="never in this range"),
                 hide_index=True)
    st.caption("Found on scratch's mean curve, interpolated between measured sizes on the log axis.")

last = summary[summary.n_per_class == summary.n_per_class.max()].set_index("method")["mean"]
if task == "dress" and last.get("transfer", 0) <= last.get("scratch", 0):
    st.info(
        "**Transfer does not pay off on the dress.** ImageNet networks are trained to name objects "
        "under any lighting, with colour, brightness and contrast randomly shifted, so their "
        "features are built to ignore colour casts: the very thing this task is about. Pretrained "
        "features save labeled data when the old task needed what the new one needs. Switch on "
        "the control to see random frozen weights, or pick the movie reviews above.")
