"""Every test behind a verdict the app words, in one place, each with what it assumes (issue 27).

The pages (through ui/words.py) call these and nothing else to decide whether a gap is "more than
chance", "could be chance" or "cannot be tested with these draws". Numbers only, no words. Each
procedure's error rate and coverage are checked by simulation in tests/test_stats.py and printed
by benchmarks/verdict_simulation.py (docs/FINDINGS.md, "Verdicts a statistician would sign").

- `mcnemar`: two ways on one draw, on the same test examples.
- `paired_t`: two ways over seeds (draws), paired by seed.
- `holm`: Holm's step-down adjustment of a family of p-values.
- `all_pairs`: every pair of ways over the draws, Holm over all of them: what the first sentence
  ("its lead over X is more than the luck of the draw") may claim about its leader.
- `factor_interval`: the "needs k x as many" factor's confidence interval, by inverting the paired
  t-test (no bootstrap: five seeds are too few for a percentile bootstrap to cover).
- `first_clear`: the smallest size from which a curve beats a fixed accuracy ("beats zero labels").

"No spread is not evidence": where every pair differs by the same amount a t statistic is 0/0;
these functions then return p = None (untestable), never p = 0, and no caller calls it a gap.
"""
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy import special, stats

SIGNIFICANT = 0.05  # below this p-value a gap is called more than chance, everywhere in the app
LEVEL = 1 - SIGNIFICANT  # the factor's confidence level: the same test, inverted


def mcnemar(only_a: int, only_b: int) -> float:
    """Two-sided p of McNemar's exact test from the discordant counts: test examples only way a
    got right, and only way b. Assumes the test examples are independent draws and both ways were
    trained without seeing them; under "equally good" each discordant example is a fair coin, so
    the p-value is the exact binomial one (no normal approximation, right for small counts).
    Nothing discordant: the two ways made the same calls, so there is no evidence of a gap (p = 1).
    What it does not cover: another labeled draw or other starting weights (see `paired_t`)."""
    only_a, only_b = int(only_a), int(only_b)
    if only_a < 0 or only_b < 0:
        raise ValueError(f"counts must be at least 0, got {only_a} and {only_b}")
    if only_a + only_b == 0:
        return 1.0
    return float(stats.binomtest(only_a, only_a + only_b).pvalue)


@dataclass(frozen=True)
class PairedT:
    diff: float          # mean over the pairs of a - b (0.0 with no pair)
    p: float | None      # two-sided p; None: fewer than 2 pairs, or no spread (untestable)
    pairs: int

    @property
    def untestable(self) -> bool:
        """At least 2 pairs, all differing by the same amount: t is 0/0, there is no p."""
        return self.pairs >= 2 and self.p is None

    def clear(self, alpha: float = SIGNIFICANT) -> bool:
        return self.p is not None and self.p < alpha


def paired_t(a, b) -> PairedT:
    """Paired t-test of a against b, one pair per seed (pandas Series are aligned on their index
    and pairs with a missing side dropped; arrays must be the same length, in seed order).

    Assumes the seeds are independent draws (of labeled examples and starting weights) and that
    the per-seed differences are roughly normal: with 5 seeds nothing can check that, and a heavy
    tail makes the test less exact. b may be a constant (zero-shot's accuracy): then it is the
    one-sample test of a against it. Fewer than 2 pairs, or the same difference on every pair:
    p = None (untestable), never p = 0."""
    a, b = _aligned(a, b)
    if len(a) == 0:
        return PairedT(0.0, None, 0)
    d = a - b
    if len(d) < 2 or np.allclose(d, d[0], rtol=0, atol=1e-12):
        return PairedT(float(d.mean()), None, len(d))
    # scipy.stats.ttest_1samp's p, computed directly: the simulations call this a hundred thousand times
    t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
    return PairedT(float(d.mean()), float(2 * special.stdtr(len(d) - 1, -abs(t))), len(d))


