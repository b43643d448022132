"""Running a comparison with a progress bar and caches, and showing its results: a card per way,
side by side, charts drawn from cached specs, the verdict with its test, and the recipes."""
from contextlib import contextmanager
import time

import pandas as pd
import streamlit as st

from lib import RETRY_S, compare_stored
from ui import charts, presenter, words


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


_fallbacks: dict = {}  # (cached function, its settings) -> when a fallback result was cached


def until_back(cached, *args, notices=lambda result: result.notices, **kwargs):
    """`cached(*args, **kwargs)`, an st.cache_data function, but a result made with a fallback
    (`notices(result)` not empty: the download failed) is kept only RETRY_S, as lib.image.ways
    keeps the fallback backbone itself: then it is computed again, which tries the download
    again, so the page shows the real network once the network is back. Real results stay."""
    key = (cached, args, tuple(sorted((k, v) for k, v in kwargs.items() if not k.startswith("_"))))
    since = _fallbacks.get(key)
    if since is not None and time.monotonic() - since >= RETRY_S:
        cached.clear(*args, **kwargs)
        _fallbacks.pop(key, None)
    result = cached(*args, **kwargs)
    if notices(result):
        _fallbacks.setdefault(key, time.monotonic())
    return result


def run_compare(task, n_per_class, seed, **options):
    """cached_compare with a progress bar that disappears when done; None (and an st.error) on failure."""
    bar = Progress("Training every way…")
    try:
        return until_back(cached_compare, task, n_per_class, seed, _progress=bar, **options)
    except ValueError as err:
        st.error(f"Could not train: {err}")
        return None
    finally:
        bar.done()


def percent(x: float) -> str:
    """A share as the app writes it everywhere: one decimal, a space before the sign."""
    return f"{100 * x:.1f} %"


TITLES = {"pixels": "Simplest: pixels", "scratch": "From scratch", "transfer": "Transfer: frozen head",
          "finetune": "Fine-tuned", "control": "Control: random frozen", "encoder": "Sentence encoder",
          "skipgram": "Skip-gram", "bow": "Bag of words", "zero_shot": "No labels"}


def way_title(method: str) -> str:
    """A way's short plain title for its card (the technical detail is in its label)."""
    return TITLES.get(method, method)


# On the text pages the frozen head ("transfer") reads word vectors pretrained on unlabeled text
TEXT_TITLES = {**TITLES, "transfer": "Word vectors", "encoder": "Sentence encoder"}


def title(method: str, detail: str = "", titles: dict = TITLES) -> None:
    """A card's heading: the way's plain title in its colour, on one line whatever the column's
    width (so the cards' rows line up), the technical detail in its tooltip."""
    import html
    colour = charts.COLOURS.get(method, "#000")
    st.markdown(f"<h4 title='{html.escape(detail, quote=True)}' style='color:{colour};margin:0;"
                f"font-size:1.1rem;padding:0 0 0.25rem;white-space:nowrap;overflow:hidden;"
                f"text-overflow:ellipsis'>"
                f"{titles.get(method, method)}</h4>", unsafe_allow_html=True)


def run_card(run, n_train: int | None = None, titles: dict = TITLES) -> None:
    """One way's numbers, the same rows in the same order on every card (so a row of cards lines
    up): title, accuracy, its interval, weights trained; then the detail, which may wrap."""
    n_train = run.n_train or n_train or 0
    title(run.method, run.label, titles)
    low, high = run.test_interval
    st.metric("Test accuracy", percent(run.test_accuracy),
              help=f"On {run.n_test:,} held-out test examples. 95 % interval "
                   f"{percent(low)} – {percent(high)} (a Wilson score interval): the test set is finite.")
    st.caption(f"likely between {percent(low)} and {percent(high)}; on the {n_train:,} examples "
               f"it trained on: {percent(run.train_accuracy)}")
    frozen = run.total_params - run.trainable_params
    with st.container(key=f"weights_{run.method}"):  # smaller type in presenter mode (ui.presenter.CSS)
        st.metric("Trained weights", f"{run.trainable_params:,}")
    if frozen and run.formula:
        st.caption(f"Head: {run.formula} trained, on top of {frozen:,} frozen weights")
    elif frozen:  # fine-tuning: the network's top and a new head, counted from their tensors
        st.caption(f"The unfrozen top and a new head trained, on top of {frozen:,} frozen weights")
    elif run.method in BY_EPOCHS:
        st.caption("Every weight starts random and is learned from the labeled examples")
    else:  # a linear probe (lib.probe): L-BFGS from zero weights
        st.caption("Every weight starts at zero and is learned from the labeled examples")
    epochs = int(run.history.epoch.max()) if len(run.history) else 0
    if run.method in BY_EPOCHS:
        st.caption(f"{run.label}. Training took {run.train_seconds:.2f} s for {epochs} "
                   f"round{'s' if epochs != 1 else ''} over the data",
                   help="A round over every labeled example is an epoch.")
    else:
        st.caption(f"{run.label}. Training took {run.train_seconds:.2f} s for {epochs} "
                   f"L-BFGS step{'s' if epochs != 1 else ''}",
                   help="A linear probe is fitted by L-BFGS: each step reads every labeled example "
                        "once, and it stops when the fit no longer improves.")


