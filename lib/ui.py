"""The only Streamlit-aware module in lib: URL-synced settings, progress, side-by-side results.

Pages stay thin scripts by calling these. Every setting that defines a result is read from and
written to the URL (`st.query_params`), so a copied link reproduces the view.
"""
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from . import charts, presenter
from .backbones import CHOICES
from .stored import compare_stored
from .train import TrainConfig


# ---------------------------------------------------------------- settings that live in the URL

def _from_url(key, parse, default):
    try:
        return parse(st.query_params[key]) if key in st.query_params else default
    except (ValueError, TypeError):
        return default  # a hand-edited link with junk in it falls back to the default


def _setting(key: str, from_url, check):
    """This session's value (it follows the visitor from page to page), else the link's, else the
    default; `check` repairs or replaces it. Writing it back to session state on every run is what
    keeps Streamlit from resetting a widget to its first option when another page drew it last."""
    value = st.session_state[key] if key in st.session_state else from_url()
    st.session_state[key] = check(value)
    return st.session_state[key]


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


def doubling_sizes(hi: int, lo: int = 1) -> list[int]:
    """1, 2, 4, ... up to hi: the sizes the learning curves measure, so each is trained once."""
    return [2 ** i for i in range(16) if lo <= 2 ** i <= hi]


def n_per_class_slider(default: int, hi: int, label="Labeled examples per class", lo: int = 1,
                       doubling: bool = True) -> int:
    """How many labeled examples per class. doubling=True steps 1, 2, 4, ...: the data doubles at
    every step, and every position is one the learning curves (and the offline pack) computed."""
    help = "How many labeled examples of each class both ways get to learn from."
    value = url_int("n_per_class", default, lo, hi)
    if not doubling:
        n = st.slider(label, lo, hi, key="n_per_class", help=help)
    else:
        options = doubling_sizes(hi, lo)
        if value not in options:  # a hand-edited link between two steps: the step below it
            st.session_state["n_per_class"] = max([o for o in options if o <= value] or options[:1])
        n = st.select_slider(label, options, key="n_per_class", help=help + " It doubles at every step.")
    remember(n_per_class=n)
    return n


def seed_input() -> int:
    url_int("seed", 0, 0, 10_000)
    seed = st.sidebar.number_input("Seed", 0, 10_000, key="seed", step=1,
                                   help="Which random draw of labeled examples and initial weights. "
                                        "The same seed always gives the same numbers.")
    remember(seed=seed)
    return int(seed)


def backbone_select() -> str:
    url_choice("backbone", "efficientnet_lite0", list(CHOICES))
    # Names only: the sidebar is ~28 characters wide, and "EfficientNet-Lite0 (ships with the
    # app, offline)" was cut off there. Where each one comes from is in the tooltip.
    name = st.sidebar.selectbox(
        "Pretrained network", list(CHOICES), key="backbone", format_func=lambda k: CHOICES[k][0],
        help="The network, pretrained on ImageNet, whose features the transfer head learns from "
             "(the frozen backbone). EfficientNet-Lite0 ships with the app and works offline; the "
             "others are downloaded once, and fall back to EfficientNet-Lite0 without a network.")
    remember(backbone=name)
    return name


def control_toggle() -> bool:
    url_bool("control", False)
    on = st.sidebar.toggle("Show the control (random weights)", key="control",
                           help="The control is a random frozen backbone: the same architecture "
                                "and head, with random weights instead of pretrained ones, kept "
                                "fixed while the head trains. It shows whether the gain comes "
                                "from pretraining or merely from freezing.")
    remember(control=on)
    return on


# ---------------------------------------------------------------- running, with progress and caches

class Progress:
    """A progress bar that engine code can drive through a plain callback(message, fraction)."""

    def __init__(self, text="Working…"):
        self.bar = st.progress(0.0, text=text)

    def __call__(self, message, fraction=None):
        if isinstance(fraction, (int, float)):
            with _live_only():
                self.bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    def done(self):
        self.bar.empty()


