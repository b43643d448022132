"""What every image page shares: where to cut, the three ways side by side, and the depth profile.

The dress and ants-and-bees pages are this module plus their own introduction; the learning-curve
and overfitting pages use the cut selector and the depth profile from here too.
"""
import weakref

import streamlit as st

from lib import (AUTO, DEPTH_SEEDS, DRAW_SEEDS, SCRATCH_SIZE, ZERO_SHOT_IMAGE, Unavailable, compare_depths, cuts_of,
                 resolve_task, stored_run, summarise_depth)
from ui import cards, charts, controls, live, state, words


PROFILE_SEEDS = DEPTH_SEEDS
DEFAULT_N = {"dress": 16, "ants_bees": 8}  # each image page's first slider position (the warm-up's too)


def cut_select(backbone: str) -> str:
    """Where the transfer head reads the network (key "cut", kept in the URL)."""
    options = [AUTO, *cuts_of(backbone)]
    state.url_choice("cut", AUTO, options)
    cut = st.sidebar.selectbox(
        "Where the head reads the network", options, key="cut",
        format_func=lambda c: "chosen from the labeled photos" if c == AUTO else f"after {c}",
        help="A pretrained network is a stack of stages: early ones respond to edges and colours, "
             "later ones to parts of the objects it was trained to name. The transfer head can "
             "read any stage's output (averaged over the photo). 'Chosen from the labeled photos' "
             "picks the stage by cross-validation on the labeled photos alone (5 folds, or as "
             "many as there are photos per class below 5), never the test set; with 1 per class "
             "it keeps the last stage.")
    state.remember(cut=cut)
    return cut


@st.cache_resource(show_spinner=False)
def _task(name: str):
    return resolve_task(name)


def load_task(name: str):
    """The named image task, or a message on the page (and st.stop) when it cannot be had."""
    bar = cards.Progress("Loading the photos…")
    try:
        return _task(name)
    except Unavailable as err:
        bar.done()  # before the message, not after it
        how_to_get(err)
        st.stop()
    finally:
        bar.done()


def how_to_get(err) -> None:
    """The plain offline notice (ui.offline): what is missing, how to get it, what to do instead."""
    from lib import PHOTOS_SIZE_MB
    from ui import offline
    offline.offline_notice("the ants-and-bees photos", err, size_mb=PHOTOS_SIZE_MB,
                           instead=(offline.DRESS, offline.YOUR_DATA))


def show_comparison(c, unit: str = "photos") -> None:
    """Notices, a card per way, the verdicts, where the head was cut and why, and the curves."""
    cards.show_notices(c)
    d = c.details
    st.caption(f"**The cards: one draw** of {len(c.train_index) + len(c.val_index)} labeled {unit} "
               f"(seed {c.seed}). Another draw picks other {unit} and other starting weights, and "
               f"can put another way ahead by luck: the sentence above holds over "
               f"{len(DRAW_SEEDS)} draws. Pretrained network: {c.backbone}; it sees {d['input']}. "
               f"The small network from scratch sees them at {SCRATCH_SIZE} × {SCRATCH_SIZE} px.")
    for note in d.get("notes", []):
        st.info(note, icon=":material/info:")
    for way in ("transfer", "finetune"):
        if way in c.runs:
            cards.verdict(c, way, "scratch")
    if c.control is not None:
        cards.verdict(c, "control", "transfer")
    if c.settings.get("cut") == AUTO:
        scores = d.get("cut_scores") or {}
        why = (" Cross-validated accuracy on the labeled photos: " +
               ", ".join(f"{k} {100 * v:.0f} %" for k, v in scores.items()) + "." if scores else
               " With one photo per class there is nothing to cross-validate, so the head reads "
               "the last stage.")
        st.caption(f"The head reads the network after **{d['cut']}**, chosen from the labeled "
                   f"photos alone (the test set never chooses anything).{why}")
    if c.settings.get("backbone") == "efficientnet_lite0":  # the picture is counted from Lite0
        _network_picture(len(c.classes), d["cut"])
    st.subheader("Train vs test, round by round")
    st.caption("Dashed: accuracy on the photos a way trains on. Solid: on the test photos, shown "
               "for reading only (no way stops or chooses by it). A wide gap is memorising "
               "instead of learning.", help="A round over every labeled photo is an epoch.")
    acc, loss = st.tabs(["Accuracy", "Loss"])
    view = (c.task, c.n_per_class, c.seed, tuple(c.classes), c.backbone, tuple(sorted(c.settings.items())),
            tuple(c.runs))  # a named task's view fixes every run's history (stored or computed alike)
    history = lambda: (cards.histories(c),)
    cards.chart(charts.history_chart, where=acc, sized=True, view=view, data=history)
    cards.chart(charts.history_chart, where=loss, sized=True, view=view + ("loss",),
                data=lambda: (*history(), "loss"))


