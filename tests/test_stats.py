"""Every verdict's test checked by simulation (issue 27): under a true null each rejects at most
about its nominal rate, under a clear effect it finds it, and the factor's interval covers a known
factor about as often as it says. Fixed seeds, so each number below is the same on every run; the
bounds allow for simulation error (binomial standard error at the number of families simulated).

On the code before issue 27 (43b51b5) these fail where that code was wrong: the first sentence
called a gap "more than the luck of the draw" in 18.6 % of null families (its leader's gaps
tested one by one, uncorrected), beats_zero called a no-spread lead "beats" (p = 0) and tested
every size on its own (9.2 % false "beats" over four null sizes), and the factor's percentile
bootstrap covered a known factor in about 83 % of curves (benchmarks/verdict_simulation.py).
"""
import numpy as np
import pandas as pd
import pytest

from lib.curves import beats_zero
from lib.draws import over_draws
from lib.runs import Run
from lib.stats import SIGNIFICANT, all_pairs, factor_interval, first_clear, holm, mcnemar, paired_t

FAMILIES = 2000


def _limit(rate: float, n: int) -> float:
    """Nominal rate plus three binomial standard errors: what a correct test stays under."""
    return rate + 3 * np.sqrt(rate * (1 - rate) / n)


def _run(method, accuracy):
    return Run(method, method, float(accuracy), 1.0, 1, 1, None, 0.0, (0, 1), 400, np.zeros(1), np.zeros(1))


def first_sentence_families(lead: float, families: int = FAMILIES, seed: int = 0, ways: int = 4,
                            draws: int = 5):
    """The issue's simulation: each draw's accuracies 0.80 + a shared draw effect + noise, sd 3
    points each; the first way `lead` ahead. Yields lib.draws.over_draws's input per family."""
    rng = np.random.default_rng(seed)
    names = ["finetune", "scratch", "transfer", "pixels", "control"][:ways]
    mu = np.full(ways, 0.80)
    mu[0] += lead
    acc = mu + rng.normal(0, 0.03, (families, draws, 1)) + rng.normal(0, 0.03, (families, draws, ways))
    for family in acc:
        yield {s: {m: _run(m, family[s, i]) for i, m in enumerate(names)} for s in range(draws)}


def said_more_than_luck(runs_by_seed) -> bool:
    o = over_draws(runs_by_seed, 16)
    return any(g.beyond_luck for g in o.gaps.values())


# --- the first sentence over draws (lib.draws.over_draws, Holm over all pairs) -----------------

def test_the_first_sentence_under_a_true_null_says_more_than_luck_at_most_5_percent():
    rate = np.mean([said_more_than_luck(f) for f in first_sentence_families(0.0)])
    assert rate <= _limit(SIGNIFICANT, FAMILIES), rate  # the old, uncorrected sentence: 18.6 %


def test_the_first_sentence_finds_a_clear_lead():
    rate = np.mean([said_more_than_luck(f) for f in first_sentence_families(0.12, families=400, seed=1)])
    assert rate >= 0.9, rate


def test_holm_over_only_the_leaders_gaps_would_not_hold_its_level():
    """Why all pairs (lib.stats.all_pairs): the leader is the max of these same means, so Holm
    over its own k-1 comparisons lets chance through too often. The simulation shows it."""
    hits = 0
    for runs in first_sentence_families(0.0, seed=2):
        acc = np.array([[r.test_accuracy for r in runs[s].values()] for s in sorted(runs)])
        lead = int(np.argmax(acc.mean(axis=0)))
        ps = [paired_t(acc[:, lead], acc[:, j]).p for j in range(4) if j != lead]
        hits += any(q < SIGNIFICANT for q in holm(ps))
    assert hits / FAMILIES > _limit(SIGNIFICANT, FAMILIES)


# --- McNemar's exact test on paired predictions ------------------------------------------------

def _mcnemar_rate(p_a: float, p_b: float, reps: int, seed: int, n: int = 200) -> float:
    rng = np.random.default_rng(seed)
    shared = rng.random((reps, n))  # the two ways' errors are correlated through the example
    a = (shared + rng.normal(0, 0.2, (reps, n))) < p_a + 0.0
    b = (shared + rng.normal(0, 0.2, (reps, n))) < p_b + 0.0
    only_a, only_b = (a & ~b).sum(axis=1), (b & ~a).sum(axis=1)
    p = {}  # many families share their counts: each distinct pair tested once
    return float(np.mean([p.setdefault((x, y), mcnemar(x, y)) < SIGNIFICANT for x, y in zip(only_a, only_b)]))


def test_mcnemar_under_a_true_null_rejects_at_most_its_rate():
    rate = _mcnemar_rate(0.8, 0.8, FAMILIES, seed=3)
    assert rate <= _limit(SIGNIFICANT, FAMILIES), rate