def _aligned(a, b):
    import pandas as pd
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        pairs = pd.concat([a, b], axis=1).dropna().astype(float)
        return pairs.iloc[:, 0].to_numpy(), pairs.iloc[:, 1].to_numpy()
    a = np.asarray(a, float)
    b = np.broadcast_to(np.asarray(b, float), a.shape)
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def holm(pvalues, m: int | None = None) -> list:
    """Holm's step-down adjustment (Holm 1979) of p-values from `m` tests (default: as many as
    given): the i-th smallest times (m - i + 1), made non-decreasing in that order, at most 1.
    Controls the family-wise error (the chance of calling any true null a gap) at the level
    whatever the dependence between the tests; assumes each p-value is valid on its own. A None
    (a test that could not be run) stays None but still counts in m, which only makes the others
    more cautious."""
    m = len(pvalues) if m is None else m
    ranked = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    out, running = [None] * len(pvalues), 0.0
    for rank, (p, i) in enumerate(ranked):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


@dataclass(frozen=True)
class PairTest:
    diff: float          # mean over the draws of (first way - second way)
    p: float | None      # paired t-test on its own (None: untestable)
    p_holm: float | None  # Holm-adjusted over every pair of ways (None: untestable)


def all_pairs(accuracies) -> dict:
    """accuracies: draws x ways (one row per draw, every way on the same labeled draw) ->
    {(i, j): PairTest of way i against way j} for every i < j, Holm-adjusted over all k(k-1)/2
    pairs.

    Why every pair, when the first sentence only claims the leader's lead: the leader is the way
    with the highest mean on these same draws, so its k-1 comparisons are the ones chance made
    largest. Holm over just those k-1 does not hold its level (simulated with 4 equal ways and 5
    draws: 7.0 % of rooms hear a false "more than luck", benchmarks/verdict_simulation.py), and
    without any correction 18.6 %. Holm over every pair does, whichever way is picked as leader:
    each claim "the leader beats X" is one of these pairs' hypotheses, and Holm keeps the chance of
    any false claim among all of them at most SIGNIFICANT under any dependence (3.5 % simulated).
    Considered and not used: sign flips of whole draws (valid for any covariance between the
    ways, but 5 draws give 32 sign patterns, of which the observed and its mirror tie, so no p can
    go below 2/32 = 0.0625: it never calls anything); permuting the ways within a draw (needs the
    ways interchangeable under the null, which they are not: scratch spreads two to three times
    more than the others over draws). The price is power: with a true 5-point lead (sd 3 points)
    the sentence finds it in about 37 % of rooms, not 80 %: five draws are few.
    Assumes what `paired_t` assumes, for each pair."""
    acc = np.asarray(accuracies, float)
    if acc.ndim != 2:
        raise ValueError(f"accuracies must be draws x ways, got shape {acc.shape}")
    pairs = list(combinations(range(acc.shape[1]), 2))
    tests = [paired_t(acc[:, i], acc[:, j]) for i, j in pairs]
    adjusted = holm([t.p for t in tests])
    return {ij: PairTest(t.diff, t.p, q) for ij, t, q in zip(pairs, tests, adjusted)}


def interpolate_log(sizes, curves, at) -> np.ndarray:
    """Each row of `curves` (accuracy at `sizes`) read at `at` (sizes), linear in log size between
    measured sizes: the reading `lib.curves.first_reach` uses. Linear in the accuracies, so the
    mean of the seeds' readings is the reading of their mean curve."""
    logs, x = np.log(np.asarray(sizes, float)), np.log(np.asarray(at, float))
    return np.array([np.interp(x, logs, row) for row in np.atleast_2d(np.asarray(curves, float))])


