"""Presenter mode: the guided path matches the app's pages, talking points say what is on screen,
the mode follows ?present=1, reset clears the settings, and the two colours survive a projector
and colour-blind eyes."""
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import cards, charts, presenter
from lib.runs import Comparison, Run


def run(method, correct, n_test=100, trainable=1000, total=1000, history=None):
    pred = np.r_[np.ones(correct, int), np.zeros(n_test - correct, int)]  # truth is all 1
    history = history if history is not None else pd.DataFrame(
        [(1, "train", 0.5, 0.9), (1, "validation", 0.6, 0.7)], columns=["epoch", "split", "loss", "accuracy"])
    return Run(method, method, correct / n_test, 0.9, trainable, total, history, 0.1, (0, 1), n_test,
               pred, pred[:4], formula="(10 + 1) × 2 = 22" if method == "transfer" else "")


def comparison(scratch_correct, transfer_correct, **kw):
    runs = {"scratch": run("scratch", scratch_correct, trainable=23_714, total=23_714),
            "transfer": run("transfer", transfer_correct, trainable=22, total=3_000_022, **kw)}
    return Comparison("dress", 3, 0, ["a", "b"], runs, "a backbone", np.arange(4), np.arange(4, 6),
                      np.ones(100, int))


# ---------------------------------------------------------------- the guided path

def test_steps_are_the_app_pages_in_story_order():
    listed = re.findall(r'"(app_pages/\w+\.py)"', Path("app.py").read_text())
    assert [s.file for s in presenter.STEPS] == listed


def test_neighbours_at_both_ends_and_unknown_pages():
    prev, here, nxt = presenter.neighbours("")  # the default page's URL path
    assert prev is None and here.name == "home" and nxt.name == "ants_bees"  # real photos first
    prev, here, nxt = presenter.neighbours("/your_data")
    assert prev.name == "parameters" and nxt is None
    with pytest.raises(ValueError, match="unknown step"):
        presenter.neighbours("nope")


# ---------------------------------------------------------------- talking points

def test_dress_point_quotes_the_runs_and_calls_a_clear_gap_clear():
    text = presenter.talking_point("dress_colour", comparison=comparison(50, 80))
    assert "from scratch scores 50 %" in text and "transfer 80 %" in text
    assert "Transfer is ahead by 30 points" in text
    assert "23,714 weights from 6 photos" in text and "3,000,000 frozen" in text


def test_dress_point_reads_the_deep_ways_against_the_simplest_model():
    c = comparison(50, 80)
    c.runs = {"pixels": run("pixels", 85, trainable=1538, total=1538), **c.runs}
    text = presenter.talking_point("dress_colour", comparison=c)
    assert "from scratch scores 50 %" in text                      # the usual point is still there
    assert "1,538 weights) scores 85 %" in text
    assert "Behind it by more than chance: from scratch (−35 points)." in text
    assert "Not told apart from it on these test photos: transfer (frozen)." in text  # 5 photos: chance
    assert "No deep way beats the simplest model here" in text
    assert "simplest model" not in presenter.talking_point("dress_colour", comparison=comparison(50, 80))


def test_dress_point_says_a_small_gap_could_be_chance():
    text = presenter.talking_point("dress_colour", comparison=comparison(70, 72))
    assert "could be chance" in text and "ahead" not in text


def _sweep(rows, seeds=(0, 1), noise=None):
    """A sweep table from (method, size, accuracy) rows; `noise[seed]` is added to scratch's runs."""
    noise = noise or {}
    return pd.DataFrame([(m, n, seed, a + (noise.get(seed, 0) if m == "scratch" else 0))
                         for m, n, a in rows for seed in seeds],
                        columns=["method", "n_per_class", "seed", "test_accuracy"])


CURVES = [("scratch", 2, 0.5), ("scratch", 8, 0.6), ("scratch", 32, 0.8), ("transfer", 2, 0.75),
          ("transfer", 8, 0.8), ("transfer", 32, 0.9)]


def test_learning_curves_point_is_the_learning_curves_pages_equivalence():
    from lib import curves
    from ui import words
    sweep = _sweep(CURVES)
    text = presenter.talking_point("learning_curves", sweep=sweep)
    eq = curves.equivalence(curves.summarise(sweep), 2, results=sweep)
    # one computation: scratch's mean curve reaches 75 % between 8 and 32, interpolated in log size
    assert eq.matched_at == pytest.approx(8 * 4 ** 0.75)
    assert "over 2 seeds" in text and words.headline(eq) in text
    assert "about 11.3× as many examples to match it (23 per class" in text
    never = sweep.assign(test_accuracy=np.where(sweep.method == "scratch", 0.5, 0.9))
    assert "scratch never reaches that" in presenter.talking_point("learning_curves", sweep=never)


