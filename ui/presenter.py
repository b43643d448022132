"""Presenter mode: the guided path through the story, talking points computed from what is on
screen, and larger type for the back of a room.

The talking points are plain functions (a Comparison or a sweep DataFrame in, a paragraph out)
so they can be tested without Streamlit; only the functions at the bottom draw anything, and
they import Streamlit when called, so this module stays importable by the engine's tests.
"""
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Step:
    name: str    # the page's URL path (its file stem)
    file: str    # what st.page_link / st.switch_page take
    title: str


# Real photos first: ants and bees are where pretraining clearly matters (docs/FINDINGS.md: the
# frozen head and fine-tuning far ahead of scratch from 2 per class, random frozen weights at
# chance). The dress follows as the floor's lesson: there a linear model on a 16 x 16 thumbnail
# keeps up with every network at a handful of labeled photos (issue 21's validity report). Its
# photos are downloaded once, or come with the offline pack (scripts/prefetch.py); without them
# the page says how to get them and points to "Your own data".
STEPS = [
    Step("home", "app_pages/home.py", "The problem: engine and fuel"),
    Step("ants_bees", "app_pages/ants_bees.py", "Ants and bees"),
    Step("dress_colour", "app_pages/dress_colour.py", "The dress"),
    Step("sentiment", "app_pages/sentiment.py", "Movie reviews"),
    Step("learning_curves", "app_pages/learning_curves.py", "Learning curves"),
    Step("overfitting", "app_pages/overfitting.py", "Overfitting"),
    Step("parameters", "app_pages/parameters.py", "Parameters"),
    Step("your_data", "app_pages/your_data.py", "Your own data"),
]
STEP_NAMES = [s.name for s in STEPS]


def step_index(url_path: str) -> int:
    """Position of a page in the guided path; the default page's URL path is ""."""
    name = url_path.strip("/") or "home"
    if name not in STEP_NAMES:
        raise ValueError(f"unknown step {url_path!r}; the steps are {', '.join(STEP_NAMES)}")
    return STEP_NAMES.index(name)


def neighbours(url_path: str) -> tuple:
    """(previous Step or None, this Step, next Step or None)."""
    i = step_index(url_path)
    return (STEPS[i - 1] if i > 0 else None, STEPS[i], STEPS[i + 1] if i + 1 < len(STEPS) else None)


# ---------------------------------------------------------------- talking points

def pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _versus(c, noun: str) -> str:
    """Both ways' accuracies on this draw, what the difference means, and how much each learned."""
    s, t = c.scratch, c.transfer
    n_train = len(c.train_index) + len(c.val_index)
    from lib import SIGNIFICANT, paired_difference  # scipy: imported when a result is there to talk about
    diff, p = paired_difference(t, s, c.test_labels)
    if p >= SIGNIFICANT:
        judged = (f"On {t.n_test} test {noun}s that gap could be chance: "
                  f"ask the room how many more {noun}s it would take to tell.")
    else:
        judged = (f"{'Transfer' if diff > 0 else 'From scratch'} is ahead by {100 * abs(diff):.0f} "
                  f"points, more than chance explains on {t.n_test} test {noun}s.")
    frozen = t.total_params - t.trainable_params
    return (f"With {c.n_per_class} labeled {noun}{'s' if c.n_per_class > 1 else ''} per class, "
            f"from scratch scores {pct(s.test_accuracy)} and transfer {pct(t.test_accuracy)}. "
            f"{judged} From scratch had to learn {s.trainable_params:,} weights from {n_train} "
            f"{noun}s; transfer learned {t.trainable_params:,} on top of {frozen:,} frozen ones.")


def _over(over, c, noun: str) -> str:
    """What holds over the draws (lib.draws), then how much each way learned (the same on every
    draw): the talking point never rests on one draw when the draws are in."""
    from ui.words import IN_A_SENTENCE, TEXT_IN_A_SENTENCE, over_draws
    names = TEXT_IN_A_SENTENCE if noun == "review" else IN_A_SENTENCE
    words, _ = over_draws(over, f"{noun}s", names)
    s, t = c.scratch, c.transfer
    return (words.replace("**", "") + f" From scratch learns {s.trainable_params:,} weights from "
            f"the labeled {noun}s; the head on pretrained features {t.trainable_params:,}, on top of "
            f"{t.total_params - t.trainable_params:,} borrowed ones.")


