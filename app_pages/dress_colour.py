"""The dress: blue/black or white/gold? The same few photos learned every way, side by side,
the simplest model first: the floor every deep way must beat."""
import streamlit as st

from lib import POOL_PER_CLASS, THUMB
from ui import cards, images as ui_images, presenter


st.title(":material/checkroom: The dress: blue/black or white/gold?")
about = presenter.intro(
    "In 2015 one overexposed photo of a blue dress with black lace split the internet: half saw "
    "white and gold. Here every photo is made the way a camera makes one: a dress of varying cut, "
    "pose and lace, framed loosely in a varying room, lit by real light sources, exposed "
    "automatically to middle grey and white-balanced by the camera, and labeled with the dress's "
    "**true** colours. The camera sets each photo's brightness, so brightness alone only goes "
    "part of the way: on greyscale thumbnails the simplest model levels off well below what it "
    "reaches in colour (the validity report in docs/FINDINGS.md).",
    f"The first card is that **simplest model**, a linear model on a {THUMB} × {THUMB} "
    "thumbnail of the pixels: the floor every deep way must beat. Measured over many draws, with "
    "a handful of labeled photos per class no network does better than it; with a few dozen they "
    "pull ahead, the fine-tuned pretrained network furthest: the model a problem can use grows "
    "with the data it is given. How many photos does each way need before its weights pay for "
    "themselves, and which part of a network pretrained on everyday photos helps?")

task = ui_images.load_task("dress")
with about:  # in presenter mode, folded with the introduction
    ui_images.samples(task, per_class=8, width=96, label="Sample photos (from the held-out test set)")
ui_images.experiment("dress", default_n=ui_images.DEFAULT_N["dress"], hi=POOL_PER_CLASS, step="dress_colour")
cards.training_settings_expander(ui_images.recipes() | {
    "Test set": f"{len(task.test)} photos, balanced, rendered with their own seed (never trained on)",
})