def test_learning_curves_point_calls_a_gap_within_the_seeds_spread_chance():
    # at 2 per class transfer leads scratch by 25 points on average, but the seeds disagree wildly
    sweep = _sweep(CURVES, seeds=(0, 1, 2), noise={0: 0.45, 1: -0.3, 2: 0.1})
    text = presenter.talking_point("learning_curves", sweep=sweep)
    assert "could be chance" in text and "as many" not in text


def _with_control(transfer_correct, control_correct):
    c = comparison(50, transfer_correct)
    c.runs["control"] = run("control", control_correct, trainable=22, total=3_000_022)
    return c


def test_control_point_at_p_above_005_says_could_be_chance_not_that_pretraining_does_not_help():
    text = presenter.talking_point("dress_colour", comparison=_with_control(60, 62))  # 2 disagreements
    control = text[text.index("The control"):]
    assert "could be chance" in control
    assert "not what helps" not in control and "indistinguishable" not in control


def test_control_point_below_005_says_which_way_by_more_than_chance():
    text = presenter.talking_point("dress_colour", comparison=_with_control(80, 50))
    assert "pretraining, not merely freezing, is what helps" in text
    text = presenter.talking_point("dress_colour", comparison=_with_control(50, 80))
    assert "random frozen features beat the pretrained ones" in text


def test_overfitting_point_reports_the_gap_or_its_absence():
    only_train = pd.DataFrame([(1, "train", 0.1, 1.0)], columns=["epoch", "split", "loss", "accuracy"])
    text = presenter.talking_point("overfitting", comparison=comparison(50, 80, history=only_train))
    assert "the training set 20 points ahead" in text  # scratch: 90 % train vs 70 % validation
    assert "transfer has no held-out examples" in text
    held_ahead = pd.DataFrame([(1, "train", 0.1, 0.80), (1, "test", 0.1, 0.81)], columns=only_train.columns)
    text = presenter.talking_point("overfitting", comparison=comparison(50, 80, history=held_ahead))
    assert "the test set 1 point ahead of the training set" in text and "-1" not in text


def test_parameters_point_from_the_head_calculator():
    text = presenter.talking_point("parameters", features=2048, classes=2, backbone_params=25_557_032)
    assert "(2,048 + 1) × 2 = 4,098" in text and "6,236× more" in text


def test_home_point_uses_the_counts_on_the_page():
    text = presenter.talking_point("home", backbone_params=25_557_032, head_params=4_098)
    assert "25,557,032 weights" in text and "4,098, 6,236× fewer" in text
    named = presenter.talking_point("home", backbone_params=3_371_008, head_params=2_562,
                                    network="EfficientNet-Lite0")
    assert "in the picture, EfficientNet-Lite0, has 3,371,008 weights" in named and "1,316× fewer" in named


def test_every_step_has_a_point_even_before_results_exist():
    for step in presenter.STEP_NAMES:
        assert len(presenter.talking_point(step)) > 20
    with pytest.raises(ValueError):
        presenter.talking_point("nope")


def test_charts_grow_only_in_presenter_mode():
    history = pd.DataFrame({"method": ["scratch", "transfer"], "epoch": [1, 1], "split": ["train"] * 2,
                            "loss": [1.0, 0.9], "accuracy": [0.5, 0.6]})
    chart = charts.history_chart(history, height=200)
    big = presenter.sized(chart, on=True).to_dict()
    assert big["height"] == 320 and big["config"]["axis"]["labelFontSize"] >= 18
    assert presenter.sized(chart, on=False).to_dict() == chart.to_dict()


# ---------------------------------------------------------------- in a running script

def _script():
    import streamlit as st
    from ui import presenter
    st.number_input("Seed", key="seed")
    presenter.sidebar_toggle()
    presenter.say("home")
    presenter.share_and_reset()


def test_present_in_the_url_turns_the_mode_on_and_shows_the_point():
    at = AppTest.from_function(_script)
    at.query_params["present"] = "1"
    at.run()
    assert at.sidebar.toggle(key="present").value is True
    assert any("rocket" in i.value for i in at.info)
    off = AppTest.from_function(_script).run()
    assert not off.info and "present" not in off.query_params


def test_reset_clears_the_settings_but_stays_in_presenter_mode():
    at = AppTest.from_function(_script)
    at.query_params.update({"present": "1", "seed": "7"})
    at.session_state["seed"] = 7
    at.run()
    at.button(key="reset_defaults").click().run()
    assert "seed" not in at.query_params and at.query_params["present"] == "1"
    assert at.number_input(key="seed").value == 0


