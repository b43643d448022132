"""Your own data: bring photos or texts, and watch every way learn them side by side."""
import streamlit as st

from lib import IMAGE_SIZE, SCRATCH_SIZE, SPLIT_SEED, TEST_FRACTION, THUMB, UploadError, split_task
from ui import cards, controls, presenter, upload as up


st.title(":material/folder_open: Your own data")
st.markdown(
    "Does it work on *your* data? Name a few classes, add examples of each, and the same ways "
    "learn them side by side: a small network **from scratch**, and a **pretrained** network "
    "with a small head on its frozen features (for photos also with its top fine-tuned). Photos "
    f"also get the **simplest model**, a linear model on a {THUMB} × {THUMB} thumbnail of their "
    "pixels: the floor a deep way has to beat before it has earned its weights. "
    "A quarter of each class is held out to test on. This is the teaching version of a service "
    "that builds a classifier from your uploads on top of pretrained models, tests it in a web "
    "page, and hands it to you to use elsewhere. Your files, and everything computed from them, "
    "are kept only in your session's memory on the server: nothing is written to its disk, and "
    "all of it is dropped when your session ends.")

s = up.session()
kind = st.radio("What are you teaching?", ["Images", "Texts"], key="kind", horizontal=True)
seed = controls.seed_input()
up.show_messages()

if kind == "Images":
    backbone = controls.backbone_select()
    collection = up.image_inputs()
    problems, options = collection.problems(), {"backbone": backbone}
    dataset = None if problems else collection.dataset()
    names = collection.file_names()
else:
    texts = up.text_inputs()
    problems = [] if texts.table else ["Upload a CSV or paste lines to begin."]
    if texts.table and not up.text_training_available():
        problems = ["Training on texts is not available in this version of the app."]
    dataset, options = (texts.table.dataset if texts.table else None), {}
    names = [t[:40] for t in dataset.texts] if dataset is not None else []

st.header("Train and compare")
for p in problems:
    st.warning(p)
if dataset is not None and not problems:
    hi = split_task(dataset).max_per_class()
    if st.session_state.get("n_per_class", hi) > hi:
        st.session_state["n_per_class"] = hi  # fewer images now than when the slider was set
    # scarce labels first, as on every page: the slider starts low, and more is one move away
    n = controls.n_per_class_slider(default=min(up.SCARCE, hi), hi=hi, lo=1, doubling=False) if hi > 1 else 1
    if st.button("Train every way", key="train", type="primary"):
        try:
            s[f"result_{kind}"] = up.train(dataset, names, n, seed, **options)
        except UploadError as err:
            st.error(str(err))

result = s.get(f"result_{kind}")
presenter.say("your_data", comparison=result["comparison"] if result else None)
if result is not None:
    up.show_result(result)
    up.show_curve(result)
if kind == "Images":
    up.head_section(result or {})
    cards.training_settings_expander({
        "Your images": f"centre-cropped to a square and kept at {IMAGE_SIZE} × {IMAGE_SIZE} px; the "
                       f"simplest model sees them at {THUMB} × {THUMB}, from scratch at "
                       f"{SCRATCH_SIZE} px, each pretrained network through its weights' own "
                       f"resize and centre crop",
        "Test set": f"{100 * TEST_FRACTION:.0f} % of each class (at least one), drawn with seed {SPLIT_SEED}, "
                    f"never trained on",
    })
