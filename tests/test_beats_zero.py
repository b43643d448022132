"""How many labels beat zero: the smallest size at which a trained way beats the zero-shot run,
by a paired test over seeds (tests/test_words.py: the words written from it)."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lib.curves import SIGNIFICANT, beats_zero


def table(method, accuracies: dict, zero=0.7, zero_seeds=None):
    """run_sweep's shape: {n: [accuracy per seed]} for `method`, zero-shot at n = 0 per seed."""
    rows = [(method, n, s, a) for n, accs in accuracies.items() for s, a in enumerate(accs)]
    seeds = range(len(next(iter(accuracies.values())))) if zero_seeds is None else zero_seeds
    rows += [("zero_shot", 0, s, zero) for s in seeds]
    return pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])


def test_the_first_size_clearly_ahead_is_found_and_not_an_earlier_lucky_mean():
    results = table("transfer", {1: [0.60, 0.65, 0.62, 0.58, 0.61],       # behind
                                 2: [0.55, 0.95, 0.60, 0.90, 0.62],       # mean 0.724 > 0.7, spread wide
                                 4: [0.78, 0.80, 0.77, 0.81, 0.79],       # clearly ahead
                                 8: [0.85, 0.86, 0.84, 0.87, 0.85]})
    b = beats_zero(results, "transfer")
    assert b.status == "beats" and b.n == 4 and b.pairs == 5
    assert b.zero == pytest.approx(0.7) and b.accuracy == pytest.approx(0.79)
    # the test is a one-sample t-test against zero-shot's one accuracy (it is the same every seed)
    assert b.p == pytest.approx(stats.ttest_1samp([0.78, 0.80, 0.77, 0.81, 0.79], 0.7).pvalue)
    at_2 = stats.ttest_1samp([0.55, 0.95, 0.60, 0.90, 0.62], 0.7).pvalue
    assert at_2 >= SIGNIFICANT  # why 2 is not the answer though its mean is higher


def test_a_way_never_clearly_ahead_is_said_so_with_its_best():
    results = table("scratch", {1: [0.5, 0.55, 0.52], 16: [0.66, 0.74, 0.71], 64: [0.72, 0.70, 0.71]})
    b = beats_zero(results, "scratch")
    assert b.status == "never" and b.n is None and b.best_at == 64


def test_clearly_behind_is_not_beating():
    b = beats_zero(table("bow", {8: [0.60, 0.61, 0.59, 0.60]}), "bow")
    assert b.status == "never"


def test_one_seed_tests_nothing_and_says_so():
    b = beats_zero(table("transfer", {4: [0.95]}), "transfer")
    assert b.status == "untested" and b.n is None


def test_zero_shot_measured_once_pairs_with_every_seed():
    """A sweep may hold zero-shot for one seed only: its accuracy does not depend on the seed."""
    results = table("finetune", {2: [0.80, 0.82, 0.81]}, zero=0.7, zero_seeds=[0])
    b = beats_zero(results, "finetune")
    assert b.status == "beats" and b.n == 2 and b.pairs == 3


def test_zero_shot_that_varies_by_seed_is_paired_seed_by_seed():
    zero = [0.70, 0.80, 0.90, 0.75, 0.85]
    rows = [("transfer", 4, s, a) for s, a in enumerate([0.72, 0.81, 0.93, 0.77, 0.87])]
    rows += [("zero_shot", 0, s, a) for s, a in enumerate(zero)]
    results = pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])
    b = beats_zero(results, "transfer")
    # 1 to 3 points ahead on every seed: paired, that is clear (unpaired it would be noise)
    assert b.status == "beats" and b.p == pytest.approx(
        stats.ttest_rel([0.72, 0.81, 0.93, 0.77, 0.87], zero).pvalue)
    assert stats.ttest_ind([0.72, 0.81, 0.93, 0.77, 0.87], zero).pvalue > 0.5


def test_the_same_lead_on_every_seed_is_untestable_never_beats():
    """Issue 27: no spread is not evidence (the old code gave p = 0 and said "beats")."""
    rows = [("transfer", 4, s, a) for s, a in enumerate([0.71, 0.81, 0.91])]
    rows += [("zero_shot", 0, s, a) for s, a in enumerate([0.70, 0.80, 0.90])]
    results = pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])
    b = beats_zero(results, "transfer")
    assert b.status == "untestable" and b.n is None and b.p is None
    same = beats_zero(table("finetune", {2: [0.75, 0.75, 0.75, 0.75, 0.75]}, zero=0.7), "finetune")
    assert same.status == "untestable"


def test_sizes_are_tested_from_the_largest_down_and_a_lucky_middle_size_is_not_claimed():
    results = table("transfer", {2: [0.78, 0.80, 0.77, 0.81, 0.79],     # clearly ahead on its own...
                                 4: [0.55, 0.95, 0.60, 0.90, 0.62],     # ...but 4 is not
                                 8: [0.85, 0.86, 0.84, 0.87, 0.85]})
    b = beats_zero(results, "transfer")
    assert b.status == "beats" and b.n == 8  # the run from the top stops at 4


def test_without_zero_shot_or_the_way_it_refuses():
    results = table("transfer", {4: [0.8, 0.9]})
    with pytest.raises(ValueError, match="no zero_shot results"):
        beats_zero(results[results.method != "zero_shot"], "transfer")
    with pytest.raises(ValueError, match="no scratch results"):
        beats_zero(results, "scratch")
