"""Ants or bees? Real photos from the web, learned three ways, side by side."""
import numpy as np
import streamlit as st

from lib import presenter, ui, ui_images
from lib.data import photos

st.title(":material/pest_control: Ants or bees? Real photos")
st.markdown(
    "Real photos from the web, of every size and angle: the data set of PyTorch's "
    "transfer-learning tutorial. About 120 photos of each insect to learn from and 75 of each to "
    "test on. **Ants and bees are both among ImageNet's 1,000 classes**: the pretrained network "
    "has seen photos of these very insects, so this task is close to the one it was trained for. "
    "Compare the dress, where it is not.")

task = ui_images.load_task("ants_bees")
with st.expander("Sample photos (from the test set)", expanded=not presenter.is_on()):
    for c, name in enumerate(task.classes):
        picks = np.flatnonzero(task.test.labels == c)[:8]
        st.image(list(task.test.images[picks]), width=110, caption=[name] * len(picks))

backbone = ui.backbone_select()
cut = ui_images.cut_select(backbone)
control = ui.control_toggle()
seed = ui.seed_input()


@st.fragment
def experiment():
    n = ui.n_per_class_slider(default=8, hi=task.max_per_class())
    comparison = ui.run_compare("ants_bees", n, seed, backbone=backbone, control=control, cut=cut)
    if comparison is None:
        return
    ui_images.show_comparison(comparison)
    presenter.say("ants_bees", comparison=comparison)
    ui_images.depth_section("ants_bees", n, backbone)


experiment()
skipped = getattr(task, "skipped", [])
ui.training_settings_expander(ui_images.recipes() | {
    "Photos": f"{len(task.pool)} to learn from (train/), {len(task.test)} to test on (val/); "
              f"{len(skipped)} file(s) in the zip that are not photos were left out"
              + (f" ({', '.join(skipped)})" if skipped else ""),
    "Checksum": f"sha256 {photos.checksum() or 'not recorded'} of the zip as it arrived "
                "(recorded on first download: no published checksum to check against)",
})
