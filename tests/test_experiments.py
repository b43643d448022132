"""compare(): the contract pages rely on, reproducibility, and the labeled draw."""
import numpy as np
import pandas as pd
import pytest

from lib.experiments import compare, resolve_task
from lib.runs import accuracy_interval, draw, paired_difference, validation_count, verdict


@pytest.fixture(scope="module")
def dress8():
    return compare("dress", 8, seed=0, control=True)


def test_comparison_follows_the_documented_contract(dress8):
    assert set(dress8.runs) == {"scratch", "transfer", "control"}
    for run in (dress8.scratch, dress8.transfer, dress8.control):
        assert 0 <= run.test_accuracy <= 1 and 0 <= run.train_accuracy <= 1
        assert isinstance(run.trainable_params, int) and isinstance(run.total_params, int)
        assert list(run.history.columns) == ["epoch", "split", "loss", "accuracy"]
        assert set(run.history.split) <= {"train", "validation"}
        low, high = run.test_interval
        assert low <= run.test_accuracy <= high
    assert dress8.scratch.total_params == dress8.scratch.trainable_params
    assert dress8.transfer.trainable_params == (1280 + 1) * 2
    assert dress8.transfer.total_params > 3_000_000
    assert "ImageNet" in dress8.backbone


def test_same_seed_gives_the_same_numbers_and_another_seed_other_ones(dress8):
    again = compare("dress", 8, seed=0, control=True)
    for m in dress8.runs:
        assert again.runs[m].test_accuracy == dress8.runs[m].test_accuracy
        pd.testing.assert_frame_equal(again.runs[m].history, dress8.runs[m].history)
    other = compare("dress", 8, seed=1)
    assert not np.array_equal(other.train_index, dress8.train_index)


def test_control_does_not_change_the_other_ways(dress8):
    plain = compare("dress", 8, seed=0, control=False)
    assert plain.transfer.test_accuracy == dress8.transfer.test_accuracy
    assert plain.scratch.test_accuracy == dress8.scratch.test_accuracy


def test_draw_is_balanced_disjoint_and_nested():
    labels = np.repeat([0, 1, 2], 50)
    train, val = draw(labels, 10, seed=4)
    assert len(set(train) & set(val)) == 0
    assert np.bincount(labels[np.concatenate([train, val])]).tolist() == [10, 10, 10]
    assert np.bincount(labels[val]).tolist() == [validation_count(10)] * 3
    bigger = draw(labels, 20, seed=4)
    assert set(np.concatenate([train, val])) <= set(np.concatenate(bigger))


def test_validation_count_rule():
    assert [validation_count(n) for n in (1, 2, 4, 10, 128)] == [0, 1, 1, 2, 26]


def test_draw_input_checks():
    with pytest.raises(ValueError, match="at least 1"):
        draw(np.array([0, 1]), 0, 0)
    with pytest.raises(ValueError, match="at most 3"):
        draw(np.array([0, 0, 0, 1, 1, 1]), 4, 0)


def test_wilson_interval_is_honest_at_the_extremes():
    low, high = accuracy_interval(2, 2)
    assert high == 1.0 and low < 0.35   # 2 of 2 right says little
    low, high = accuracy_interval(200, 400)
    assert 0.45 < low < 0.5 < high < 0.55


def test_paired_difference_uses_only_disagreements(dress8):
    d, p = paired_difference(dress8.transfer, dress8.transfer, dress8.test_labels)
    assert d == 0 and p == 1.0
    d, p = paired_difference(dress8.transfer, dress8.scratch, dress8.test_labels)
    assert d == pytest.approx(dress8.transfer.test_accuracy - dress8.scratch.test_accuracy)
    assert 0 <= p <= 1
    assert "McNemar" in verdict(dress8)


def test_bad_task_and_bad_size_say_what_was_wrong():
    with pytest.raises(ValueError, match="task must be one of"):
        resolve_task("cats")
    with pytest.raises(TypeError, match="must be an int"):
        compare("dress", 2.5)
    with pytest.raises(ValueError, match="more than the smallest class"):
        compare("dress", 10_000)