def _control(c) -> str:
    if c.control is None:
        return ""
    from lib import SIGNIFICANT, paired_difference
    diff, p = paired_difference(c.transfer, c.control, c.test_labels)
    said = f" The control (same network, random frozen weights) scores {pct(c.control.test_accuracy)}: "
    if p >= SIGNIFICANT:
        return said + ("its gap to transfer could be chance, so these numbers cannot tell whether "
                       "pretraining or merely freezing is what matters here.")
    return said + ("pretraining, not merely freezing, is what helps here." if diff > 0 else
                   "random frozen features beat the pretrained ones here, by more than chance.")


def _home(backbone_params=None, head_params=None, network=None, **_):
    """`network` names the borrowed engine whose counts are given: the one home draws (its
    picture and this point must count the same network; they once counted two)."""
    text = ("Andrew Ng's rocket: the model is the engine, labeled data the fuel. A big engine "
            "with little fuel never reaches orbit. Transfer learning borrows an engine that was "
            "fuelled elsewhere and only trains a small new part on our few examples.")
    if backbone_params and head_params:
        engine = f"The borrowed engine in the picture, {network}," if network else "The borrowed engine here"
        text += (f" {engine} has {backbone_params:,} weights; the new part has "
                 f"{head_params:,}, {backbone_params / head_params:,.0f}× fewer to learn.")
    return text


def _floor(c) -> str:
    """The deep ways read against the simplest model (ui.floor), when the comparison has one."""
    from ui.floor import floor_reading
    from ui.palette import NAMES
    words = floor_reading(c, NAMES)
    return " " + words if words else ""


def _dress(comparison=None, over=None, **_):
    if comparison is None:
        return ("The first card is the simplest model, a linear model on a thumbnail of the "
                "pixels. Move the slider: how many labeled photos does a network need to beat it?")
    if over is not None:
        return _over(over, comparison, "photo")
    return _versus(comparison, "photo") + _control(comparison) + _floor(comparison)


def _ants_bees(comparison=None, over=None, **_):
    if comparison is None:
        return ("Real photos of two insects that are among ImageNet's classes: a task close to "
                "the one the network was pretrained for.")
    if over is not None:
        return _over(over, comparison, "photo")
    return _versus(comparison, "photo") + _control(comparison) + _floor(comparison)


def _sentiment(comparison=None, over=None, **_):
    if comparison is None:
        return "Text this time: word vectors pretrained on unlabeled reviews, a few labeled ones."
    if over is not None:
        return _over(over, comparison, "review")
    return _versus(comparison, "review") + _control(comparison)


def _learning_curves(sweep: pd.DataFrame | None = None, **_):
    """From a sweep, at the smallest size both ways measured: what the learning-curves page's
    headline says there (lib.curves computes the factor, ui.words its words, for both)."""
    if sweep is None or sweep.empty:
        return "Accuracy against the amount of labeled data, both ways, over several seeds."
    if not {"scratch", "transfer"} <= set(sweep["method"]):
        return "Accuracy against the amount of labeled data, over several seeds."
    from lib import equivalence, summarise  # scipy: imported when a result is there to talk about
    from ui import words
    summary = summarise(sweep)
    small = int(summary[summary.method == "transfer"].n_per_class.min())
    eq = equivalence(summary, small, results=sweep)
    seeds = sweep["seed"].nunique()
    return (f"Averaged over {seeds} seed{'s' if seeds > 1 else ''}. "
            + words.headline(eq))


def _overfitting(comparison=None, **_):
    """The gap between accuracy on the training examples and on held-out ones (lib.metrics.held_out)
    at the last epoch both were measured."""
    if comparison is None:
        return "Watch train and test accuracy part: memorising instead of learning."
    from lib import held_out
    from ui import words
    parts = []
    for name, run in (("from scratch", comparison.scratch), ("transfer", comparison.transfer)):
        h = run.history
        other = held_out(h)
        held = h[h.split == other]
        if held.empty:
            parts.append(f"{name} has no held-out examples to check against at this size")
            continue
        last = h[h.epoch == held.epoch.max()].set_index("split")["accuracy"]
        gap = last["train"] - last[other]
        parts.append(f"{name} ends at {pct(last['train'])} on its training examples and "
                     f"{pct(last[other])} on the {other} set, {words.gap_words(gap, other)}")
    return "; ".join(parts).capitalize() + ". A wide gap is memorising, not learning."