# ---------------------------------------------------------------- colours for a room

def _linear(hex_colour):
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _contrast(a, b):
    la, lb = (float(_linear(c) @ [0.2126, 0.7152, 0.0722]) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


# Machado et al. (2009) full-severity simulations, in linear RGB
CVD = {"protan": [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]],
       "deutan": [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]],
       "tritan": [[1.256, -0.077, -0.179], [-0.078, 0.931, 0.148], [0.005, 0.691, 0.304]]}


def _lightness(linear_rgb):
    y = float(np.clip(linear_rgb, 0, 1) @ [0.2126, 0.7152, 0.0722])
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def test_scratch_and_transfer_read_on_white_from_the_back_of_a_room():
    for method in ("scratch", "transfer"):
        assert _contrast(charts.COLOURS[method], "#FFFFFF") >= 3.0, method  # WCAG for graphics


def test_scratch_and_transfer_stay_apart_for_colour_blind_viewers():
    a, b = _linear(charts.COLOURS["scratch"]), _linear(charts.COLOURS["transfer"])
    for kind, m in CVD.items():
        sa, sb = np.array(m) @ a, np.array(m) @ b
        # hue can collapse; a difference in lightness or in the blue-yellow axis must survive
        apart = abs(_lightness(sa) - _lightness(sb)) + 100 * abs((sa[2] - sa[0]) - (sb[2] - sb[0]))
        assert apart > 20, f"{kind}: {apart:.1f}"


def test_the_simplest_models_colour_reads_as_text_and_stands_apart_from_every_other_way():
    pixels = charts.COLOURS["pixels"]
    assert _contrast(pixels, "#FFFFFF") >= 4.5   # WCAG AA for text: its card title is written in it
    assert list(charts.COLOURS)[0] == "pixels"    # legends read simplest first
    for method, other in charts.COLOURS.items():
        if method == "pixels":
            continue
        assert other.lower() != pixels.lower(), method
        a, b = _linear(pixels), _linear(other)
        for kind, m in list(CVD.items()) + [("normal", np.eye(3))]:
            sa, sb = np.array(m) @ a, np.array(m) @ b
            apart = abs(_lightness(sa) - _lightness(sb)) + 100 * abs((sa[2] - sa[0]) - (sb[2] - sb[0]))
            assert apart > 20, f"{method}, {kind}: {apart:.1f}"


def test_a_chart_is_built_once_per_input_and_drawn_from_its_spec():
    import altair as alt
    built, drawn = [], []

    def make(frame, what="accuracy"):
        built.append(what)
        return alt.Chart(frame).mark_point().encode(x="x:Q").properties(title=what)

    class Target:
        def vega_lite_chart(self, spec, width):
            drawn.append(spec)

    frame = pd.DataFrame({"x": [1, 2, 3]})
    for what in ("accuracy", "accuracy", "loss"):
        cards.chart(make, frame, what, where=Target())
    cards.chart(make, frame.assign(x=[4, 5, 6]), "accuracy", where=Target())
    assert built == ["accuracy", "loss", "accuracy"]   # the repeat was not rebuilt...
    assert drawn[0] == drawn[1] and drawn[0]["title"] == "accuracy" and drawn[2]["title"] == "loss"
    assert drawn[3]["datasets"] != drawn[0]["datasets"]  # ...and other data is another chart


def test_guided_path_labels_fit_their_column_at_presenter_size():
    # "Previous: The problem: engine and fuel" was cut off at 1400 px; a label too long for its
    # column says just Previous or Next, with the step's name in the tooltip
    for name in presenter.STEP_NAMES:
        links = presenter.path_links(name, missing=lambda step: "")
        assert links["here"].startswith(f"Step {presenter.step_index(name) + 1} of ")
        for key in ("previous", "next"):
            if key in links:
                step, label, tip = links[key]
                assert len(label) <= presenter.LINK_CHARS and step.title in tip
    everything = lambda step: ""
    assert presenter.path_links("ants_bees", everything)["previous"][1] == "Previous"
    assert presenter.path_links("ants_bees", everything)["next"][1] == "Next: The dress"


def test_the_guided_path_skips_a_step_whose_data_is_not_here_and_says_so():
    no_photos = lambda step: "its photos are not on this computer" if step.name == "ants_bees" else ""
    links = presenter.path_links("home", no_photos)
    assert links["next"][0].name == "dress_colour" and "Ants and bees is skipped" in links["skipped"]
    assert presenter.path_links("dress_colour", no_photos)["previous"][0].name == "home"
    assert "skipped" not in presenter.path_links("sentiment", no_photos)
