"""Settings that live in the URL: every setting that defines a result is read from and written
to `st.query_params`, so a copied link reproduces the view, and kept in session state, so it
follows the visitor from page to page."""
import streamlit as st


def _from_url(key, parse, default):
    try:
        return parse(st.query_params[key]) if key in st.query_params else default
    except (ValueError, TypeError):
        return default  # a hand-edited link with junk in it falls back to the default


def _setting(key: str, from_url, check):
    """This session's value (it follows the visitor from page to page), else the link's, else the
    default; `check` repairs or replaces it.

    The value is written back into session state only when the widget would otherwise lose it:
    on the first run of a page (a widget's id includes its page, so another page's widget of the
    same key does not carry it over), when the key is gone, or when `check` repaired it. Writing
    it on every run would mark the widget as set by the script on every run, and the browser then
    moves it back to the value that run started with: a presenter's quick presses during a run
    were undone (test_browser's ten quick presses)."""
    value = st.session_state[key] if key in st.session_state else from_url()
    fixed = check(value)
    written = st.session_state.setdefault(_WRITTEN_ON, {})
    page = _page()
    if key not in st.session_state or st.session_state[key] != fixed or written.get(key) != page:
        st.session_state[key] = fixed
        written[key] = page
    return fixed


_WRITTEN_ON = "_state_written_on_page"  # setting -> the page whose run last wrote it


def _page() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else ""


def url_int(key: str, default: int, lo: int, hi: int) -> int:
    """An int setting: session state first, then the URL, then the default; clamped to [lo, hi]."""
    return _setting(key, lambda: _from_url(key, int, default), lambda v: min(max(int(v), lo), hi))


def url_choice(key: str, default: str, options) -> str:
    return _setting(key, lambda: _from_url(key, str, default), lambda v: v if v in options else default)


def url_bool(key: str, default: bool = False) -> bool:
    return _setting(key, lambda: _from_url(key, lambda v: v.lower() in {"1", "true", "yes"}, default), bool)


def remember(**settings) -> None:
    """Write settings into the URL (only the ones that changed, to avoid needless reruns)."""
    for key, value in settings.items():
        text = str(int(value)) if isinstance(value, bool) else str(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


# Streamlit's frontend asks for a new run after its websocket reconnects only when the page has
# an auto-rerunning fragment (or its last run was a fragment run, or unfinished). A reconnect to
# a restarted server, or to another replica behind the balancer, lands in a new session that
# knows none of the page's fragments: without that run, the page keeps its old results and drops
# the next slider moves ("The fragment with id ... does not exist anymore"). An empty fragment
# that reruns once an hour costs nothing and makes every reconnect rebuild the view from its URL.
RECONNECT_RERUN_EVERY = "1h"


@st.fragment(run_every=RECONNECT_RERUN_EVERY)
def rerun_after_reconnect() -> None:
    """Draws nothing; see RECONNECT_RERUN_EVERY."""
