"""The overfitting page under AppTest: fixed epochs, computed readings, examples, confusion."""
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import tasks

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "overfitting.py")


def _page(n="8", epochs="12"):
    at = AppTest.from_file(PAGE, default_timeout=900)
    at.query_params["n_per_class"] = n
    at.query_params["epochs"] = epochs
    return at.run()


@pytest.fixture
def page(stored_results):
    """The page on the dress at 8 per class, 12 epochs, every way read from what the engine stored."""
    runs = stored_results("dress", 8, (0,), epochs=12)[0]
    at = _page()
    at.stored = runs
    return at


def test_reads_each_way_at_the_chosen_epochs_from_what_was_stored(page):
    assert not page.exception and not page.error
    readings = [m.value for m in page.markdown if "training images by epoch" in m.value]
    assert len(readings) == 4  # pixels, scratch, transfer, fine-tuned: every way took the 12 epochs
    assert all("after 12 epochs" in r for r in readings)
    # each way's per-class table is the stored run's test predictions, scored on the page
    shown = [pd.Series([float(a.split()[0]) / 100 for a in d.value["accuracy"]]).mean() for d in per_class(page)]
    assert len(shown) == 4
    for acc, run in zip(shown, page.stored.values()):
        assert acc == pytest.approx(run.test_accuracy, abs=0.02)  # balanced classes: mean recall
    assert any("From scratch" in r for r in readings) and any("Transfer" in r for r in readings)
    assert any("Fine-tuned" in r for r in readings)
    assert any("Simplest: linear model on 16 × 16 pixels" in r for r in readings)  # 12 L-BFGS steps


def per_class(page):
    """The per-class tables (static, so a narrow column wraps them instead of clipping them)."""
    return [t for t in page.table if "accuracy" in t.value.columns and "right" in t.value.columns]


def test_shows_examples_and_a_confusion_matrix_per_way(page):
    seen, unseen = (i.proto.imgs for i in page.get("image"))  # two groups, side by side
    assert len(seen) == len(unseen) == 4  # 4 photos every way trained on, 4 test photos none did
    # short captions (number and class; every way's word on each ran to ten lines in a narrow
    # column), and under each group a table of right or wrong, a row per way, a column per photo
    assert [i.caption.split(". ")[0] for i in seen] == ["1", "2", "3", "4"]
    assert all(len(i.caption) < 30 for i in [*seen, *unseen])
    marks = [t.value for t in page.table if list(t.value.columns) == ["1", "2", "3", "4"]]
    assert len(marks) == 2 and all(len(m) == 4 for m in marks)  # one row per way
    runs = page.stored
    for m, (method, run) in zip(marks[1].itertuples(index=False), runs.items()):  # the test photos
        from lib import resolve_task
        labels = resolve_task("dress").test.labels
        assert list(m) == ["right" if run.test_pred[i] == labels[i] else "wrong" for i in range(4)], method
    # accuracy and loss, one chart per way (each gap readable), and one matrix per way; the depth
    # profile is a link to the task's page, not drawn again here
    assert len(page.get("vega_lite_chart")) == 2 * 4 + 4
    assert any("Where to cut the network" in m.value for m in page.markdown)
    tables = per_class(page)
    assert len(tables) == 4  # per-class accuracy per way, as "183 of 200" and a percentage
    from lib import resolve_task
    test_photos = len(resolve_task("dress").test.labels)
    for t in tables:  # the whole test set, counted out per class
        assert sum(int(r.split(" of ")[1].replace(",", "")) for r in t.value["right"]) == test_photos


@pytest.mark.slow
def test_epochs_slider_retrains_and_lands_in_the_url():
    """The real path: every way trained at 4 per class, then again at 6 epochs."""
    page = _page(n="4", epochs="5")
    assert not page.exception and not page.error
    assert all("after 5 epochs" in m.value for m in page.markdown if "by epoch" in m.value)
    page.slider(key="epochs").set_value(6).run()
    assert not page.exception
    assert all("after 6 epochs" in m.value for m in page.markdown if "by epoch" in m.value)
    assert page.query_params["epochs"] in ("6", ["6"])


@pytest.mark.slow
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
