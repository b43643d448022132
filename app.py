"""Transfer Lab: `streamlit run app.py`. Page config, navigation, and the shared sidebar."""
from pathlib import Path

import streamlit as st

from ui import presenter, state, warmup

# The tab's icon is a file the app serves itself (Streamlit's own): with none set, each page's
# Material icon becomes its favicon, and the browser fetches that from fonts.gstatic.com (it
# failed offline); an emoji icon needs an emoji font.
FAVICON = str(Path(st.__file__).parent / "static" / "favicon.png")
st.set_page_config(page_title="Transfer Lab", page_icon=FAVICON, layout="wide")

# (file, title, icon): each page's URL is its file name, e.g. /dress_colour?n_per_class=16
PAGES = [
    ("app_pages/home.py", "Why transfer learning", ":material/rocket_launch:"),
    ("app_pages/ants_bees.py", "Ants and bees", ":material/pest_control:"),
    ("app_pages/dress_colour.py", "The dress", ":material/checkroom:"),
    ("app_pages/sentiment.py", "Movie reviews", ":material/movie:"),
    ("app_pages/learning_curves.py", "Learning curves", ":material/show_chart:"),
    ("app_pages/overfitting.py", "Overfitting", ":material/psychology:"),
    ("app_pages/parameters.py", "Parameters", ":material/calculate:"),
    ("app_pages/your_data.py", "Your own data", ":material/folder_open:"),
]

page = st.navigation([st.Page(path, title=title, icon=icon, default=(i == 0))
                      for i, (path, title, icon) in enumerate(PAGES)])
st.sidebar.caption("Every number in Transfer Lab is computed live, or read from a cache the "
                   "same code filled.")
with st.sidebar:  # draws nothing; a lost server's tabs rebuild their view from the URL (ui/state.py)
    state.rerun_after_reconnect()
if presenter.sidebar_toggle():  # ?present=1: big type, sidebar tucked away, a guided path
    st.set_page_config(initial_sidebar_state="collapsed")
presenter.apply_css()
presenter.share_and_reset()
presenter.guided_path(page.url_path, notes=False)
# Two threads importing one package at once can break both (lib/imports.py): every page but home
# imports the engine through warmup.ready(), which waits while the warm-up imports it.
if page.url_path:
    warmup.start()
    if not warmup.loaded():  # only the first page a fresh server runs waits here, and says why
        with st.spinner("Loading the engine (torch and the models), once per server: a few seconds…"):
            warmup.ready()
# A visitor who changes page stops asking for what the page left asked for (its view, draws,
# profile, the slider positions ahead: ui.live's Asks); the new page asks for its own. Without
# this, the dress page's ladder ahead (fine-tuning at 256 per class) held both workers while its
# visitor waited on the learning curves. A task another session holds goes on (lib.engine.Asks).
if st.session_state.get("_transfer_lab_page") != page.url_path:
    st.session_state["_transfer_lab_page"] = page.url_path
    if (asks := st.session_state.get("_transfer_lab_asks")) is not None:
        asks.release()
try:
    page.run()
finally:  # once per server: torch, the tasks and the pretrained models load in the background,
    warmup.start()  # from when home has drawn (its few light imports never run beside the warm-up's)
presenter.guided_path(page.url_path)
