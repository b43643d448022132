"""Ants or bees? Real photos from the web, learned four ways, side by side."""
import streamlit as st

from lib import downloads
from lib.data import photos
from ui import cards, images as ui_images


st.title(":material/pest_control: Ants or bees? Real photos")
st.markdown(
    "Real photos from the web, of every size and angle: the data set of PyTorch's "
    "transfer-learning tutorial. About 120 photos of each insect to learn from and 75 of each to "
    "test on. **Ants and bees are both among ImageNet's 1,000 classes**: the pretrained network "
    "has seen photos of these very insects, so this task is close to the one it was trained for. "
    "Compare the dress, where it is not.")



def _link(path: str, label: str, icon: str, url: str) -> None:
    try:  # keeps this session (and what it holds) when the app's navigation knows the page
        st.page_link(path, label=label, icon=icon)
    except st.errors.StreamlitAPIException:  # this page run on its own (tests): a plain link
        st.markdown(f"[{label}]({url})")


def not_here(err: Exception) -> None:
    """What is missing, how to get it with a network, how to bring it in a pack, and what to do
    instead, in plain words; what the download said only in a detail."""
    st.warning("The ants-and-bees photos are not on this computer, and this computer could not "
               "download them (no network, or the download was refused).", icon=":material/cloud_off:")
    st.markdown(f"**With a network:** open this page again there. It downloads the photos once "
                f"({photos.SIZE_MB} MB) and keeps them.")
    st.markdown("**Without one, bring them in a pack.** On a computer with a network, in this "
                "app's folder, `scripts/prefetch.py` writes a pack with everything the pages need:")
    st.code("python scripts/prefetch.py --write pack.tar.gz", language="bash")
    st.markdown("Copy `pack.tar.gz` to this computer, unpack it here, then reload this page:")
    st.code("python scripts/prefetch.py --read pack.tar.gz", language="bash")
    st.markdown("**Or go on without them:** *The dress* shows the same ways on photos this computer "
                "makes itself, and *Your own data* takes your own photos: a zip of folders, one per "
                "class, or snapshots from a camera.")
    left, right = st.columns(2)
    with left:
        _link("app_pages/dress_colour.py", "The dress", ":material/checkroom:", "/dress_colour")
    with right:
        _link("app_pages/your_data.py", "Your own data", ":material/folder_open:", "/your_data")
    with st.expander("What the download said"):
        st.code(str(err), language=None, wrap_lines=True)


if not photos.available():  # download them here, so that failing says so in the words above
    try:
        with st.spinner(f"Downloading the ants-and-bees photos ({photos.SIZE_MB} MB, once)…"):
            photos.fetch()
    except downloads.Unavailable as err:
        not_here(err)
        st.stop()
task = ui_images.load_task("ants_bees")
ui_images.samples(task, per_class=8, width=110)
ui_images.experiment("ants_bees", default_n=ui_images.DEFAULT_N["ants_bees"], hi=task.max_per_class(), step="ants_bees")
skipped = getattr(task, "skipped", [])
cards.training_settings_expander(ui_images.recipes() | {
    "Photos": f"{len(task.pool):,} to learn from (train/), {len(task.test):,} to test on (val/); "
              + ("1 file in the zip that is not a photo was left out" if len(skipped) == 1 else
                 f"{len(skipped)} files in the zip that are not photos were left out")
              + (f" ({', '.join(skipped)})" if skipped else ""),
    "Checksum": f"sha256 {photos.checksum() or 'not recorded'} of the zip as it arrived "
                "(recorded on first download: no published checksum to check against)",
})