def factor_interval(targets, curves, sizes, n: float, level: float = LEVEL, grid: int = 400):
    """(low, high) of a `level` confidence interval for the factor k in "the `behind` way needs k
    times as many examples as `ahead` with n" (None, None with fewer than 2 seeds).

    targets: each seed's accuracy of `ahead` at n; curves: seeds x sizes, each seed's accuracy of
    `behind` at the sorted `sizes`. The factor the page quotes is where the mean `behind` curve,
    interpolated linearly in log size, first reaches the mean target. The interval is the test
    inverted: every k in the measured range at which the paired t-test over the seeds cannot tell
    `behind` at k*n (each seed's curve interpolated the same way) from `ahead` at n, at 1 - level.
    Because the interpolation is linear in the accuracies, at the true factor the seeds'
    differences have mean exactly 0, so the true factor is rejected with probability 1 - level
    (under `paired_t`'s assumptions): coverage is the test's, not an asymptotic promise. The
    accepted k need not be one stretch (a curve can dip); the interval spans them all, which only
    widens it. A bound at the largest size measured is returned as inf ("beyond the sizes
    measured"), one at the smallest as that size's factor (the caller says "or fewer"); nothing
    accepted means every k in range was rejected: (inf, inf) when `behind` stays below, (low, low)
    at the smallest factor when it is above everywhere. A grid of untestable differences (no
    spread anywhere) gives (None, None): these seeds cannot give an interval.

    Why not the percentile bootstrap used before: with 5 seeds a resample holds at most 5 distinct
    values and the percentile interval is too narrow; simulated (benchmarks/verdict_simulation.py)
    it covered a known factor well below its nominal 95 %."""
    targets = np.asarray(targets, float)
    curves = np.atleast_2d(np.asarray(curves, float))
    sizes = np.asarray(sizes, float)
    if len(targets) < 2 or curves.shape[1] == 0:
        return None, None
    order = np.argsort(sizes)
    sizes, curves = sizes[order], curves[:, order]
    ks = np.unique(np.concatenate([np.geomspace(sizes[0], sizes[-1], grid), sizes])) / n
    d = targets[:, None] - interpolate_log(sizes, curves, ks * n)  # seeds x grid
    k = len(targets)
    sd = d.std(axis=0, ddof=1)
    spread = sd > 1e-12
    if not spread.any():
        return None, None
    t = np.where(spread, d.mean(axis=0) / np.where(spread, sd, 1.0) * np.sqrt(k), 0.0)
    p = 2 * stats.t.sf(np.abs(t), k - 1)
    kept = ~spread | (p >= 1 - level)  # untestable points are not rejected: no spread is no evidence
    if not kept.any():
        above = d.mean(axis=0)
        return (np.inf, np.inf) if above[-1] > 0 else (float(ks[0]), float(ks[0]))
    low, high = float(ks[kept][0]), float(ks[kept][-1])
    return low, (np.inf if kept[-1] else high)


def first_clear(diffs_by_size: dict, alpha: float = SIGNIFICANT):
    """Fixed-sequence test of "a beats b at size n" from the largest size down (Maurer, Hothorn &
    Lehmacher 1995): test the largest size at alpha; only if it is ahead there, the next smaller;
    stop at the first size that is not. Returns (n, PairedT at n, PairedT at the largest size):
    n is the smallest size of that unbroken run (None, with None, where the largest size is not
    ahead; its test then says why: could be chance, untestable, or one seed).

    diffs_by_size: size -> (a's accuracy per seed, b's per seed or one number). The chance of any
    false "beats" is at most alpha in all (no size is tested unless every larger one was ahead),
    where testing every size on its own and taking the first that passes gives chance one try per
    size. Assumes a learning curve that does not fall with more labels (what the order encodes);
    a way ahead only at some middle size is not called ahead there. Each size's test is `paired_t`:
    an untestable size (no spread) breaks the run, never counts as ahead."""
    found, at, top = None, None, None
    for n in sorted(diffs_by_size, reverse=True):
        t = paired_t(*diffs_by_size[n])
        top = t if top is None else top
        if not (t.clear(alpha) and t.diff > 0):
            break
        found, at = n, t
    return found, at, top
