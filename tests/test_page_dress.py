"""The dress page driven by Streamlit's AppTest: numbers, slider, URL, backbone switch, control."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "dress_colour.py")


def _metrics(at):
    return {m.label + str(i): m.value for i, m in enumerate(at.metric)}


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.query_params["n_per_class"] = "4"
    return at.run()


def test_renders_both_ways_side_by_side_with_accuracies(page):
    assert not page.exception
    accuracies = [m.value for m in page.metric if m.label == "Test accuracy"]
    assert len(accuracies) == 2 and all(v.endswith("%") for v in accuracies)
    trained = [m.value for m in page.metric if m.label == "Trained weights"]
    assert trained[1] == "2,562"                       # (1280 + 1) × 2, the Lite0 head
    verdicts = [md for md in page.markdown if "chance" in md.value]  # plain words on screen...
    assert verdicts and all("McNemar" in md.proto.help for md in verdicts)  # ...the test in a tooltip
    assert any("EfficientNet-Lite0, pretrained on ImageNet" in c.value for c in page.caption)


def test_link_settings_are_read_from_the_url(page):
    assert page.select_slider(key="n_per_class").value == 4


@pytest.mark.parametrize("typed, shown", [("5", 4), ("3", 2), ("junk", 16)])
def test_a_hand_edited_link_lands_on_a_slider_step(typed, shown):
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.query_params["n_per_class"] = typed
    at.run()
    assert not at.exception
    assert at.select_slider(key="n_per_class").value == shown
    assert at.select_slider(key="n_per_class").options == ["1", "2", "4", "8", "16", "32", "64", "128", "256"]


def test_moving_the_slider_retrains_and_updates_url(page):
    before = _metrics(page)
    page.select_slider(key="n_per_class").set_value(64).run()
    assert not page.exception
    assert page.query_params["n_per_class"] == ["64"] or page.query_params["n_per_class"] == "64"
    assert _metrics(page) != before


def test_switching_to_a_downloadable_backbone_offline_falls_back_with_a_notice(page):
    page.selectbox(key="backbone").set_value("resnet50").run()
    assert not page.exception
    warnings = " ".join(w.value for w in page.warning)
    assert "ResNet-50 is not available" in warnings and "EfficientNet-Lite0" in warnings
    assert [m.value for m in page.metric if m.label == "Trained weights"][1] == "2,562"


def test_control_toggle_adds_a_third_way(page):
    page.toggle(key="control").set_value(True).run()
    assert not page.exception
    assert len([m for m in page.metric if m.label == "Test accuracy"]) == 3
    assert any("Control" in md.value for md in page.markdown)