@contextmanager
def _live_only():
    """Draw without being recorded by an enclosing st.cache_data. Streamlit replays what a cached
    function drew on every cache hit, and this bar lives outside cached_compare, so replaying its
    updates raises CacheReplayClosureError (a slider moved back to a value seen before)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function
    except ImportError:  # moved in a later Streamlit: draw as before
        yield
        return
    token = in_cached_function.set(False)
    try:
        yield
    finally:
        in_cached_function.reset(token)


@st.cache_data(show_spinner=False, max_entries=512)
def cached_compare(task, n_per_class: int, seed: int, _progress=None, **options):
    """compare(), remembered per settings in memory and (lib.stored) on disk: a slider moved back
    is instant, and so is a position anyone on this server, or the offline pack, trained before."""
    return compare_stored(task, n_per_class, seed, progress=_progress, **options)


def run_compare(task, n_per_class, seed, **options):
    """cached_compare with a progress bar that disappears when done; None (and an st.error) on failure."""
    bar = Progress("Training both ways…")
    try:
        return cached_compare(task, n_per_class, seed, _progress=bar, **options)
    except ValueError as err:
        st.error(f"Could not train: {err}")
        return None
    finally:
        bar.done()


# ---------------------------------------------------------------- showing results

def percent(x: float) -> str:
    return f"{100 * x:.1f} %"


def run_card(run, n_train: int) -> None:
    """One way's numbers: accuracy with its interval, parameters, time."""
    colour = charts.COLOURS.get(run.method, "#000")
    st.markdown(f"<h4 style='color:{colour};margin-bottom:0'>{run.label}</h4>", unsafe_allow_html=True)
    low, high = run.test_interval
    st.metric("Test accuracy", percent(run.test_accuracy),
              help=f"On {run.n_test} held-out test examples. 95% interval "
                   f"{percent(low)} – {percent(high)} (Wilson): the test set is finite.")
    st.caption(f"95% interval {percent(low)} – {percent(high)} on {run.n_test} test examples · "
               f"train accuracy {percent(run.train_accuracy)} on {n_train} examples")
    frozen = run.total_params - run.trainable_params
    st.metric("Trained weights", f"{run.trainable_params:,}")
    if frozen:
        st.caption(f"Head: {run.formula} trained, on top of {frozen:,} frozen weights")
    else:
        st.caption("Every weight starts random and is learned from the labeled examples")
    epochs = int(run.history.epoch.max())
    st.caption(f"Training took {run.train_seconds:.2f} s for {epochs} epoch{'s' if epochs != 1 else ''}")


def side_by_side(comparison) -> None:
    """The runs in columns, one per way, scratch first."""
    n_train = len(comparison.train_index)
    for col, run in zip(st.columns(len(comparison.runs)), comparison.runs.values()):
        with col:
            run_card(run, n_train)


@st.cache_data(show_spinner=False, max_entries=512)
def _chart_spec(name: str, args: tuple, kwargs: tuple, sized: bool, _make) -> dict:
    """The Vega-Lite spec of `_make(*args, **kwargs)`; `name` (module.function) keys _make."""
    chart = _make(*args, **dict(kwargs))
    spec = (presenter.sized(chart, on=True) if sized else chart).to_dict()
    view = spec.get("config", {}).get("view", {})
    for k in ("continuousWidth", "continuousHeight"):  # Altair's default theme; st.altair_chart
        view.pop(k, None)                               # turns that theme off the same way
    return spec


def chart(make, *args, where=None, sized: bool = False, **kwargs) -> None:
    """Draw the Altair chart `make(*args, **kwargs)` from a Vega-Lite spec built and validated once
    per input: building and validating a spec took ~0.1 s of every slider move, and a classroom
    server repeats the same slider positions all day. sized=True enlarges it in presenter mode."""
    spec = _chart_spec(f"{make.__module__}.{make.__qualname__}", args, tuple(sorted(kwargs.items())),
                       sized and presenter.is_on(), make)
    (where or st).vega_lite_chart(spec=spec, width="stretch")


def histories(comparison) -> pd.DataFrame:
    """All runs' per-epoch histories in one long DataFrame with a method column."""
    return pd.concat([r.history.assign(method=m) for m, r in comparison.runs.items()], ignore_index=True)


def show_notices(comparison) -> None:
    for notice in comparison.notices:
        st.warning(notice, icon=":material/warning:")


def verdict(comparison, a: str = "transfer", b: str = "scratch") -> None:
    """lib.runs.verdict's plain sentence, with the test behind it (McNemar's) in its tooltip."""
    from .runs import verdict as words, verdict_test
    st.markdown(words(comparison, a, b), help=verdict_test(comparison, a, b))


def training_settings_expander(extra: dict | None = None) -> None:
    """Disclose how each way is trained, fixed before any result was seen. Pages pass their ways'
    recipes in `extra`, written from the config objects the engine trains with."""
    from .runs import VALIDATION_FRACTION, VALIDATION_MIN_PER_CLASS
    with st.expander("How each way is trained (fixed before looking at any result)"):
        rows = dict(extra or {})
        rows.update({
            "Validation split": f"{VALIDATION_FRACTION:.0%} of each class's labeled examples, held "
                                f"back for early stopping only when that is at least "
                                f"{VALIDATION_MIN_PER_CLASS} per class; never from the test set",
            "Accuracy interval": "95% Wilson score interval over the test examples",
        })
        st.table(pd.DataFrame({"setting": list(rows), "value": list(rows.values())}).set_index("setting"))


TASK_NAMES = {"dress": ":material/checkroom: The dress (images)",
              "ants_bees": ":material/pest_control: Ants and bees (real photos)",
              "sentiment": ":material/movie: Movie reviews (text)"}


def task_picker(label: str = "Task") -> str:
    """Choose the example task (key "task", kept in the URL); stops the page if it can't run here."""
    from .sweeps import task_available
    url_choice("task", "dress", list(TASK_NAMES))
    task = st.segmented_control(label, list(TASK_NAMES), format_func=TASK_NAMES.get, key="task") or "dress"
    remember(task=task)
    if not task_available(task):
        st.info(f"The {TASK_NAMES[task]} task is not available in this installation.")
        st.stop()
    return task
