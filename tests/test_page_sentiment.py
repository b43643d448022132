"""The sentiment page under AppTest: renders offline, reacts to the slider, a typed review, the toy.

Skip-gram reads 500 unlabeled reviews and the encoder is off (set through the URL, as a presenter's
link would), so the page trains in seconds; the encoder is tested in test_text_ways.
"""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "sentiment.py")


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.query_params["unlabeled"] = "500"
    at.query_params["encoder"] = "0"
    return at.run()


def metrics(at):
    return [m.value for m in at.metric]


def test_renders_without_errors(page):
    assert not page.exception and not page.error
    assert page.select_slider(key="n_per_class").value == 16
    assert page.select_slider(key="unlabeled").value == 500
    assert len(page.metric) == 6   # accuracy and weights for scratch, transfer A, bag-of-words
    assert any("500 unlabeled" in c.value for c in page.caption)


def test_weights_table_is_a_static_table_whose_formulas_wrap(page):
    # a data grid cut "how the trained weights are counted" off at 1400 px; st.table wraps
    tables = [t.value for t in page.table if "how the trained weights are counted" in t.value.columns]
    assert len(tables) == 1
    weights = tables[0]
    assert list(weights.columns) == ["trained weights", "frozen pretrained weights",
                                     "how the trained weights are counted"]
    assert weights["how the trained weights are counted"].str.contains("=").all()


def test_slider_move_changes_the_numbers(page):
    before = metrics(page)
    page.select_slider(key="n_per_class").set_value(64).run()
    assert not page.exception and page.query_params["n_per_class"] in ("64", ["64"])
    assert metrics(page) != before


def test_typing_a_review_shows_each_ways_prediction(page):
    page.text_input(key="sentence").input("An absolute triumph, truly wonderful.").run()
    tables = [d.value for d in page.dataframe if "prediction" in d.value.columns]
    assert len(tables) == 1
    table = tables[0]
    assert list(table.columns) == ["way", "prediction", "confidence"]
    assert set(table.prediction) <= {"positive", "negative"} and len(table) == 3


def test_toy_preset_shows_only_0_50_100_on_two_reviews(page):
    page.button(key="run_toy").click().run()
    assert not page.exception
    toy = page.dataframe[-1].value
    assert "on 2 test reviews" in toy.columns and len(toy) == 3


def test_the_warmup_prepares_exactly_the_default_view(monkeypatch):
    from ui import cards, warmup
    asked = []

    def spy(task, n_per_class, seed, _progress=None, **options):
        asked.append(dict(n_per_class=n_per_class, seed=seed, **options))
        raise ValueError("stop here")  # run_compare shows it as an error; nothing is trained

    monkeypatch.setattr(cards, "cached_compare", spy)
    at = AppTest.from_file(PAGE, default_timeout=600).run()
    assert not at.exception
    assert asked == [warmup.sentiment_default()]