@st.cache_data(show_spinner=False, max_entries=64)
def _profile(task: str, n: int, backbone: str, control: bool = False, _progress=None):
    return live.profile(task, n, backbone, progress=_progress, control=control)


def _network_picture(classes: int, cut: str) -> None:
    """Home's picture of the idea, for this view: where the frozen head reads the network."""
    from lib import stage_weights
    from ui import network
    with st.expander("What each way trains, drawn on the network", icon=":material/account_tree:"):
        st.markdown(network.picture(stage_weights(classes), classes, cut=cut), unsafe_allow_html=True)
        st.caption(f"The frozen head reads the network after {cut}; the stages after it are not used.")


def over_draws_section(where, task: str, n: int, options: dict, unit: str = "photos"):
    """The sentence a room reads first, in `where` (above the cards): this view over every draw
    of DRAW_SEEDS, from disk or the workers (ui.live). Returns the OverDraws, or None."""
    return cards.over_draws(where, lambda progress: live.over_draws(task, n, progress=progress, **options),
                            n, unit)


def depth_section(task: str, n: int, backbone: str, control: bool = False) -> None:
    """The depth profile at this size: the frozen head after every stage; with the control on,
    pretrained vs random weights (the control's features are computed only then)."""
    st.subheader("Where to cut the network")
    grey = (" Grey: the same network with random weights, the control: the gap between the lines "
            "is what pretraining adds at that depth." if control else
            " Turn on the control to see the same network with random weights beside it.")
    st.caption(f"The frozen head trained after each stage of the network, on the same {n} labeled "
               f"per class, over {len(PROFILE_SEEDS)} seeds (band: 95 % interval).{grey}")
    bar = cards.Progress("Training the head after every stage…")
    try:
        profile = cards.until_back(_profile, task, n, backbone, control, notices=lambda p: p.attrs.get("notices"),
                                   _progress=bar)
    except (ValueError, Unavailable) as err:
        st.error(f"Could not measure the depth profile: {err}")
        return
    finally:
        bar.done()
    if profile.attrs.get("notices"):  # a fallback's profile: not the view's, read it as it is
        summary, reading = summarise_depth(profile), words.depth_reading(compare_depths(profile, n))
        cards.chart(charts.depth_profile_chart, summary, sized=True)
    else:  # the stored profile of this view: its chart found by the view, not by hashing its summary
        summary, reading = _depth_reading(task, n, backbone, control)
        cards.chart(charts.depth_profile_chart, sized=True, view=(task, n, backbone, control),
                    data=lambda: (summary,))
    st.markdown(reading)


@st.cache_data(show_spinner=False, max_entries=64)
def _depth_reading(task: str, n: int, backbone: str, control: bool):
    """The depth section's chart data and reading of a stored profile, keyed by four plain values:
    a slider position seen before re-runs no t-test (benchmarks/stored_move.py: the section was
    a third of a stored move's CPU)."""
    profile = _profile(task, n, backbone, control)
    return summarise_depth(profile), words.depth_reading(compare_depths(profile, n))


PAGES = {"dress": "app_pages/dress_colour.py", "ants_bees": "app_pages/ants_bees.py"}


def depth_link(task: str) -> None:
    """Where to cut the network lives on the task's own page (the depth profile at its slider's
    size); other pages link there instead of drawing it again."""
    if task not in PAGES:
        return
    st.markdown("**Where to cut the network:** which stage's features the frozen head should "
                "read, measured stage by stage, is on the task's own page.")
    try:  # keeps this session when the app's navigation knows the page
        st.page_link(PAGES[task], label="Where to cut the network", icon=":material/account_tree:")
    except st.errors.StreamlitAPIException:  # a page run on its own (tests)
        st.markdown(f"[Where to cut the network](/{PAGES[task].split('/')[-1][:-3]})")


def recipes() -> dict:
    """Each image way's recipe in words, written from the configs the engine trains with."""
    from lib import FINETUNE, TrainConfig, probe_recipe
    return {
        "From scratch": f"3 convolution blocks + linear layer, 25% dropout, on {SCRATCH_SIZE} px "
                        f"photos; " + TrainConfig().in_words(),
        "Transfer (frozen)": "linear probe: " + probe_recipe("labeled photos"),
        "Fine-tuned": FINETUNE.in_words() + " (the PyTorch transfer-learning tutorial's optimiser "
                                            "and schedule, but only the network's top trains, on "
                                            "photos read once through the frozen layers, without "
                                            "augmentation); batch-norm statistics kept as pretrained",
    }


def samples(task, per_class: int, width: int, label: str = "Sample photos (from the test set)") -> None:
    """A few test photos of each class, in an expander; in presenter mode without one, for a
    page to draw inside its folded introduction (presenter.intro), where results come first."""
    from ui import presenter
    # in presenter mode the page draws them inside its folded introduction (no expander in one)
    with st.container() if presenter.is_on() else st.expander(label, expanded=True):
        for c, name in enumerate(task.classes):
            pngs = _pngs(task.test, c, per_class)
            st.image(pngs, width=width, caption=[name] * len(pngs))


