"""Overfitting: accuracy on the examples a way trains on against held-back ones, epoch by epoch."""
import pandas as pd
import streamlit as st

from lib import confusion_cells, held_out, per_class_accuracy, resolve_task, sweep_options
from ui import cards, charts, controls, images as ui_images, live, presenter, state, words


st.title(":material/psychology: Overfitting: memorising instead of learning")
st.markdown(
    "A model with many weights and few examples can learn its training examples by heart. Here "
    "every way trains for exactly the number of rounds on the slider below, at a constant "
    "learning rate (the linear models: that many fitting steps), with nobody stopping it early, "
    "and as it goes "
    "we measure its accuracy on the examples it trains on and on the test set, which no way ever "
    "trains on or chooses anything by. Where the two come apart (the shaded gap), the model is "
    "memorising what it saw rather than learning what generalises.")

task = controls.task_picker("Task")


@st.cache_resource(show_spinner="Preparing the data…")
def load(name):
    return resolve_task(name)


images = task != "sentiment"
t = ui_images.load_task(task) if images else load(task)
backbone = controls.backbone_select() if images else None
cut = ui_images.cut_select(backbone) if images else "auto"
control = controls.control_toggle() if images else False
seed = controls.seed_input()
n = controls.n_per_class_slider(default=16, hi=min(t.max_per_class(), 256))
state.url_int("epochs", 60, 5, 200)
epochs = st.slider("Rounds over the training examples", 5, 200, key="epochs",
                   help="Each round (an epoch) passes over every training example once, at a "
                        "constant learning rate; a linear model's round is one L-BFGS iteration. "
                        "Nobody stops a way early here.")
state.remember(epochs=epochs)

options = sweep_options(task, backbone, control, cut) | {"epochs": epochs}  # every way takes epochs

# images: every way from the workers (both cores; stored per way); texts: in this process
c = live.computed(task, n, seed, **options) if images else cards.run_compare(task, n, seed, **options)
if c is None:
    st.stop()
cards.show_notices(c)
presenter.say("overfitting", comparison=c)
unit = "images" if t.kind == "image" else "reviews"
n_train = len(c.train_index)  # every labeled example trains (no validation split, issue 20)
st.caption(f"{n_train} labeled {unit} ({n} per class, seed {seed}). Test set: {len(c.test_labels)} "
           f"{unit}. Pretrained network: {c.backbone}.")

runs = {m: r for m, r in c.runs.items() if len(r.history)}
with st.expander(f"How each way trains here: exactly {epochs} rounds, nobody stopping it",
                 icon=":material/tune:"):  # words from the recipe objects the ways train with
    recipes = words.fixed_epoch_recipes(runs, epochs, images)
    st.table({"way": [runs[m].label for m in recipes], "recipe": list(recipes.values())})
for m, r in runs.items():
    colour = charts.COLOURS.get(m, "#000")
    st.markdown(f"<span style='color:{colour}'>■</span> "
                f"{words.overfitting_reading(r.history, n_train, r.label, unit)}", unsafe_allow_html=True)
history = cards.histories(c)
history = history[history.method.isin(list(runs))]
acc_tab, loss_tab = st.tabs(["Accuracy", "Loss"])
for tab, what in ((acc_tab, "accuracy"), (loss_tab, "loss")):  # one chart per way: each gap readable
    for col, m in zip(tab.columns(len(runs)), runs):
        with col:
            cards.title(m, runs[m].label)
            cards.chart(charts.overfitting_chart, history[history.method == m], what, legend=False, where=col)
st.caption(f"Dashed: the examples each way trains on. Solid: the {held_out(history)} set, "
           "measured at a few epochs along the way, for reading only. Shaded: the gap between them.")

# What each way memorised: examples it trained on against test examples it never saw.
st.subheader("What the models saw, and what they said")
labeled = c.train_index
trained, tested = list(range(min(4, n_train))), list(range(min(4, len(c.test_labels))))
test_set = t.test


def marks(preds: dict, truth, picks) -> pd.DataFrame:
    """Right or wrong, one row per way (its card's title), one column per example shown (1, 2,
    ...): a table that wraps, where a caption per photo naming every way ran to ten lines in a
    narrow column (issue 26). preds: way -> its predictions, indexed like `truth`."""
    return pd.DataFrame({str(k + 1): ["right" if p[i] == truth[i] else "wrong" for p in preds.values()]
                         for k, i in enumerate(picks)},
                        index=pd.Index([cards.way_title(m) for m in preds], name="way"))


train_truth = t.pool.labels[labeled]
seen_marks = marks({m: r.train_pred for m, r in runs.items()}, train_truth, trained)
unseen_marks = marks({m: r.test_pred for m, r in runs.items()}, c.test_labels, tested)
captions = ([f"{k + 1}. {c.classes[train_truth[i]]}" for k, i in enumerate(trained)]
            + [f"{k + 1}. {c.classes[c.test_labels[i]]}" for k, i in enumerate(tested)])
if t.kind == "image":  # two groups of four side by side, so "left" and "right" below hold
    seen, unseen = st.columns(2)
    seen.image([t.pool.images[labeled[i]] for i in trained], width=110, caption=captions[:len(trained)])
    seen.table(seen_marks)
    unseen.image([test_set.images[i] for i in tested], width=110, caption=captions[len(trained):])
    unseen.table(unseen_marks)
else:
    st.dataframe({"review": [t.pool.texts[labeled[i]] for i in trained] + [test_set.texts[i] for i in tested],
                  "true class": [x.split(". ", 1)[1] for x in captions]}, hide_index=True)
    seen, unseen = st.columns(2)
    seen.table(seen_marks)
    unseen.table(unseen_marks)
st.caption("Left: examples every way trained on. Right: test examples no way ever trained on. "
           "Each table says, way by way, whether it named each example right.")

st.subheader("On the test set: per class, and what was mistaken for what")
for col, (m, r) in zip(st.columns(len(runs)), runs.items()):
    with col:
        st.markdown(f"**{r.label}**")
        per_class = per_class_accuracy(c.test_labels, r.test_pred, c.classes)
        # a static table that wraps: a scrolling grid clipped its last column in a narrow one
        # ("exampl", "20(" for 200), four ways side by side in presenter mode
        st.table(per_class.assign(
            right=[f"{a:,} of {b:,}" for a, b in zip(per_class.correct, per_class.examples)],
            accuracy=[cards.percent(a) if a == a else "none to score" for a in per_class.accuracy]
        )[["class", "right", "accuracy"]].set_index("class"))
        cards.chart(charts.confusion_chart, confusion_cells(c.test_labels, r.test_pred, c.classes, m))

if images:  # where the head reads the network: on the image pages, not repeated here
    ui_images.depth_link(task)