# Ways trained by gradient steps over epochs (lib.train.fit); every other way is a linear probe
# fitted by L-BFGS iterations from zero weights (lib.probe), whatever its history calls "epoch".
BY_EPOCHS = {"scratch", "finetune"}


def side_by_side(comparison) -> None:
    """The runs in columns, one per way, scratch first."""
    n_train = len(comparison.train_index)
    for col, run in zip(st.columns(len(comparison.runs)), comparison.runs.values()):
        with col:
            run_card(run, n_train)


def _spec(make, args: tuple, kwargs: tuple, sized: bool) -> dict:
    chart = make(*args, **dict(kwargs))
    spec = (presenter.sized(chart, on=True) if sized else chart).to_dict()
    view = spec.get("config", {}).get("view", {})
    for k in ("continuousWidth", "continuousHeight"):  # Altair's default theme; st.altair_chart
        view.pop(k, None)                               # turns that theme off the same way
    return spec


@st.cache_data(show_spinner=False, max_entries=512)
def _chart_spec(name: str, args: tuple, kwargs: tuple, sized: bool, _make) -> dict:
    """The Vega-Lite spec of `_make(*args, **kwargs)`; `name` (module.function) keys _make."""
    return _spec(_make, args, kwargs, sized)


@st.cache_data(show_spinner=False, max_entries=512)
def _view_spec(name: str, view: tuple, kwargs: tuple, sized: bool, _make, _data) -> dict:
    """The same, keyed by the view its data comes from; `_data()` is called only to build it."""
    return _spec(_make, _data(), kwargs, sized)


def chart(make, *args, where=None, sized: bool = False, view: tuple | None = None, data=None,
          **kwargs) -> None:
    """Draw the Altair chart `make(*args, **kwargs)` from a Vega-Lite spec built and validated once
    per input: building and validating a spec took ~0.1 s of every slider move, and a classroom
    server repeats the same slider positions all day. sized=True enlarges it in presenter mode.

    view=(task, size, seed, settings...) with data=lambda: args instead of args: the spec is found
    by that view, and the data are neither built nor hashed when it is known (hashing the frames
    was the largest part of a stored slider move's CPU, issue 25). The view must fix the data."""
    name, kw, sized = f"{make.__module__}.{make.__qualname__}", tuple(sorted(kwargs.items())), sized and presenter.is_on()
    spec = (_view_spec(name, view, kw, sized, make, data) if view is not None
            else _chart_spec(name, args, kw, sized, make))
    (where or st).vega_lite_chart(spec=spec, width="stretch")


def histories(comparison) -> pd.DataFrame:
    """All runs' per-epoch histories in one long DataFrame with a method column."""
    return pd.concat([r.history.assign(method=m) for m, r in comparison.runs.items()], ignore_index=True)


def show_notices(comparison) -> None:
    for notice in comparison.notices:
        st.warning(notice, icon=":material/warning:")


def over_draws(where, gather, n: int, unit: str, names: dict | None = None):
    """The sentence over draws (ui.words.over_draws), drawn in `where` once `gather(progress)`
    has every draw's runs ({seed: {method: Run}}), with progress there until then. Returns the
    lib.draws.OverDraws, or None (and a warning) if a draw could not be had."""
    from lib import over_draws as reading
    with where:
        bar = Progress("Repeating this view on other random draws…")
    try:
        runs = gather(bar)
    except Exception as err:  # a worker died twice, a download failed: the cards say why
        where.warning(f"Could not repeat this view on other draws: {err}", icon=":material/warning:")
        return None
    finally:
        bar.done()
    o = reading(runs, n)
    sentence, test = words.over_draws(o, unit, *([names] if names else []))
    where.markdown(sentence, help=test)
    return o


def verdict(comparison, a: str = "transfer", b: str = "scratch") -> None:
    """ui.words.verdict's plain sentence, with the test behind it (McNemar's) in its tooltip."""
    st.markdown(words.verdict(comparison, a, b), help=words.verdict_test(comparison, a, b))


def training_settings_expander(extra: dict | None = None) -> None:
    """Disclose how each way is trained, fixed before any result was seen. Pages pass their ways'
    recipes in `extra`, written from the config objects the engine trains with."""
    with st.expander("How each way is trained (fixed before looking at any result)"):
        rows = dict(extra or {})
        rows.update({
            "Validation split": "none: every labeled example trains, at every size; no way stops "
                                "early (each runs its fixed budget, above), and nothing is ever "
                                "chosen on the test set",
            "Accuracy interval": "the range the true accuracy lies in with 95 % confidence, "
                                 "given how few test examples there are (a Wilson score interval)",
        })
        st.table(pd.DataFrame({"setting": list(rows), "value": list(rows.values())}).set_index("setting"))
