"""The dress: blue/black or white/gold? The same few photos learned every way, side by side,
the simplest model first: the floor every deep way must beat."""
import streamlit as st

from lib import DEFAULT_SEEDS, DEFAULT_SIZES, POOL_PER_CLASS, THUMB, run_sweep, sweep_options
from ui import cards, images as ui_images, presenter, words


st.title(":material/checkroom: The dress: blue/black or white/gold?")
# The introduction's claim about many draws: read from the default learning-curve sweep where this
# engine's is stored (trains nothing, ~0.04 s), else quoted from docs/FINDINGS.md with its date.
stored = run_sweep("dress", DEFAULT_SIZES, DEFAULT_SEEDS, cached_only=True, **sweep_options("dress"))
about = presenter.intro(
    "In 2015 one overexposed photo of a blue dress with black lace split the internet: half saw "
    "white and gold. Here every photo is made the way a camera makes one: a dress of varying cut, "
    "pose and lace, framed loosely in a varying room, lit by real light sources, exposed "
    "automatically to middle grey and white-balanced by the camera, and labeled with the dress's "
    "**true** colours. The camera sets each photo's brightness, so brightness alone only goes "
    "part of the way: on greyscale thumbnails the simplest model levels off well below what it "
    "reaches in colour (the validity report in docs/FINDINGS.md).",
    f"The first card is that **simplest model**, a linear model on a {THUMB} × {THUMB} "
    f"thumbnail of the pixels: the floor every deep way must beat. "
    f"{words.floor_reading(stored) or words.FLOOR_MEASURED_ELSEWHERE} The article's rule of thumb "
    "is that the model a problem can use grows with the data it is given. How many photos does "
    "each way need before its weights pay for themselves, and which part of a network pretrained "
    "on everyday photos helps?")

task = ui_images.load_task("dress")
with about:  # in presenter mode, folded with the introduction
    ui_images.samples(task, per_class=8, width=96, label="Sample photos (from the held-out test set)")
ui_images.experiment("dress", default_n=ui_images.DEFAULT_N["dress"], hi=POOL_PER_CLASS, step="dress_colour")
cards.training_settings_expander(ui_images.recipes() | {
    "Test set": f"{len(task.test)} photos, balanced, rendered with their own seed (never trained on)",
})
