"""The overfitting page under AppTest: fixed epochs, computed readings, examples, confusion."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import tasks

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "overfitting.py")


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=900)
    at.query_params["n_per_class"] = "8"
    at.query_params["epochs"] = "12"
    return at.run()


def test_runs_exactly_the_chosen_epochs_and_reads_them_out(page):
    assert not page.exception and not page.error
    readings = [m.value for m in page.markdown if "training images by epoch" in m.value]
    assert len(readings) == 4  # pixels, scratch, transfer, fine-tuned: every way took the 12 epochs
    assert all("after 12 epochs" in r for r in readings)
    assert any("From scratch" in r for r in readings) and any("Transfer" in r for r in readings)
    assert any("Fine-tuned" in r for r in readings)
    assert any("Simplest: linear model on 16 × 16 pixels" in r for r in readings)  # 12 L-BFGS steps


def test_shows_examples_and_a_confusion_matrix_per_way(page):
    seen, unseen = (i.proto.imgs for i in page.get("image"))  # two groups, side by side
    captions = [*seen, *unseen]
    assert len(seen) == len(unseen) == 4  # 4 photos every way trained on, 4 test photos none did
    assert all(i.caption.startswith("trained on") for i in seen)
    assert all(i.caption.count("right") + i.caption.count("wrong") == 4 for i in captions)
    assert sum(i.caption.startswith("test") for i in captions) == 4
    # accuracy and loss, one chart per way (each gap readable), and one matrix per way; the depth
    # profile is a link to the task's page, not drawn again here
    assert len(page.get("vega_lite_chart")) == 2 * 4 + 4
    assert any("Where to cut the network" in m.value for m in page.markdown)
    assert len(page.dataframe) == 4  # per-class accuracy per way


def test_epochs_slider_retrains_and_lands_in_the_url(page):
    page.slider(key="epochs").set_value(6).run()
    assert not page.exception
    assert all("after 6 epochs" in m.value for m in page.markdown if "by epoch" in m.value)
    assert page.query_params["epochs"] in ("6", ["6"])


def test_sentiment_choice_works_or_says_it_is_unavailable():
    at = AppTest.from_file(PAGE, default_timeout=900)
    at.query_params["task"] = "sentiment"
    at.query_params["n_per_class"] = "4"
    at.query_params["epochs"] = "5"
    at.run()
    assert not at.exception
    if not tasks.task_available("sentiment"):
        assert any("not available" in i.value for i in at.info)
    else:
        assert not at.error and any("training reviews by epoch" in m.value for m in at.markdown)
        readings = [m.value for m in at.markdown if "by epoch" in m.value]
        assert len(readings) >= 3 and all("after 5 epochs" in r for r in readings)  # every way took 5
