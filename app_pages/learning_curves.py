"""Learning curves: test accuracy against the amount of labeled data, every way, over seeds.

What is ready shows at once: the chart from the runs already on disk (on a fresh server, after
app.py's spinner while the engine imports, once); missing runs then train smallest size first,
and the chart grows with each size.
"""
import pandas as pd
import streamlit as st

st.title(":material/show_chart: Learning curves")
st.markdown(
    "How much labeled data does each way need? Every point below is a way trained on that many "
    "labeled examples per class and scored on the same held-out test set; each seed draws other "
    "examples and other initial weights. The line is the mean over seeds, the band its 95% "
    "interval. The horizontal axis doubles at every step.")

# Imported after the text above: under app.py the engine is loaded already (warmup.ready);
# a page run on its own (AppTest) shows its text before torch takes seconds to load.
from lib import (ANTS_BEES_CLASSES, DRESS_CLASSES, ZERO_SHOT, beats_zero, doubling_sizes, equivalence,  # noqa: E402
                 equivalence_table, run_sweep, summarise, sweep_options, zero_shot_refusal)
from ui import cards, charts, controls, images as ui_images, live, presenter, state, waiting, words  # noqa: E402

# the trained ways' names in the sentences on how many labels beat zero
WAY_WORDS = {"pixels": "the pixel model", "scratch": "the network from scratch",
             "transfer": "the frozen head", "finetune": "fine-tuning", "control": "the random frozen control",
             "encoder": "the encoder's head", "skipgram": "skip-gram", "bow": "bag of words"}


def curve_with_zero(summary: pd.DataFrame, zero: float) -> "alt.LayerChart":
    """The learning curves with zero-shot's accuracy as a dashed horizontal line: its point is at
    0 labeled examples, which the log axis cannot show."""
    import altair as alt
    rule = alt.Chart(pd.DataFrame({"accuracy": [zero], "way": ["no labels (zero-shot)"]})).mark_rule(
        strokeDash=[6, 4], strokeWidth=2, color=charts.COLOURS.get(ZERO_SHOT, "#666")).encode(
        y="accuracy:Q", tooltip=[alt.Tooltip("way:N"), alt.Tooltip("accuracy:Q", format=".1%",
                                                                     title="test accuracy at 0 labels")])
    return charts.learning_curve_chart(summary) + rule


task = controls.task_picker("Task")

seeds = state.url_int("seeds", 5, 1, 10)
largest = state.url_int("largest", 128, 2, 256)
with st.sidebar:
    st.slider("Seeds per point", 1, 10, key="seeds", help="More seeds: a narrower band, a longer wait.")
    st.select_slider("Largest labeled size per class", doubling_sizes(256, lo=2), key="largest")
images = task != "sentiment"
if task == "ants_bees":
    ui_images.load_task(task)  # says how to get the photos, and stops, when they are not here
backbone = controls.backbone_select() if images else None
cut = ui_images.cut_select(backbone) if images else "auto"
control = controls.control_toggle() if images else False
seeds, largest = st.session_state.seeds, st.session_state.largest
state.remember(seeds=seeds, largest=largest)
sizes = doubling_sizes(largest)
options = sweep_options(task, backbone, control, cut)

# What is on disk already costs nothing and is drawn at once; the rest is trained, smallest size
# first, with a bar, a way to stop, and the chart redrawn after each size. (Any click while
# training reruns the page at once, so the stop button ends the sweep between runs; every
# finished run is already on disk.)
if st.session_state.get("sweep_stopped") and st.button("Resume training the missing points",
                                                       icon=":material/play_arrow:", key="resume_sweep"):
    st.session_state.sweep_stopped = False
results = run_sweep(task, sizes, range(seeds), cached_only=True, **options)

# Zero labels: where the network's own ImageNet classifier names the task's classes (ants and
# bees), its run at 0 labeled examples, once, through the workers like every other run (it draws
# nothing, so one run serves every seed). Elsewhere (the dress) one line says why not.
zero_run = None
if images:
    named = {"dress": DRESS_CLASSES, "ants_bees": ANTS_BEES_CLASSES}  # without loading the photos
    refusal = zero_shot_refusal(named[task] if task in named else ui_images._task(task).classes)
    if refusal is None:
        zero_c = live.computed(task, 0, 0, **options)
        zero_run = zero_c.runs[ZERO_SHOT] if zero_c is not None else None
    else:
        st.caption(f"No zero-labels point on this task: {refusal}.")
stop_slot, bar_slot, chart_slot = st.empty(), st.empty(), st.empty()


