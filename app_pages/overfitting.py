"""Overfitting: accuracy on the examples a way trains on against held-back ones, epoch by epoch."""
import numpy as np
import streamlit as st

from lib import charts, metrics, presenter, ui
from lib.experiments import resolve_task
from lib.sweeps import sweep_options

st.title(":material/psychology: Overfitting: memorising instead of learning")
st.markdown(
    "A model with many weights and few examples can learn its training examples by heart. Here "
    "both ways train for a fixed number of epochs with nobody stopping them early, and after "
    "every epoch we measure accuracy on their training examples and on validation examples held "
    "back from the same labeled draw. Where the two come apart (the shaded gap), the model is "
    "memorising what it saw rather than learning what generalises.")

task = ui.task_picker("Task")


@st.cache_resource(show_spinner="Preparing the data…")
def load(name):
    return resolve_task(name)


t = load(task)
backbone = ui.backbone_select() if task == "dress" else None
control = ui.control_toggle() if task == "dress" else False
seed = ui.seed_input()
n = ui.n_per_class_slider(default=16, hi=min(t.max_per_class(), 256))
ui.url_int("epochs", 60, 5, 200)
epochs = st.slider("Epochs (no early stopping)", 5, 200, key="epochs",
                   help="Every epoch passes over all training examples once.")
ui.remember(epochs=epochs)

options = sweep_options(task, backbone, control) | {"epochs": epochs}  # every way takes epochs

c = ui.run_compare(task, n, seed, **options)
if c is None:
    st.stop()
ui.show_notices(c)
presenter.say("overfitting", comparison=c)
unit = "images" if t.kind == "image" else "reviews"
n_train, n_val = len(c.train_index), len(c.val_index)
st.caption(f"{n_train} training and {n_val} validation {unit} ({n} labeled per class, seed {seed}). "
           f"Transfer backbone: {c.backbone}.")

runs = {m: r for m, r in c.runs.items() if len(r.history)}
for m, r in runs.items():
    colour = charts.COLOURS.get(m, "#000")
    st.markdown(f"<span style='color:{colour}'>■</span> "
                f"{metrics.overfitting_reading(r.history, n_train, r.label, unit)}", unsafe_allow_html=True)
history = ui.histories(c)
history = history[history.method.isin(list(runs))]
acc_tab, loss_tab = st.tabs(["Accuracy", "Loss"])
ui.chart(charts.overfitting_chart, history, "accuracy", where=acc_tab)
ui.chart(charts.overfitting_chart, history, "loss", where=loss_tab)
st.caption("Dashed: training examples. Solid: validation examples. Shaded: the gap between them.")

# What each way memorised: its own training examples against held-back ones.
st.subheader("What the models saw, and what they said")
labeled = np.concatenate([c.train_index, c.val_index])
show = list(range(min(4, n_train))) + list(range(n_train, n_train + min(4, n_val)))


def verdicts(i):
    return " · ".join(f"{m} {'✓' if r.train_pred[i] == t.pool.labels[labeled[i]] else '✗'}"
                      for m, r in runs.items())


captions = [f"{'train' if i < n_train else 'validation'}: {c.classes[t.pool.labels[labeled[i]]]} · "
            f"{verdicts(i)}" for i in show]
if t.kind == "image":
    st.image([t.pool.images[labeled[i]] for i in show], width=120, caption=captions)
else:
    st.dataframe({"review": [t.pool.texts[labeled[i]] for i in show], "seen as": captions},
                 hide_index=True)
st.caption("✓ right, ✗ wrong. Training examples are the ones each way learned from; validation "
           "examples were held back from the same draw.")

st.subheader("On the test set: per class, and what was mistaken for what")
for col, (m, r) in zip(st.columns(len(runs)), runs.items()):
    with col:
        st.markdown(f"**{r.label}**")
        per_class = metrics.per_class_accuracy(c.test_labels, r.test_pred, c.classes)
        st.dataframe(per_class.style.format({"accuracy": "{:.1%}"}), hide_index=True)
        ui.chart(charts.confusion_chart, metrics.confusion_cells(c.test_labels, r.test_pred, c.classes, m))
