"""Overfitting: accuracy on the examples a way trains on against held-back ones, epoch by epoch."""
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


def said(pred, truth):
    return " · ".join(f"{charts.NAMES.get(m, m)} {'right' if p[i] == truth else 'wrong'}"
                      for m, p, i in pred)


captions = ([f"trained on: {c.classes[t.pool.labels[labeled[i]]]} · "
             + said([(m, r.train_pred, i) for m, r in runs.items()], t.pool.labels[labeled[i]]) for i in trained]
            + [f"test: {c.classes[c.test_labels[i]]} · "
               + said([(m, r.test_pred, i) for m, r in runs.items()], c.test_labels[i]) for i in tested])
if t.kind == "image":  # two groups of four side by side, so "left" and "right" below hold
    seen, unseen = st.columns(2)
    seen.image([t.pool.images[labeled[i]] for i in trained], width=110, caption=captions[:len(trained)])
    unseen.image([test_set.images[i] for i in tested], width=110, caption=captions[len(trained):])
else:
    st.dataframe({"review": [t.pool.texts[labeled[i]] for i in trained] + [test_set.texts[i] for i in tested],
                  "seen as": captions}, hide_index=True)
st.caption("Left: examples every way trained on. Right: test examples no way ever trained on.")

st.subheader("On the test set: per class, and what was mistaken for what")
for col, (m, r) in zip(st.columns(len(runs)), runs.items()):
    with col:
        st.markdown(f"**{r.label}**")
        per_class = per_class_accuracy(c.test_labels, r.test_pred, c.classes)
        st.dataframe(per_class.style.format({"accuracy": "{:.1%}"}), hide_index=True)
        cards.chart(charts.confusion_chart, confusion_cells(c.test_labels, r.test_pred, c.classes, m))

if images:  # where the head reads the network: on the image pages, not repeated here
    ui_images.depth_link(task)