def draw(frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    if zero_run is not None:
        cards.chart(curve_with_zero, summarise(frame), float(zero_run.test_accuracy), where=chart_slot)
    else:
        cards.chart(charts.learning_curve_chart, summarise(frame), where=chart_slot)


draw(results)
if not results.attrs["complete"] and not st.session_state.get("sweep_stopped"):
    if stop_slot.button("Stop (keep what is done)", icon=":material/stop:", key="stop_sweep"):
        st.session_state.sweep_stopped = True
        st.rerun()
    notices = list(results.attrs["notices"])
    have = set(zip(results.n_per_class, results.seed))
    missing = [n for n in sizes if any((n, s) not in have for s in range(seeds))]
    # what is done, what is left and about how long (ui.waiting): a cell's cost grows with its
    # size, so each weighs its labeled examples per class (+1 for what every cell pays)
    on_disk = {n: sum((n, s) in have for s in range(seeds)) for n in sizes}
    wait = waiting.Waiting(bar_slot.progress(0.0), {(n, i): n + 1 for n in sizes for i in range(seeds)},
                           what="runs", already={(n, i) for n in sizes for i in range(on_disk[n])})
    wait.say(f"{len(have)} read from disk; training {len(missing)} more sizes, smallest first")
    try:
        for n in missing:
            others = results[results.n_per_class != n]

            def say(done, _, note, n=n):
                for i in range(done):  # cells of one size weigh the same: which seed is by the way
                    wait.done((n, i))
                wait.say(note)
            part = run_sweep(task, [n], range(seeds), progress=say, **options)
            notices += [m for m in part.attrs["notices"] if m not in notices]
            results = pd.concat([others, part], ignore_index=True).sort_values(
                ["n_per_class", "seed"], kind="stable", ignore_index=True)
            draw(results)
    except ValueError as err:
        st.error(f"Could not run the sweep: {err}")
        st.stop()
    results.attrs.update(complete=True, notices=notices)
    bar_slot.empty()
    stop_slot.empty()
if results.empty:
    st.warning("Training was stopped before the first point finished. Press resume to go on.")
    st.stop()
presenter.say("learning_curves", sweep=results)
if not results.attrs["complete"]:
    st.warning(f"Stopped: {results.groupby(['n_per_class', 'seed']).ngroups} of "
               f"{len(sizes) * seeds} points are trained; the chart shows those.")
for notice in results.attrs["notices"]:
    st.warning(notice, icon=":material/warning:")

summary = summarise(results)
st.caption(f"Transfer backbone: {results.backbone.iloc[0]}. {seeds} seed{'s' if seeds != 1 else ''} "
           "per point; test set and training settings as on the task's own page. Hover a point for "
           "its numbers.")

# The headline: how much labeled data transfer is worth, read off the two curves.
measured = sorted(summary[summary.method == "transfer"].n_per_class)
if "match_n" not in st.session_state or st.session_state.match_n not in measured:
    st.session_state.match_n = measured[len(measured) // 2]
n = st.select_slider("Transfer's labeled examples per class", measured, key="match_n")
unit = "photos" if images else "reviews"
# (fine-tuning is left out at 1 per class: a way is read out only at the sizes it was measured)
ahead = [m for m in ("transfer", "finetune", "encoder", "control")
         if n in set(summary[summary.method == m].n_per_class)]
for method in ahead:
    eq = equivalence(summary, n, method, results=results)
    st.markdown(f"**{words.headline(eq, ahead=method, unit=unit)}**", help=words.chance_note(eq, ahead=method))
# How many labels beat zero: the smallest measured size at which each trained way beats the
# zero-shot run over the seeds (a paired test; lib.curves.beats_zero).
with_zero = results
if zero_run is not None:
    st.caption(f"Dashed line: no labeled examples at all. "
               f"{zero_run.label.removeprefix('No labels: ')} scores "
               f"{cards.percent(zero_run.test_accuracy)} on the same test set, nothing drawn and "
               f"nothing trained: its point is at 0 labels, which the log axis cannot show.")
    with_zero = pd.concat([results, pd.DataFrame({
        "method": ZERO_SHOT, "n_per_class": 0, "seed": sorted(set(results.seed)),
        "test_accuracy": float(zero_run.test_accuracy)})], ignore_index=True)
if ZERO_SHOT in set(with_zero.method):
    st.markdown("**How many labels beat zero?**")
    for method in [m for m in WAY_WORDS if m in set(results.method)]:
        b = beats_zero(with_zero, method)
        st.markdown(words.beats_zero_words(b, WAY_WORDS[method]), help=words.beats_zero_note(b))
with st.expander("Every size: how many examples scratch needs to match"):
    table = equivalence_table(summary, results=results)
    times = lambda k: f"{k:.2f}×" if k < float("inf") else "past the sizes measured"
    st.dataframe(table.style.format({"transfer_accuracy": "{:.1%}", "scratch_needs": "{:.1f}",
                                     "factor": "{:.2f}×", "factor_low": times, "factor_high": times,
                                     "p": "{:.2g}"}, na_rep="—"),
                 hide_index=True, column_config={
                     "scratch_needs": st.column_config.Column(
                         help="Empty: scratch never reaches transfer's accuracy in this range."),
                     "gap": st.column_config.Column(
                         help="Whether transfer and scratch differ at this size by more than the "
                              "seeds' spread explains (a paired t-test over the seeds, p < 0.05)."),
                     "factor_low": st.column_config.Column(
                         help="The factor's 95 % interval over the seeds: read again on resamples "
                              "of the seeds (a bootstrap). Past the largest size measured: "
                              "scratch never got there on those resamples."),
                     "factor_high": st.column_config.Column(help="The top of that interval."),
                     "p": st.column_config.Column(help="The paired t-test's p-value; none where "
                                                       "the gap is untestable (every seed alike).")})
    st.caption("Found on scratch's mean curve, interpolated between measured sizes on the log axis. "
               "Where the gap could be chance, the factor at that size means little.")

if images:  # where the head reads the network: on the image pages, not repeated here
    ui_images.depth_link(task)
