"""The app's statistics against reference values, not ranges: Wilson intervals against Newcombe's
published examples and the closed form, McNemar's exact test against the binomial sum written
out, and the "clearly ahead" threshold on each side of p = 0.05 (tests/test_words.py: the verdict's
words)."""
from math import comb, sqrt
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.stats import norm

from lib.runs import accuracy_interval, clearly_ahead, paired_difference

# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
# methods", Statistics in Medicine 17:857-872: the worked examples, method 3 (Wilson score, no
# continuity correction): successes, trials, lower, upper, to 4 decimals.
NEWCOMBE = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718)]
# R's prop.test(x, n, conf.level, correct = FALSE), as recorded in the test snapshots of the
# insightsengineering/cards package (tests/testthat/_snaps/proportion_ci.md), 7 decimals.
R_PROP_TEST = [(32, 32, 0.95, 0.8928208, 1.0), (0, 32, 0.95, 0.0, 0.1071792),
               (5, 10, 0.90, 0.2692718, 0.7307282)]


@pytest.mark.parametrize("k, n, low, high", NEWCOMBE)
def test_wilson_interval_matches_newcombes_worked_examples(k, n, low, high):
    got = accuracy_interval(k, n)
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


@pytest.mark.parametrize("k, n, level, low, high", R_PROP_TEST)
def test_wilson_interval_matches_rs_prop_test(k, n, level, low, high):
    got = accuracy_interval(k, n, level=level)
    assert (round(got[0], 7), round(got[1], 7)) == (low, high)


def _wilson(k, n, level=0.95):
    """The Wilson score interval, written out (Wilson 1927)."""
    z, p = norm.ppf(0.5 + level / 2), k / n
    centre, half = p + z * z / (2 * n), z * sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.mark.parametrize("k, n", [(0, 1), (2, 2), (7, 10), (200, 400), (399, 400), (57, 96)])
def test_wilson_interval_is_the_closed_form(k, n):
    assert accuracy_interval(k, n) == pytest.approx(_wilson(k, n), abs=1e-12)
    assert accuracy_interval(k, n, level=0.9) == pytest.approx(_wilson(k, n, 0.9), abs=1e-12)


def _mcnemar_exact(b, c):
    """Two-sided exact McNemar: twice the smaller binomial tail of b + c fair coin flips, at most 1."""
    n = b + c
    return min(1.0, 2 * sum(comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n)


def _pair(only_a, only_b, both_right, both_wrong):
    """Two runs on the same test set (true label 1 everywhere) with these agreement counts."""
    a = np.r_[np.ones(only_a), np.zeros(only_b), np.ones(both_right), np.zeros(both_wrong)]
    b = np.r_[np.zeros(only_a), np.ones(only_b), np.ones(both_right), np.zeros(both_wrong)]
    y = np.ones(len(a), int)
    run = lambda name, right: SimpleNamespace(label=name, test_pred=right.astype(int),
                                              test_accuracy=right.mean(), n_test=len(right))
    return run("way A", a), run("way B", b), y


@pytest.mark.parametrize("only_a, only_b, both_right, both_wrong",
                         [(1, 9, 30, 5), (0, 6, 10, 0), (0, 5, 10, 0), (7, 7, 3, 3), (12, 3, 50, 10),
                          (40, 25, 300, 35)])
def test_mcnemar_p_is_the_binomial_sum_over_the_disagreements(only_a, only_b, both_right, both_wrong):
    a, b, y = _pair(only_a, only_b, both_right, both_wrong)
    diff, p = paired_difference(a, b, y)
    assert diff == pytest.approx((only_a - only_b) / len(y))
    assert p == pytest.approx(_mcnemar_exact(only_a, only_b), rel=1e-12)


def test_mcnemar_exact_values():
    assert paired_difference(*_pair(1, 9, 30, 5))[1] == pytest.approx(22 / 1024, rel=1e-12)
    assert paired_difference(*_pair(0, 5, 10, 0))[1] == pytest.approx(1 / 16, rel=1e-12)
    assert paired_difference(*_pair(0, 6, 10, 0))[1] == pytest.approx(1 / 32, rel=1e-12)
    assert paired_difference(*_pair(0, 0, 10, 3))[1] == 1.0  # no disagreement, no evidence


def _comparison(a, b, y):
    return SimpleNamespace(runs={"transfer": a, "scratch": b}, test_labels=y, n_per_class=4)


def test_clearly_ahead_is_the_verdicts_threshold_not_a_margin_in_points():
    # the sentiment page's "why doesn't it win clearly" box used "within 2 points"; now the test decides
    assert clearly_ahead(_comparison(*_pair(6, 0, 10, 0)))        # 6 to 0: p = 1/32
    assert not clearly_ahead(_comparison(*_pair(5, 0, 10, 0)))    # 5 to 0: p = 1/16, could be chance
    assert not clearly_ahead(_comparison(*_pair(0, 6, 10, 0)))    # clearly behind is not ahead
    assert clearly_ahead(_comparison(*_pair(40, 20, 300, 40)))    # 5 points on 400: p = 0.014
    assert not clearly_ahead(_comparison(*_pair(25, 17, 300, 58)))  # 2 points on 400: p = 0.28