def _parameters(comparison=None, features=None, classes=None, backbone_params=None, **_):
    """From a comparison's runs, or from the head calculator on screen: (D + 1) x C vs a backbone."""
    if comparison is not None:
        s, t = comparison.scratch, comparison.transfer
        n = len(comparison.train_index)
        return (f"From scratch learns {s.trainable_params:,} weights, {s.trainable_params / n:,.0f} "
                f"per training example; transfer learns {t.formula or f'{t.trainable_params:,}'}, "
                f"{t.trainable_params / n:,.0f} per example, and borrows "
                f"{t.total_params - t.trainable_params:,} frozen ones.")
    if features and classes and backbone_params:
        from lib import head_formula, head_weights
        head = head_weights(features, classes)
        return (f"A head on {features:,} frozen features for {classes} classes learns "
                f"{head_formula(features, classes)} weights; the backbone it sits on has "
                f"{backbone_params:,}, {backbone_params / head:,.0f}× more, all learned elsewhere. "
                f"Fewer weights to learn is why fewer labeled examples suffice.")
    return "How many weights each way must learn sets how much labeled data it needs."


def _your_data(comparison=None, over=None, **_):
    if comparison is None:
        return "Bring a few labeled photos or texts: the same ways, on your own data."
    if over is not None:
        return _over(over, comparison, "example")
    return _versus(comparison, "example") + _control(comparison) + _floor(comparison)


POINTS = {"home": _home, "dress_colour": _dress, "ants_bees": _ants_bees, "sentiment": _sentiment,
          "learning_curves": _learning_curves, "overfitting": _overfitting,
          "parameters": _parameters, "your_data": _your_data}


def talking_point(step: str, **on_screen) -> str:
    """One paragraph for `step`, computed from what the page shows (comparison=, sweep=)."""
    if step not in POINTS:
        raise ValueError(f"unknown step {step!r}; the steps are {', '.join(POINTS)}")
    return POINTS[step](**on_screen)


# ---------------------------------------------------------------- drawing (Streamlit)

# Sized for a 1920 x 1080 projector read from the back; on a 1280 x 720 window (a 577 px tall
# page) and on 1920 x 1080 the slider, the sentence over draws and every accuracy fit the first
# screen at every slider position (tests/test_browser_presenter.py walks them):
# - the root font follows the width, 22 px at 1920 and 18 px at 1280 and below: a room sees a
#   projected picture of one size whatever its pixels, so 22 px on 1280 was half as large again
#   as on 1920, and pushed the numbers off a 577 px page;
# - the page's title is smaller, and elements stand closer (Streamlit's 1rem gap, 7 times over);
# - Streamlit's header stays transparent over the guided path, and neither it nor its toolbar
#   (a full-width box) takes clicks: only its own buttons do. The path keeps clear of them: the
#   sidebar's button on the left, the running indicator ("Stop") and the menu on the right
#   (measured at 1280: they span 1087-1258 px). Before, no point of the top links answered a click.
# - with the sidebar open (a presenter may open it), the cards' titles, numbers and the top links
#   shrink, and the titles may wrap, to stay whole (six movie-review cards at 1280: "79.8 %" and
#   "Sentence encoder" were cut).
# Streamlit sizes text and widgets in rem, so the root font scales them all. (CSS zoom would scale
# charts too, but Streamlit measures chart widths in zoomed pixels and the charts then overflow.)
CSS = """
<style>
html { font-size: clamp(18px, 1.15vw, 22px); }
[data-testid="stMain"] .block-container { max-width: 100%; padding: 1.5rem 3rem 2rem; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
[data-testid="stMain"] h1 { font-size: 1.9rem; padding: 0.2rem 0 0.3rem; }
[data-testid="stHeader"], [data-testid="stToolbar"] { background: transparent; pointer-events: none; }
[data-testid="stHeader"] button, [data-testid="stHeader"] a { pointer-events: auto; }
.st-key-guided_path { padding: 0 9rem 0 1rem; }
body:has([data-testid="stSidebar"][data-collapsed="false"]) [data-testid="stMain"] h4 { font-size: 0.95rem !important; white-space: normal !important; }
body:has([data-testid="stSidebar"][data-collapsed="false"]) .st-key-guided_path [data-testid="stPageLink"] p { font-size: 0.85rem; }
body:has([data-testid="stSidebar"][data-collapsed="false"]) [data-testid="stMetricValue"] > div { font-size: 2.3rem; }
body:has([data-testid="stSidebar"][data-collapsed="false"]) [class*="st-key-weights_"] [data-testid="stMetricValue"] > div { font-size: 1.3rem; }
[data-testid="stMetricValue"] > div { font-size: 3rem; font-weight: 700; }
[class*="st-key-weights_"] [data-testid="stMetricValue"] > div { font-size: 1.8rem; }
[data-testid="stCaptionContainer"] { color: #222; }
[data-testid="stPageLink"] p { font-size: 1.1rem; font-weight: 600; }
</style>
"""
PRESENT_KEY = "present"  # session key of the sidebar toggle; mirrored in the URL as ?present=1