_PNGS: dict = {}  # id(test set) -> (a weak reference to it, {(class, count): [PNG bytes]})


def _pngs(test, c: int, count: int) -> list:
    """The first `count` test photos of class `c`, encoded once per test set (st.image encoded
    every photo again on every rerun: a tenth of a stored move's CPU)."""
    import io

    import numpy as np
    from PIL import Image
    ref, kept = _PNGS.get(id(test), (None, None))
    if ref is None or ref() is not test:  # a test set not seen, or another at a reused id
        kept = {}
        _PNGS[id(test)] = (weakref.ref(test, lambda _, k=id(test): _PNGS.pop(k, None)), kept)
    if (c, count) not in kept:
        out = []
        for i in np.flatnonzero(test.labels == c)[:count]:
            buf = io.BytesIO()
            Image.fromarray(test.images[i]).save(buf, format="PNG")
            out.append(buf.getvalue())
        kept[(c, count)] = out
    return kept[(c, count)]


def zero_shot_section(c) -> None:
    """The slider's first step, no labeled examples: the zero-shot run alone, and what the other
    ways need before they can say anything."""
    from lib import FINETUNE_MIN_PER_CLASS
    from ui import text as ui_text
    cards.show_notices(c)
    run = c.runs["zero_shot"]
    left, right = st.columns([1, 2])
    with left:
        ui_text.zero_shot_card(run)
    with right:
        st.markdown(f"**No labeled examples.** {c.backbone} was pretrained to name ImageNet's 1,000 "
                    f"classes, and its own classifier is still in its weights: each of the "
                    f"{run.n_test:,} test photos goes to the task's class it gives the most "
                    f"probability ({ui_text.descriptions_words(run)}). That is what pretraining "
                    f"knows before the first label: where the learning curve starts.")
        st.info(f"The other ways need labeled photos: the pixel model, the network from scratch "
                f"and the frozen head at least 1 per class, fine-tuning "
                f"{FINETUNE_MIN_PER_CLASS}. At 0 they have nothing to learn from. Move the slider "
                f"to 1 or more.", icon=":material/info:")


def zero_shot_line(c, zero) -> None:
    """Above 0, the zero-shot run as a reference line under the verdicts: the frozen head (or
    fine-tuning) against no labels at all, on the same test photos."""
    import dataclasses
    if zero is None:  # not on disk yet (the workers queue it behind this view)
        return
    both = dataclasses.replace(c, runs={**c.runs, "zero_shot": zero})
    st.caption(f"No labels at all: {c.backbone}'s own ImageNet classifier scores "
               f"{cards.percent(zero.test_accuracy)} on the same test photos (the slider's first step).")
    cards.verdict(both, "transfer", "zero_shot")


def experiment(name: str, default_n: int, hi: int, step: str) -> None:
    """The sidebar's settings, then (in a fragment, so the slider reruns only this) the three
    ways side by side, the presenter's point for guided-path `step` and the depth profile at the
    slider's size. Where the network's own ImageNet classifier can name the task's classes (ants
    and bees) the slider starts at 0, no labeled examples: the zero-shot run alone."""
    from lib import zero_shot_refusal
    from ui import presenter
    backbone = controls.backbone_select()
    cut = cut_select(backbone)
    control = controls.control_toggle()
    seed = controls.seed_input()
    refusal = zero_shot_refusal(_task(name).classes)

    @st.fragment
    def run():
        n = controls.n_per_class_slider(default=default_n, hi=hi, zero=refusal is None)
        if refusal is not None and not presenter.is_on():  # a projector's first screen is for results
            st.caption(f"No zero-labels step here: {refusal}.")
        options = dict(backbone=backbone, control=control, cut=cut)
        if n == 0:
            zero = live.computed(name, 0, seed, **options)  # one bar: the section draws its card
            if zero is not None:
                zero_shot_section(zero)
            live.prefetch(name, 0, seed, hi, **options)
            return
        # Every part of the view is laid out now, before anything waits: what the previous slider
        # position drew there is replaced at once, never shown above or below this size's cards.
        headline = st.empty()  # what holds over draws: read first, filled once they are in
        headline.caption(f"Over {len(DRAW_SEEDS)} random draws of {n} labeled photos per class: "
                         f"waiting for this draw's cards first.")
        cards_area, rest = st.container(), st.empty()
        with cards_area:
            comparison = live.comparison(name, n, seed, draws=True, **options)
        if comparison is None:
            rest.empty()
            return
        with rest.container():
            show_comparison(comparison)
            if refusal is None:
                zero_shot_line(comparison, stored_run(ZERO_SHOT_IMAGE, name, 0, seed, options))
            over = over_draws_section(headline, name, n, options)
            presenter.say(step, comparison=comparison, over=over)
            depth_section(name, n, backbone, control)
        live.prefetch(name, n, seed, hi, zero=refusal is None, **options)  # the next positions

    run()

