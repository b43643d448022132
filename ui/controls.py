"""The sidebar's and pages' shared controls: each one reads its value from the URL (ui.state),
draws its widget with an explicit key, and writes the value back into the URL."""
import streamlit as st

from lib import BACKBONES, doubling_sizes, task_available
from ui.state import remember, url_bool, url_choice, url_int


NO_LABELS = "0: no labeled examples"  # the zero step's name on the slider


def n_per_class_slider(default: int, hi: int, label="Labeled examples per class", lo: int = 1,
                       doubling: bool = True, zero: bool = False) -> int:
    """How many labeled examples per class. doubling=True steps 1, 2, 4, ...: the data doubles at
    every step, and every position is one the learning curves (and the offline pack) computed.
    zero=True puts 0 first, named NO_LABELS: the page then shows what the pretrained network
    knows with no labeled example (compare(task, 0), the zero-shot way alone)."""
    help = "How many labeled examples of each class both ways get to learn from."
    if zero:
        help += " At 0 no way can train: only the pretrained network's own guess (zero-shot) is shown."
    value = url_int("n_per_class", default, 0 if zero else lo, hi)
    if not doubling:
        n = st.slider(label, 0 if zero else lo, hi, key="n_per_class", help=help)
    else:
        options = ([0] if zero else []) + doubling_sizes(hi, lo)
        if value not in options:  # a hand-edited link between two steps: the step below it
            st.session_state["n_per_class"] = max([o for o in options if o <= value] or options[:1])
        n = st.select_slider(label, options, key="n_per_class", help=help + " It doubles at every step.",
                             format_func=lambda v: NO_LABELS if v == 0 else str(v))
    remember(n_per_class=n)
    return n


def seed_input() -> int:
    """The seed: in the sidebar, or on the page in presenter mode (its sidebar is closed, and
    opening it squeezed the cards: titles cut, numbers pushed off the first screen)."""
    from ui import presenter
    url_int("seed", 0, 0, 10_000)
    where = presenter.seed_slot() if presenter.is_on() else st.sidebar
    seed = where.number_input("Seed", 0, 10_000, key="seed", step=1,
                                   help="Which random draw of labeled examples and initial weights. "
                                        "The same seed always gives the same numbers.")
    remember(seed=seed)
    return int(seed)


def backbone_select() -> str:
    url_choice("backbone", "efficientnet_lite0", list(BACKBONES))
    # Names only: the sidebar is ~28 characters wide, and "EfficientNet-Lite0 (ships with the
    # app, offline)" was cut off there. Where each one comes from is in the tooltip.
    name = st.sidebar.selectbox(
        "Pretrained network", list(BACKBONES), key="backbone", format_func=lambda k: BACKBONES[k][0],
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


TASK_NAMES = {"dress": ":material/checkroom: The dress (images)",
              "ants_bees": ":material/pest_control: Ants and bees (real photos)",
              "sentiment": ":material/movie: Movie reviews (text)"}


def task_picker(label: str = "Task") -> str:
    """Choose the example task (key "task", kept in the URL); stops the page if it can't run here."""
    url_choice("task", "dress", list(TASK_NAMES))
    task = st.segmented_control(label, list(TASK_NAMES), format_func=TASK_NAMES.get, key="task") or "dress"
    remember(task=task)
    if not task_available(task):
        st.info(f"The {TASK_NAMES[task]} task is not available in this installation.")
        st.stop()
    return task