def is_on() -> bool:
    import streamlit as st
    return bool(st.session_state.get(PRESENT_KEY, st.query_params.get(PRESENT_KEY) == "1"))


def sidebar_toggle() -> bool:
    """The toggle, seeded from ?present=1, and the URL kept in step with it."""
    import streamlit as st
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) == "1"
    on = st.sidebar.toggle("Presenter mode", key=PRESENT_KEY,
                           help="Larger type, the settings tucked away, and a guided path "
                                "through the story with a talking point per step.")
    if on and st.query_params.get(PRESENT_KEY) != "1":
        st.query_params[PRESENT_KEY] = "1"
    elif not on and PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]
    return on


def apply_css() -> None:
    import streamlit as st
    st.session_state.pop(SEED_SLOT, None)  # a slot left by a run that stopped before its seed
    if is_on():
        st.html(CSS)


def show(text: str) -> None:
    """A talking point, drawn only in presenter mode."""
    import streamlit as st
    if is_on():
        st.info(text, icon=":material/record_voice_over:")


def intro(*paragraphs: str, label: str = "About this page"):
    """A page's introduction, in full; in presenter mode folded under `label` ("About this page"),
    so the first screen of a 1280 x 720 projector holds the slider, the sentence that says what the
    numbers mean and every way's accuracy (tests/test_browser_presenter.py measures it). Returns
    where it was drawn: a page adds what belongs with it (the sample photos)."""
    import streamlit as st
    if is_on():  # the folded introduction and the seed share a row (controls.seed_input)
        about, seed = st.columns([5, 1], vertical_alignment="bottom")
        where = about.expander(label, icon=":material/info:")
        st.session_state[SEED_SLOT] = seed
    else:
        where = st.container()
    with where:
        for text in paragraphs:
            st.markdown(text)
    return where


SEED_SLOT = "_presenter_seed_slot"  # where this run's intro left room for the seed


def seed_slot():
    """Where the seed goes on the page in presenter mode (the sidebar, its usual place, is
    closed there): the room intro() left beside "About this page", taken once, else the page
    itself, in place."""
    import streamlit as st
    return st.session_state.pop(SEED_SLOT, None) or st


def say(step: str, **on_screen) -> None:
    """show(talking_point(...)), computed only when presenter mode is on: the one line pages add."""
    if is_on():
        show(talking_point(step, **on_screen))


def sized(chart, on: bool | None = None):
    """An Altair chart, taller and with larger text in presenter mode. Vega draws on a canvas, so
    the page's CSS cannot reach its text: the chart itself has to say it."""
    if not (is_on() if on is None else on):
        return chart
    height = chart.to_dict().get("height")
    chart = chart.properties(height=int(height * 1.6)) if isinstance(height, (int, float)) else chart
    hidden = chart.to_dict().get("config", {}).get("legend", {}).get("disable", False)
    return (chart.configure_axis(labelFontSize=18, titleFontSize=20)  # a chart's legend stays hidden
            .configure_legend(labelFontSize=18, titleFontSize=18, symbolSize=250, disable=hidden)
            .configure_text(fontSize=18))