def test_mcnemar_finds_a_clear_gap_on_200_examples():
    assert _mcnemar_rate(0.95, 0.8, 400, seed=4) >= 0.9


def test_mcnemar_without_discordant_examples_is_no_evidence():
    assert mcnemar(0, 0) == 1.0 and mcnemar(7, 0) == pytest.approx(2 * 0.5 ** 7)
    with pytest.raises(ValueError):
        mcnemar(-1, 3)


# --- the paired t-test, untestable without spread ----------------------------------------------

def test_no_spread_is_untestable_never_p_0():
    t = paired_t([0.71, 0.81, 0.91], [0.70, 0.80, 0.90])
    assert t.p is None and t.untestable and not t.clear() and t.diff == pytest.approx(0.01)
    assert paired_t([0.8], [0.7]).p is None and not paired_t([0.8], [0.7]).untestable  # one pair
    assert all_pairs([[0.8, 0.7], [0.9, 0.8]])[(0, 1)].p_holm is None


# --- beats zero labels (a fixed sequence from the largest size down) ----------------------------

SIZES = (1, 2, 4, 8)


def _zero_families(ahead: float, families: int, seed: int, seeds: int = 5):
    """{size: (the trained way's accuracy per seed, zero-shot's)}: `ahead` of zero-shot's 70 % at
    every size, sd 2 points over seeds (first_clear is what beats_zero applies to a sweep)."""
    rng = np.random.default_rng(seed)
    acc = 0.70 + ahead + rng.normal(0, 0.02, (families, len(SIZES), seeds))
    for family in acc:
        yield {n: (family[i], 0.70) for i, n in enumerate(SIZES)}


def _as_sweep(family) -> pd.DataFrame:
    rows = [("transfer", n, s, a) for n, (accs, _) in family.items() for s, a in enumerate(accs)]
    rows += [("zero_shot", 0, s, 0.70) for s in range(len(family[SIZES[0]][0]))]
    return pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])


def test_beats_zero_under_a_true_null_at_every_size_says_beats_at_most_its_rate():
    rate = np.mean([first_clear(f)[0] is not None for f in _zero_families(0.0, FAMILIES, seed=5)])
    assert rate <= _limit(SIGNIFICANT, FAMILIES), rate  # each size on its own: 9.2 %
    some = list(_zero_families(0.0, 40, seed=5))  # beats_zero reads a sweep the same way
    assert [beats_zero(_as_sweep(f), "transfer").n for f in some] == [first_clear(f)[0] for f in some]


def test_beats_zero_finds_a_clear_lead():
    found = [first_clear(f)[0] for f in _zero_families(0.05, 400, seed=6)]
    assert np.mean([n == 1 for n in found]) >= 0.9


def test_first_clear_stops_at_the_first_size_not_ahead():
    ahead, level = ([0.8, 0.81, 0.79, 0.8], 0.7), ([0.6, 0.8, 0.7, 0.75], 0.7)
    n, at, top = first_clear({1: ahead, 2: level, 4: ahead, 8: ahead})
    assert n == 4 and at.p < SIGNIFICANT and top.pairs == 4
    assert first_clear({1: ahead, 8: level})[0] is None


# --- the factor's interval: covers a known factor ------------------------------------------------

CURVE_SIZES = np.array([1, 2, 4, 8, 16, 32, 64, 128], float)


def _curves(families: int, seed: int, seeds: int = 5, noise: float = 0.03):
    """Scratch's true curve 0.5 + 0.06 log2(n); transfer at 8 per class scores what scratch does
    with 32: the true factor is 4. Each seed's accuracies are the truth plus noise (sd 3 points)."""
    rng = np.random.default_rng(seed)
    truth = 0.5 + 0.06 * np.log2(CURVE_SIZES)
    for _ in range(families):
        yield (0.5 + 0.06 * np.log2(32) + rng.normal(0, noise, seeds),
               truth + rng.normal(0, noise, (seeds, len(CURVE_SIZES))))


def test_the_factors_interval_covers_a_known_factor_about_95_percent_of_the_time():
    covered = [lo <= 4 <= hi for lo, hi in (factor_interval(t, c, CURVE_SIZES, 8) for t, c in _curves(1000, 7))]
    assert 0.92 <= np.mean(covered) <= 0.98, np.mean(covered)  # the old percentile bootstrap: 83.4 %


def test_the_factors_interval_narrows_with_less_noise_and_stays_in_range():
    wide = [factor_interval(t, c, CURVE_SIZES, 8) for t, c in _curves(50, 8)]
    narrow = [factor_interval(t, c, CURVE_SIZES, 8) for t, c in _curves(50, 8, noise=0.005)]
    width = lambda xs: np.median([np.log(hi / lo) for lo, hi in xs if np.isfinite(hi)])
    assert width(narrow) < width(wide) / 3
    assert all(1 / 8 <= lo <= hi <= 16 for lo, hi in narrow)
