"""The parameters page under AppTest: live counts, the head calculator, the rule of thumb."""
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import sweeps

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "parameters.py")


@pytest.fixture
def page():
    """A fresh app per test: the calculator's test changes its inputs."""
    return AppTest.from_file(PAGE, default_timeout=300).run()


def test_counts_and_the_articles_example(page):
    assert not page.exception and not page.error
    text = " ".join(m.value for m in page.markdown)
    assert "(2,048 + 1) × 2 = 4,098" in text and "25,557,032" in text
    assert "about **3.8 orders of magnitude** more" in text  # log10(25,557,032 / 4,098) = 3.79
    assert "D = 768. For a yes/no answer that is **(768 + 1) × 2 = 1,538** weights" in text  # the pixel model
    table = page.dataframe[0].value
    assert table.set_index("model").loc["VGG-16 (2014)", "weights (ImageNet model)"] == 138_357_544


def shown(element) -> pd.DataFrame:
    """What the browser writes in each cell of a styled table (the Styler's display values)."""
    import pyarrow as pa
    return pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_all().to_pandas()


def test_the_counts_table_writes_every_number_with_separators_and_no_false_zero(page):
    cells = shown(page.dataframe[0]).set_index("model")
    assert cells.loc["ResNet-50 (2015)"].tolist() == ["25,557,032", "2,048", "23,508,032", "4,098"]
    # the scratch CNN is no transfer model: nothing frozen, no head of its own, not a 0
    assert cells.loc["Scratch CNN (this app)"].tolist()[1:] == ["—", "—", "—"]
    assert page.dataframe[0].proto.placeholder == "—"                   # not "None" in the browser
    numbers = cells.to_numpy().ravel()
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*|—", n) for n in numbers), numbers


def test_calculator_recomputes(page):
    page.number_input(key="features").set_value(512).run()
    page.number_input(key="classes").set_value(10).run()
    assert "(512 + 1) × 10 = 5,130" in " ".join(m.value for m in page.markdown)


def _with_measured(monkeypatch, fake: pd.DataFrame) -> AppTest:
    """The page at a 75 % target, the learning curves' sweep answering `fake` (measured on disk)."""
    fake.attrs.update(complete=True, notices=[], trained=0)
    monkeypatch.setattr(sweeps, "run_sweep", lambda *a, **k: fake)
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params["target"] = "75"
    at.run()
    assert not at.exception
    return at


def test_rule_of_thumb_next_to_measured_curves(monkeypatch):
    fake = pd.DataFrame({"method": ["pixels", "scratch", "transfer", "finetune"] * 2,
                         "n_per_class": [4, 4, 4, 4, 8, 8, 8, 8], "seed": 0,
                         "test_accuracy": [0.76, 0.6, 0.7, 0.7, 0.74, 0.8, 0.72, 0.9],
                         "backbone": "EfficientNet-Lite0, pretrained on ImageNet"})
    at = _with_measured(monkeypatch, fake)
    table = at.dataframe[-1].value.set_index("way")
    measured = "measured: labeled per class to reach 75 %"
    assert list(table.columns) == [measured, "trained weights", "rule of thumb: labeled per class"]
    assert table.loc["from scratch", measured] == f"{4 * 2 ** 0.75:.0f}"   # interpolated in log(size)
    assert table.loc["transfer (frozen)", measured] == "not by 8"          # never reaches 75 %
    assert table.loc["transfer (frozen)", "trained weights"] == "2,562"
    # fine-tuning trains Lite0's stage7 and head conv (counted from their tensors) and a new head
    assert table.loc["fine-tuned", "trained weights"] == "1,020,162"
    # every number written one way: 1,020,162 × 1.2 / 140 / 2 = 4,372, with its separator
    assert table.loc["fine-tuned", "rule of thumb: labeled per class"] == "4,372"
    # the simplest model: (16 x 16 x 3 + 1) x 2 weights, at 75 % already with 4 per class
    assert table.loc["simplest (linear on pixels)", "trained weights"] == "1,538"
    assert table.loc["simplest (linear on pixels)", measured] == "4 or fewer"
    words = " ".join(m.value for m in at.markdown)
    # the measured rows in plain words, against the rule of thumb
    assert ("The frozen head learns 9× fewer weights than from scratch, so by the rule of thumb it "
            "should need 9× fewer labels. Measured, only from scratch reaches 75 % here.") in words
    # 70 % at 4, 90 % at 8: 75 % at 4 × 2 ** 0.25 = 4.8, and 4,372 / 4.76 = 919
    assert "**Fine-tuned** needs 5 labeled per class: 919× fewer than the rule of thumb's 4,372." in words
    assert "**Simplest (linear on pixels)** needs 4 labeled per class (the fewest measured" in words
    assert list(table.index) == ["simplest (linear on pixels)", "from scratch", "transfer (frozen)",
                                 "fine-tuned"]                    # the legends' order, simplest first


def test_the_reading_says_when_the_measured_sizes_match_despite_the_weights(monkeypatch):
    fake = pd.DataFrame({"method": ["scratch", "transfer"] * 2, "n_per_class": [8, 8, 16, 16], "seed": 0,
                         "test_accuracy": [0.6, 0.6, 0.9, 0.9],
                         "backbone": "EfficientNet-Lite0, pretrained on ImageNet"})
    at = _with_measured(monkeypatch, fake)
    words = " ".join(m.value for m in at.markdown)
    assert "Measured, both need about the same (11 and 11 per class)" in words
    assert "What the frozen weights already know, and how hard the task is, count too." in words


def test_without_measurements_it_points_to_the_learning_curves(monkeypatch):
    empty = pd.DataFrame(columns=sweeps.COLUMNS)
    empty.attrs.update(complete=False, notices=[], trained=0)
    monkeypatch.setattr(sweeps, "run_sweep", lambda *a, **k: empty)
    at = AppTest.from_file(PAGE, default_timeout=300).run()
    assert not at.exception and any("Learning curves" in i.value for i in at.info)


def test_the_ants_and_bees_rows_are_counted_too(monkeypatch):
    # the same ways on the same network as the dress, so the same counts (lib.counts)
    from ui import controls
    fake = pd.DataFrame({"method": ["scratch", "transfer"] * 2, "n_per_class": [8, 8, 16, 16], "seed": 0,
                         "test_accuracy": [0.6, 0.8, 0.9, 0.9],
                         "backbone": "EfficientNet-Lite0, pretrained on ImageNet"})
    fake.attrs.update(complete=True, notices=[], trained=0)
    monkeypatch.setattr(sweeps, "run_sweep", lambda *a, **k: fake)
    monkeypatch.setattr(controls, "task_available", lambda task: True)
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params["task"] = "ants_bees"
    at.query_params["target"] = "75"
    at.run()
    assert not at.exception
    table = at.dataframe[-1].value.set_index("way")
    assert table.loc["transfer (frozen)", "trained weights"] == "2,562"
    assert table.loc["from scratch", "trained weights"] == "23,714"
    words = " ".join(m.value for m in at.markdown)
    assert "The frozen head learns 9× fewer weights than from scratch" in words