LINK_CHARS = 22  # what a link's label may hold in its column at presenter size, 1400 px wide


def missing(step: Step) -> str:
    """Why a step cannot show its story on this computer ("" when it can): its data is not here
    (the ants-and-bees photos are downloaded once, or come with the offline pack)."""
    if step.name == "ants_bees":
        from lib import photos_available
        if not photos_available():
            return "its photos are not on this computer (that page says how to get them)"
    return ""


def path_links(url_path: str, missing=missing) -> dict:
    """The guided path: "here" (a line), "previous" and "next" ((Step, label, tooltip)), and
    "skipped" (a line, when a neighbouring step was passed over because `missing(step)` says its
    data is not here: the path goes where the story can be told). A label names its step only
    while it fits its column, else it is "Previous" or "Next" and the name is in the tooltip: at
    1400 px "Previous: The problem: engine and fuel" was cut off."""
    i = step_index(url_path)
    here = STEPS[i]
    links, skipped = {"here": f"Step {i + 1} of {len(STEPS)}: {here.title}"}, []
    for key, word, move in (("previous", "Previous", -1), ("next", "Next", 1)):
        k = i + move
        while 0 <= k < len(STEPS) and (why := missing(STEPS[k])):
            skipped.append(f"{STEPS[k].title} is skipped: {why}.")
            k += move
        if 0 <= k < len(STEPS):
            named = f"{word}: {STEPS[k].title}"
            links[key] = (STEPS[k], named if len(named) <= LINK_CHARS else word, f"Step {k + 1}: {STEPS[k].title}")
    if skipped:
        links["skipped"] = " ".join(skipped)
    return links


def guided_path(url_path: str, notes: bool = True) -> None:
    """Previous / step k of n / next, as links that keep presenter mode on; notes=False leaves
    out the line about a skipped step (the top of a page is for its results; app.py says it
    below the page)."""
    import streamlit as st
    if not is_on() or (url_path.strip("/") or "home") not in STEP_NAMES:
        return
    links = path_links(url_path)
    # keyed: the CSS keeps the top path clear of the header's buttons (one key per place drawn)
    where = st.container(key="guided_path" if not notes else "guided_path_end")
    # thirds: "Next: Movie reviews" was cut off in a 2/7 column with the sidebar open at 1280
    left, mid, right = where.columns(3, vertical_alignment="center")
    keep = {PRESENT_KEY: "1"}
    for key, column, icon in (("previous", left, "arrow_back"), ("next", right, "arrow_forward")):
        if key in links:
            step, label, tip = links[key]
            column.page_link(step.file, label=label, icon=f":material/{icon}:", help=tip, query_params=keep)
    # st.html, not st.markdown: a markdown block's negative bottom margin sat its text ~10 px
    # below the links beside it at 1400 px; the line height matches theirs
    mid.html(f"<div style='text-align:center;font-size:1.1rem;line-height:2.2rem'>{links['here']}</div>")
    if notes and "skipped" in links:
        st.caption(links["skipped"])


def share_url() -> str:
    """This view's link: the page's address plus every setting in the URL (seed included)."""
    import streamlit as st
    from urllib.parse import urlencode
    base = (st.context.url or "").split("?")[0]
    query = urlencode(sorted(st.query_params.to_dict().items()))
    return base + ("?" + query if query else "")


def _reset() -> None:
    import streamlit as st
    for key in list(st.query_params):
        if key != PRESENT_KEY:
            st.session_state.pop(key, None)  # URL settings are the settings: forget both
            del st.query_params[key]


def share_and_reset() -> None:
    """Sidebar: a copyable link to this exact view, and a way back to the defaults."""
    import streamlit as st
    with st.sidebar.expander("Share or reset this view"):
        st.caption("This link reproduces what is on screen, seed included (copy icon on the right):")
        st.code(share_url(), language=None, wrap_lines=True)
        st.button("Reset to defaults", key="reset_defaults", on_click=_reset,
                  help="Clear every setting on this page and in the link.")
