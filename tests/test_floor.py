"""ui.floor: the deep ways read against the simplest model, in words the test behind them allows."""
import numpy as np
import pandas as pd

from lib.runs import Comparison, Run
from ui import charts, floor

N_TEST = 200


def run(method, right: np.ndarray, trainable=1538):
    """A run that got the test photos in `right` right (truth is all class 1)."""
    pred = right.astype(int)
    history = pd.DataFrame(columns=["epoch", "split", "loss", "accuracy"])
    return Run(method, method, float(right.mean()), 1.0, trainable, trainable, history, 0.1, (0, 1),
               N_TEST, pred, pred[:4])


def comparison(**right):
    runs = {m: run(m, r) for m, r in right.items()}
    return Comparison("dress", 16, 0, ["a", "b"], runs, "a backbone", np.arange(28), np.arange(28, 32),
                      np.ones(N_TEST, int))


def first(k: int) -> np.ndarray:
    """Right on the first k test photos: two such runs disagree only on the photos between."""
    return np.arange(N_TEST) < k


def test_a_way_clearly_above_the_floor_is_called_ahead_and_the_lesson_is_not_drawn():
    c = comparison(pixels=first(140), scratch=first(142), transfer=first(180))
    rows = dict((m, (d, p)) for m, d, p in floor.against_floor(c))
    assert list(rows) == ["scratch", "transfer"]                        # card order, floor excluded
    assert abs(rows["transfer"][0] - 0.2) < 1e-12 and rows["transfer"][1] < 0.05   # 40 photos only it got right
    assert rows["scratch"][1] > 0.05                                    # 2 photos: chance
    text = floor.floor_reading(c, charts.NAMES)
    assert "the simplest model (a linear model on a 16 × 16 thumbnail of the pixels, 1,538 weights) " \
           "scores 70 %" in text
    assert "Ahead of it by more than chance: transfer (frozen) (+20 points)." in text
    assert "Not told apart from it on these test photos: from scratch." in text
    assert "No deep way beats" not in text


def test_when_no_deep_way_beats_the_floor_the_page_says_so_and_draws_the_lesson():
    c = comparison(pixels=first(160), scratch=first(130), transfer=first(158), finetune=first(161))
    text = floor.floor_reading(c, charts.NAMES)
    assert "Behind it by more than chance: from scratch (−15 points)." in text
    assert "Not told apart from it on these test photos: transfer (frozen), fine-tuned." in text
    assert "No deep way beats the simplest model here" in text and "grows with the problem" in text


def test_a_comparison_without_the_pixel_model_has_nothing_to_say():
    c = comparison(scratch=first(100), transfer=first(150))
    assert floor.against_floor(c) == [] and floor.floor_reading(c) == ""
