"""The learning-curves page under AppTest, with a small sweep (2 sizes, 1 seed) set in the URL."""
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import sweeps

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "learning_curves.py")


def _page(**params):
    at = AppTest.from_file(PAGE, default_timeout=900)
    for key, value in {"largest": "2", "seeds": "1", **params}.items():
        at.query_params[key] = value
    return at


@pytest.fixture(scope="module")
def page():
    return _page().run()


def test_small_sweep_draws_the_curves_and_a_computed_headline(page):
    assert not page.exception and not page.error
    assert len(page.get("vega_lite_chart")) >= 1
    headline = [m.value for m in page.markdown if "per class scores" in m.value]
    assert len(headline) == 1 and headline[0].startswith("**Transfer with")
    assert any("EfficientNet-Lite0, pretrained on ImageNet" in c.value for c in page.caption)
    assert page.select_slider(key="match_n").value in (1, 2)


def test_second_visit_reads_everything_from_disk(page, monkeypatch):
    monkeypatch.setattr(sweeps, "train_cell", lambda *a: pytest.fail("a cached run was trained again"))
    again = _page().run()
    assert not again.exception and not again.error
    assert [m.value for m in again.markdown if "per class scores" in m.value] == \
           [m.value for m in page.markdown if "per class scores" in m.value]


def test_headline_follows_the_chosen_size(page):
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
    stopped = [w.value for w in at.warning if re.search(r"Stopped: \d+ of 20 points", w.value)]
    assert stopped and not stopped[0].startswith("Stopped: 20 of")
    assert at.button(key="resume_sweep")


def test_sentiment_choice_works_or_says_it_is_unavailable():
    at = _page(task="sentiment").run()
    assert not at.exception
    if not sweeps.task_available("sentiment"):
        assert any("not available" in i.value for i in at.info)
    else:
        assert not at.error and any("per class scores" in m.value for m in at.markdown)
