"""Ants or bees? Real photos from the web, learned four ways, side by side."""
import streamlit as st

from lib import PHOTOS_SIZE_MB, Unavailable, fetch_photos, photos_available, photos_checksum
from ui import cards, images as ui_images, offline, presenter


st.title(":material/pest_control: Ants or bees? Real photos")
about = presenter.intro(
    "Real photos from the web, of every size and angle: the data set of PyTorch's "
    "transfer-learning tutorial. About 120 photos of each insect to learn from and 75 of each to "
    "test on. **Ants and bees are both among ImageNet's 1,000 classes**: the pretrained network "
    "has seen photos of these very insects, so this task is close to the one it was trained for. "
    "Compare the dress, where it is not.")


if not photos_available():  # download them here, so that failing says so in the words above
    try:
        with st.spinner(f"Downloading the ants-and-bees photos ({PHOTOS_SIZE_MB} MB, once)…"):
            fetch_photos()
    except Unavailable as err:
        offline.offline_notice("the ants-and-bees photos", err, size_mb=PHOTOS_SIZE_MB,
                               instead=(offline.DRESS, offline.YOUR_DATA))
        st.stop()
task = ui_images.load_task("ants_bees")
with about:  # in presenter mode, folded with the introduction
    ui_images.samples(task, per_class=8, width=110)
ui_images.experiment("ants_bees", default_n=ui_images.DEFAULT_N["ants_bees"], hi=task.max_per_class(), step="ants_bees")
skipped = getattr(task, "skipped", [])
cards.training_settings_expander(ui_images.recipes() | {
    "Photos": f"{len(task.pool):,} to learn from (train/), {len(task.test):,} to test on (val/); "
              + ("1 file in the zip that is not a photo was left out" if len(skipped) == 1 else
                 f"{len(skipped)} files in the zip that are not photos were left out")
              + (f" ({', '.join(skipped)})" if skipped else ""),
    "Checksum": f"sha256 {photos_checksum() or 'not recorded'} of the zip as it arrived "
                "(recorded on first download: no published checksum to check against)",
})
