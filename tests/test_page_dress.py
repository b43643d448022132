"""The dress page driven by Streamlit's AppTest: numbers, slider, URL, where to cut, backbone
switch, control, and the depth profile. Each test runs its own app. The fast ones read what the
engine stored (conftest.stored_results: the real files at the real keys); the slow ones train."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "dress_colour.py")


def _metrics(at):
    return {m.label + str(i): m.value for i, m in enumerate(at.metric)}


def _page(**params):
    """The dress page, a fresh app per test, with these settings in its link."""
    at = AppTest.from_file(PAGE, default_timeout=900)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _stored_view(stored_results, n, **options):
    """What the engine stores for the page's view at n per class (every draw, and the depth profile)."""
    from lib import DRAW_SEEDS
    stored_results.profile("dress", n, control=options.get("control", False))
    return stored_results("dress", n, DRAW_SEEDS, **options)


@pytest.fixture
def page(stored_results):
    """4 per class, the head after the last stage: every way of every draw read from disk."""
    runs = _stored_view(stored_results, 4, cut="head")
    at = _page(n_per_class="4", cut="head")
    at.stored = runs
    return at


def test_renders_four_ways_side_by_side_with_accuracies(page):
    assert not page.exception
    accuracies = [m.value for m in page.metric if m.label == "Test accuracy"]
    assert accuracies == [f"{100 * r.test_accuracy:.1f} %" for r in page.stored[0].values()]  # seed 0's cards, as stored
    trained = [m.value for m in page.metric if m.label == "Trained weights"]
    assert trained == [f"{r.trainable_params:,}" for r in page.stored[0].values()]
    verdicts = [md for md in page.markdown if "labeled example" in md.value]  # plain words on screen...
    assert verdicts and all("McNemar" in md.proto.help for md in verdicts)  # ...the test in a tooltip
    assert any("EfficientNet-Lite0, pretrained on ImageNet" in c.value for c in page.caption)


def test_the_first_sentence_holds_over_five_draws_and_the_cards_say_they_are_one(page):
    over = [md for md in page.markdown if md.value.startswith("**Over 5 random draws of 4 labeled photos")]
    assert len(over) == 1 and "led on" in over[0].value and "seeds 0–4" in over[0].proto.help
    assert any(c.value.startswith("**The cards: one draw** of 8 labeled photos (seed 0)") for c in page.caption)


def test_link_settings_are_read_from_the_url(page):
    assert page.select_slider(key="n_per_class").value == 4
    assert page.selectbox(key="cut").value == "head"


def test_the_depth_profile_is_drawn_and_read_out_in_words(page):
    reading = [m.value for m in page.markdown if "Read on the test photos" in m.value]
    assert reading  # words computed from the stored profile
    assert any(s.value == "Where to cut the network" for s in page.subheader)


def test_choosing_where_to_cut_updates_the_head_and_the_link(stored_results):
    for cut in ("head", "stage4", "auto"):
        _stored_view(stored_results, 4, cut=cut)
    page = _page(n_per_class="4", cut="head")
    page.selectbox(key="cut").set_value("stage4").run()
    assert not page.exception
    trained = [m.value for m in page.metric if m.label == "Trained weights"]
    assert trained[2] == "162" and trained[0] == "1,538"  # (80 + 1) × 2; the pixel model reads no cut
    assert page.query_params["cut"] in ("stage4", ["stage4"])
    page.selectbox(key="cut").set_value("auto").run()
    chosen = [c.value for c in page.caption if "chosen from the labeled photos alone" in c.value]
    assert chosen and "Cross-validated accuracy on the labeled photos" in chosen[0]


@pytest.mark.parametrize("typed, shown", [("5", 4), ("3", 2), ("junk", 16)])
def test_a_hand_edited_link_lands_on_a_slider_step(typed, shown, stored_results):
    _stored_view(stored_results, shown, cut="auto")
    at = _page(n_per_class=typed)
    assert not at.exception
    assert at.select_slider(key="n_per_class").value == shown
    assert at.select_slider(key="n_per_class").options == ["1", "2", "4", "8", "16", "32", "64", "128", "256"]


@pytest.mark.slow
def test_moving_the_slider_retrains_and_updates_url():
    """The real path: every way of every draw and the depth profile trained, then again at 8."""
    page = _page(n_per_class="4", cut="head")
    assert not page.exception
    before = _metrics(page)
    page.select_slider(key="n_per_class").set_value(8).run()
    assert not page.exception
    assert page.query_params["n_per_class"] == ["8"] or page.query_params["n_per_class"] == "8"
    assert _metrics(page) != before


@pytest.mark.slow
def test_switching_to_a_downloadable_backbone_offline_falls_back_with_a_notice(stored_results):
    """A fallback is never stored (it answers other settings than asked): this trains for real."""
    _stored_view(stored_results, 4, cut="head")
    page = _page(n_per_class="4", cut="head")
    page.selectbox(key="backbone").set_value("resnet50").run()
    assert not page.exception
    warnings = " ".join(w.value for w in page.warning)
    assert "ResNet-50 is not available" in warnings and "EfficientNet-Lite0" in warnings
    # ResNet-50 has other stages, so the cut goes back to the one chosen from the labeled photos
    assert page.selectbox(key="cut").value == "auto"
    assert page.selectbox(key="cut").options[1:] == ["after layer1", "after layer2", "after layer3",
                                                     "after layer4"]


def test_control_toggle_adds_a_fifth_way(stored_results):
    for control in (False, True):
        _stored_view(stored_results, 4, cut="head", control=control)
    page = _page(n_per_class="4", cut="head")
    page.toggle(key="control").set_value(True).run()
    assert not page.exception
    assert len([m for m in page.metric if m.label == "Test accuracy"]) == 5
    assert any("Control" in md.value for md in page.markdown)


def test_presenter_mode_adds_its_talking_point_without_an_error(stored_results):
    _stored_view(stored_results, 4, cut="head")
    at = _page(n_per_class="4", cut="head", present="1")
    assert not at.exception
    point = [i.value for i in at.info if "random draws of 4 labeled photos" in i.value]
    assert point and "From scratch learns" in point[0]  # the talking point reads the draws, not one
    assert "**" not in point[0]
