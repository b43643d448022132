"""The dress: blue/black or white/gold? The same few photos learned from scratch and by transfer."""
import numpy as np
import streamlit as st

from lib import charts, presenter, ui
from lib.data.dress import CLASSES, POOL_PER_CLASS, dress_task
from lib.runs import verdict

st.title("👗 The dress: blue/black or white/gold?")
st.markdown(
    "In 2015 one overexposed photo of a blue dress with black lace split the internet: half saw "
    "white and gold. Here every photo is rendered the same way, a dress in a room under a random "
    "colour cast and exposure, and labeled with the dress's **true** colours. Under a strong cast "
    "the pixels alone are ambiguous. How many labeled photos does each way need?")


@st.cache_resource(show_spinner="Rendering the dress photos…")
def task():
    return dress_task()


samples = task().test
# In presenter mode the results, not the samples, belong above the fold.
with st.expander("Sample photos (from the held-out test set)", expanded=not presenter.is_on()):
    for c, name in enumerate(CLASSES):
        picks = np.flatnonzero(samples.labels == c)[:10]
        st.image(list(samples.images[picks]), width=96, caption=[name] * len(picks))

backbone = ui.backbone_select()
control = ui.control_toggle()
seed = ui.seed_input()


@st.fragment
def experiment():
    n = ui.n_per_class_slider(default=16, hi=POOL_PER_CLASS)
    comparison = ui.run_compare("dress", n, seed, backbone=backbone, control=control)
    if comparison is None:
        return
    ui.show_notices(comparison)
    st.caption(f"Transfer backbone: {comparison.backbone}. Every number below is computed now, "
               f"from {len(comparison.train_index)} training and {len(comparison.val_index)} "
               f"validation photos drawn with seed {seed}.")
    ui.side_by_side(comparison)
    st.markdown(verdict(comparison))
    presenter.say("dress_colour", comparison=comparison)
    if comparison.control is not None:
        st.markdown(verdict(comparison, "control", "transfer"))

    st.subheader("Train vs validation, epoch by epoch")
    st.caption("Dashed: accuracy on the photos a way trains on. Solid: on held-back validation "
               "photos. A wide gap is memorising instead of learning.")
    acc, loss = st.tabs(["Accuracy", "Loss"])
    history = ui.histories(comparison)
    ui.chart(charts.history_chart, history, where=acc, sized=True)
    ui.chart(charts.history_chart, history, "loss", where=loss, sized=True)

    if comparison.transfer.test_accuracy <= comparison.scratch.test_accuracy + 0.02:
        st.info(
            "**Why doesn't transfer win easily here?** ImageNet networks are trained to name objects "
            "whatever the lighting: their training randomly shifts colour, brightness and contrast, "
            "so their last-layer features are built to *ignore* colour casts, the very thing this "
            "task is about. Pretrained features help when the old task needed what the new one "
            "needs; choosing the right pretrained model is one of the hard parts of transfer. "
            "Switch on the control in the sidebar to compare with random frozen weights, and see "
            "the 🎬 movie-review page for a task where pretraining fits.")


experiment()
ui.training_settings_expander({
    "Scratch model": "3 convolution blocks + linear layer on 64 × 64 px photos, 25% dropout",
    "Transfer input": "photos resized to 128 × 128 px and normalised as the backbone expects",
    "Test set": f"{len(samples)} photos, balanced, rendered with their own seed (never trained on)",
})
