"""The dress: blue/black or white/gold? The same few photos learned three ways, side by side."""
import streamlit as st

from lib.data.dress import POOL_PER_CLASS
from ui import cards, images as ui_images


st.title(":material/checkroom: The dress: blue/black or white/gold?")
st.markdown(
    "In 2015 one overexposed photo of a blue dress with black lace split the internet: half saw "
    "white and gold. Here every photo is rendered the same way, a dress in a room under a random "
    "colour cast and exposure, and labeled with the dress's **true** colours. Under a strong cast "
    "the pixels alone are ambiguous. How many labeled photos does each way need, and which part "
    "of a network pretrained on everyday photos helps?")

task = ui_images.load_task("dress")
ui_images.samples(task, per_class=10, width=96, label="Sample photos (from the held-out test set)")
ui_images.experiment("dress", default_n=ui_images.DEFAULT_N["dress"], hi=POOL_PER_CLASS, step="dress_colour")
cards.training_settings_expander(ui_images.recipes() | {
    "Test set": f"{len(task.test)} photos, balanced, rendered with their own seed (never trained on)",
})
