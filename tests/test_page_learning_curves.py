"""The learning-curves page under AppTest, with a small sweep (2 sizes, 1 seed) set in the URL."""
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import sweeps, tasks, versions
from lib.sweeps import COLUMNS

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "learning_curves.py")


def _page(**params):
    at = AppTest.from_file(PAGE, default_timeout=900)
    for key, value in {"largest": "2", "seeds": "1", **params}.items():
        at.query_params[key] = value
    return at


@pytest.fixture(scope="module")
def page():
    """The real path: a small sweep trained (slow), read by the tests below without changing it."""
    return _page().run()


@pytest.mark.slow
def test_small_sweep_draws_the_curves_and_a_computed_headline(page):
    assert not page.exception and not page.error
    assert len(page.get("vega_lite_chart")) >= 1
    headline = [m.value for m in page.markdown if "per class scores" in m.value]
    assert len(headline) == 2 and headline[0].startswith("**Transfer with")  # and the fine-tuned way's
    assert headline[1].startswith("**Fine-tuning with")
    assert any("EfficientNet-Lite0, pretrained on ImageNet" in c.value for c in page.caption)
    assert page.select_slider(key="match_n").value in (1, 2)


@pytest.mark.slow
def test_second_visit_reads_everything_from_disk(page, monkeypatch):
    monkeypatch.setattr(sweeps, "train_cell", lambda *a: pytest.fail("a cached run was trained again"))
    again = _page().run()
    assert not again.exception and not again.error
    assert [m.value for m in again.markdown if "per class scores" in m.value] == \
           [m.value for m in page.markdown if "per class scores" in m.value]


@pytest.mark.slow
def test_headline_follows_the_chosen_size():
    page = _page().run()  # its own app: the slider move must not change the shared page
    page.select_slider(key="match_n").set_value(1).run()
    assert any(m.value.startswith("**Transfer with 1 example per class") for m in page.markdown)


def test_stopped_sweep_trains_nothing_and_says_so(monkeypatch):
    monkeypatch.setattr(sweeps, "train_cell", lambda *a: pytest.fail("trained while stopped"))
    # 10 seeds x 2 sizes: more than any other test puts on the shared disk cache, so some cells
    # are missing however the suite was ordered; how many were cached depends on that order.
    at = _page(seeds="10")
    at.session_state["sweep_stopped"] = True
    at.run()
    assert not at.exception
    # nothing on disk (this test alone, or the fast tier): it says training stopped before the
    # first point; some cells on disk: how many of the 20 are drawn
    stopped = [w.value for w in at.warning if re.search(r"Stopped: \d+ of 20 points", w.value)
               or "stopped before the first point" in w.value]
    assert stopped and not stopped[0].startswith("Stopped: 20 of")
    assert at.button(key="resume_sweep")


@pytest.mark.slow
def test_sentiment_choice_works_or_says_it_is_unavailable():
    at = _page(task="sentiment").run()
    assert not at.exception
    if not tasks.task_available("sentiment"):
        assert any("not available" in i.value for i in at.info)
    else:
        assert not at.error and any("per class scores" in m.value for m in at.markdown)


def _curve_charts(at):
    return [c for c in at.get("vega_lite_chart") if "labeled examples per class" in c.proto.spec]


def _fake_cells(monkeypatch, version):
    """train_cell answers at once (and says what it was asked), under a code version of this test's
    own, so its made-up cells never meet another test's; returns the list of sizes asked for."""
    trained = []

    def fake(task, n, seed, options, identity=None):
        trained.append(int(n))
        rows = [(m, int(n), int(seed), a, m, 1.0, "fake") for m, a in (("scratch", 0.6), ("transfer", 0.7))]
        return pd.DataFrame(rows, columns=COLUMNS), []
    monkeypatch.setattr(versions, "code_version", lambda: version)
    monkeypatch.setattr(sweeps, "train_cell", fake)
    sweeps.run_sweep("dress", [1, 2], [0], **sweeps.sweep_options("dress"))  # on disk before the visit
    trained.clear()
    return trained


def test_missing_sizes_train_smallest_first(monkeypatch):
    trained = _fake_cells(monkeypatch, "lc-order")
    at = _page(largest="16").run()   # 1 and 2 per class on disk
    assert not at.exception and not at.error
    assert trained == [4, 8, 16]
    assert len(_curve_charts(at)) == 1


def test_what_is_on_disk_is_drawn_even_when_training_the_rest_fails(monkeypatch):
    _fake_cells(monkeypatch, "lc-broken")

    def broken(*a, **k):
        raise ValueError("no room to train")
    monkeypatch.setattr(sweeps, "train_cell", broken)
    at = _page(largest="4").run()    # 1 and 2 per class on disk, 4 missing
    assert [e.value for e in at.error] == ["Could not run the sweep: no room to train"]
    assert len(_curve_charts(at)) == 1  # the curves from disk, drawn before training began
