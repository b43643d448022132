"""The dress: blue/black or white/gold? The same few photos learned three ways, side by side."""
import numpy as np
import streamlit as st

from lib import presenter, ui, ui_images
from lib.data.dress import CLASSES, POOL_PER_CLASS

st.title(":material/checkroom: The dress: blue/black or white/gold?")
st.markdown(
    "In 2015 one overexposed photo of a blue dress with black lace split the internet: half saw "
    "white and gold. Here every photo is rendered the same way, a dress in a room under a random "
    "colour cast and exposure, and labeled with the dress's **true** colours. Under a strong cast "
    "the pixels alone are ambiguous. How many labeled photos does each way need, and which part "
    "of a network pretrained on everyday photos helps?")

task = ui_images.load_task("dress")
# In presenter mode the results, not the samples, belong above the fold.
with st.expander("Sample photos (from the held-out test set)", expanded=not presenter.is_on()):
    for c, name in enumerate(CLASSES):
        picks = np.flatnonzero(task.test.labels == c)[:10]
        st.image(list(task.test.images[picks]), width=96, caption=[name] * len(picks))

backbone = ui.backbone_select()
cut = ui_images.cut_select(backbone)
control = ui.control_toggle()
seed = ui.seed_input()


@st.fragment
def experiment():
    n = ui.n_per_class_slider(default=16, hi=POOL_PER_CLASS)
    comparison = ui.run_compare("dress", n, seed, backbone=backbone, control=control, cut=cut)
    if comparison is None:
        return
    ui_images.show_comparison(comparison)
    presenter.say("dress_colour", comparison=comparison)
    ui_images.depth_section("dress", n, backbone)


experiment()
ui.training_settings_expander(ui_images.recipes() | {
    "Test set": f"{len(task.test)} photos, balanced, rendered with their own seed (never trained on)",
})
