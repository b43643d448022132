"""Reading learning curves and depth profiles: numbers only (ui/words.py writes the sentences).

"Transfer with N examples per class matches scratch with about k x N": take transfer's mean
accuracy at N, and find where scratch's mean curve first reaches it, interpolating linearly in
log(examples) between the measured sizes (the sizes double, so that is where the curve is
straightest). Scratch may never reach it in the measured range, or may reach it with fewer.

That factor is read off two means, and means over a few seeds move. So it comes with a
bootstrap interval over seeds (`factor_interval`), and with a paired t-test over the seeds of
the two ways' accuracies at N (a seed draws the same labeled examples for both ways, so their
accuracies come in pairs); the words claim the factor only when that gap is more than chance.
The depth profile's cuts are compared with the last stage the same way, Holm-corrected for the
number of cuts (`compare_depths`). This module is the one place that computes these numbers:
the learning-curves page, the image pages and the presenter all call it.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats


def summarise(results: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean test accuracy per method and size with a `level` t-interval over seeds.

    Returns columns method, n_per_class, mean, low, high, seeds. With one seed there is no
    spread to estimate, so low = high = mean (and `seeds` says 1).
    """
    rows = []
    for (method, n), acc in results.groupby(["method", "n_per_class"], sort=True)["test_accuracy"]:
        k, mean = len(acc), float(acc.mean())
        half = float(stats.t.ppf(0.5 + level / 2, k - 1) * acc.std(ddof=1) / np.sqrt(k)) if k > 1 else 0.0
        rows.append((method, int(n), mean, max(mean - half, 0.0), min(mean + half, 1.0), k))
    return pd.DataFrame(rows, columns=["method", "n_per_class", "mean", "low", "high", "seeds"])


def summarise_depth(profile: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """lib.comparisons.depth_profile's rows -> mean and t-interval over seeds per cut and weights.

    Columns cut, depth, feature_dim, weights ("pretrained" / "random (control)"), mean, low,
    high, seeds: the same interval as the learning curves (summarise).
    """
    frame = profile.assign(method=np.where(profile["pretrained"], "pretrained", "random (control)"),
                           n_per_class=profile["depth"])
    out = summarise(frame, level).rename(columns={"method": "weights", "n_per_class": "depth"})
    names = profile.drop_duplicates("depth").set_index("depth")
    return out.assign(cut=out["depth"].map(names["cut"]), feature_dim=out["depth"].map(names["feature_dim"]))


def first_reach(sizes, accuracies, target: float):
    """Smallest size at which the curve reaches `target`, interpolated in log(size).

    Returns (size, status): status "reaches", "before_range" (already at the first size, so
    the true answer is that size or fewer) or "never" (size is None).
    """
    sizes, acc = np.asarray(sizes, float), np.asarray(accuracies, float)
    order = np.argsort(sizes)
    sizes, acc = sizes[order], acc[order]
    above = np.flatnonzero(acc >= target)
    if len(above) == 0:
        return None, "never"
    i = int(above[0])
    if i == 0:
        return float(sizes[0]), "before_range"
    x0, x1 = np.log(sizes[i - 1]), np.log(sizes[i])
    share = (target - acc[i - 1]) / (acc[i] - acc[i - 1])  # acc[i-1] < target <= acc[i]
    return float(np.exp(x0 + share * (x1 - x0))), "reaches"


SIGNIFICANT = 0.05  # below this p-value a gap is called more than chance, everywhere in the app
LEVEL = 0.95        # the factor's bootstrap interval
RESAMPLES = 9999    # scipy.stats.bootstrap's default: enough for a 95 % percentile interval
RESAMPLE_SEED = 0   # fixed, so the same results always give the same interval and words


@dataclass
class Equivalence:
    n: int                  # transfer's labeled examples per class
    accuracy: float         # transfer's mean test accuracy there
    matched_at: float | None  # scratch's examples per class for the same accuracy (None: never)
    status: str             # "reaches", "before_range" or "never"
    best: float             # scratch's best mean accuracy in the range...
    best_at: int            # ...and where
    behind_accuracy: float | None = None  # scratch's mean test accuracy at n (None: not measured)
    p: float | None = None  # paired t-test over seeds at n (None: no per-seed results, 1 seed, or
                            # no spread in the differences: see `untestable`)
    pairs: int = 0          # how many seeds measured both ways at n
    smallest: int = 0       # scratch's smallest and largest size measured: the factor's range
    largest: int = 0
    low: float | None = None   # LEVEL bootstrap interval of the factor over seeds (None: < 2 seeds
    high: float | None = None  # with both curves; inf: past the sizes measured): `factor_interval`
    seeds: int = 0          # seeds the interval resampled

    @property
    def factor(self) -> float | None:
        return None if self.matched_at is None else self.matched_at / self.n

    @property
    def clear(self) -> bool:
        """The gap at n is more than chance (False when untested)."""
        return self.p is not None and self.p < SIGNIFICANT

    @property
    def untestable(self) -> bool:
        """Seeds measured both ways, but every seed shows the same difference: a t-test has no
        spread to weigh the gap against, so there is no p-value (never p = 0)."""
        return self.pairs >= 2 and self.p is None

    @property
    def beyond(self) -> bool:
        """The interval's top lies past the largest size scratch was measured at (it is inf)."""
        return self.high is not None and np.isinf(self.high)

    @property
    def below(self) -> bool:
        """The interval's bottom is the smallest size measured (the truth may be fewer)."""
        return self.low is not None and self.low * self.n <= self.smallest * (1 + 1e-9)


def paired_gap(results: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch"):
    """(pairs, p): seeds that measured both ways at `n`, and the two-sided p-value of a paired
    t-test on their accuracies. p is None with fewer than 2 pairs, and when every pair differs
    by the same amount: t is then undefined (no spread), so the gap is untestable, not p = 0."""
    at = results[results.n_per_class == n].pivot_table(index="seed", columns="method",
                                                       values="test_accuracy")
    if not {ahead, behind} <= set(at.columns):
        return 0, None
    pairs = at[[ahead, behind]].dropna().astype(float)  # a concat with an empty frame gives objects
    if len(pairs) < 2:
        return len(pairs), None
    diff = pairs[ahead] - pairs[behind]
    if np.allclose(diff, diff.iloc[0]):
        return len(pairs), None
    return len(pairs), float(stats.ttest_rel(pairs[ahead], pairs[behind]).pvalue)


def _log_reach(curves: np.ndarray, targets: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """`first_reach` for many curves at once (rows of `curves`, each with its target), in log
    size. A curve reaching its target at the first size gets that size (the truth may be fewer);
    one never reaching it gets one doubling past the largest size, a stand-in for "beyond"."""
    logs = np.log(sizes)
    above = curves >= targets[:, None]
    i = above.argmax(axis=1)
    rows = np.arange(len(curves))
    prev = np.maximum(i - 1, 0)
    lo, hi = curves[rows, prev], curves[rows, i]
    share = np.where(i > 0, (targets - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    out = logs[prev] + share * (logs[i] - logs[prev])
    return np.where(above.any(axis=1), out, logs[-1] + np.log(2.0))


def factor_interval(results: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch",
                    level: float = LEVEL):
    """(low, high, seeds): a percentile bootstrap interval over seeds of the factor `equivalence`
    reads off the mean curves (None, None, seeds with fewer than 2 seeds).

    A seed is one labeled draw shared by both ways, so a resample draws whole seeds with
    replacement, each with its pair of curves (`ahead` at n, `behind` at every size), averages
    them, and reads the factor again. scipy.stats.bootstrap, RESAMPLES resamples from a fixed
    seed: the same results give the same interval. Only seeds that measured `ahead` at n take
    part, and only the sizes all of them measured for `behind`. Where a resample's scratch curve
    never reaches the target, its factor is a stand-in past the largest size, and a bound that
    falls among those is returned as infinity: beyond what was measured, by how much unknown."""
    a = results[(results.method == ahead) & (results.n_per_class == n)].groupby("seed")["test_accuracy"].mean()
    b = results[results.method == behind].pivot_table(index="seed", columns="n_per_class",
                                                      values="test_accuracy")
    seeds = sorted(set(a.index) & set(b.index))
    b = b.loc[seeds].dropna(axis=1)
    if len(seeds) < 2 or b.shape[1] == 0:
        return None, None, len(seeds)
    targets, curves = a.loc[seeds].to_numpy(float), b.to_numpy(float)
    sizes = b.columns.to_numpy(float)

    def log_factor(idx, axis=-1):  # idx: resampled seed positions, (..., seeds)
        shape = idx.shape[:-1]
        idx = idx.reshape(-1, idx.shape[-1])
        found = _log_reach(curves[idx].mean(axis=1), targets[idx].mean(axis=1), sizes)
        return (found - np.log(n)).reshape(shape)

    ci = stats.bootstrap((np.arange(len(seeds)),), log_factor, vectorized=True, n_resamples=RESAMPLES,
                         confidence_level=level, method="percentile",
                         rng=np.random.default_rng(RESAMPLE_SEED)).confidence_interval
    # a bound among the stand-ins past the largest size is "beyond the sizes measured": infinity
    beyond = lambda log_k: np.inf if log_k > np.log(sizes[-1] / n) + 1e-9 else float(np.exp(log_k))
    return beyond(ci.low), beyond(ci.high), len(seeds)


def equivalence(summary: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch",
                results: pd.DataFrame | None = None) -> Equivalence:
    """How many examples `behind` needs to match what `ahead` scores with `n` per class. Pass the
    per-seed `results` (run_sweep's table) to test whether the two differ at n by more than
    chance, and for the factor's bootstrap interval over seeds (`factor_interval`)."""
    a = summary[summary.method == ahead].set_index("n_per_class")["mean"]
    b = summary[summary.method == behind].sort_values("n_per_class")
    if n not in a.index:
        raise ValueError(f"no {ahead} result at {n} examples per class; measured: {list(a.index)}")
    if b.empty:
        raise ValueError(f"no {behind} results to compare with")
    matched, status = first_reach(b.n_per_class, b["mean"], float(a[n]))
    top = b.loc[b["mean"].idxmax()]
    here = b.set_index("n_per_class")["mean"]
    pairs, p = paired_gap(results, n, ahead, behind) if results is not None else (0, None)
    low, high, seeds = factor_interval(results, n, ahead, behind) if results is not None else (None, None, 0)
    return Equivalence(int(n), float(a[n]), matched, status, float(top["mean"]), int(top.n_per_class),
                       float(here[n]) if n in here.index else None, p, pairs,
                       int(b.n_per_class.min()), int(b.n_per_class.max()), low, high, seeds)


def equivalence_table(summary: pd.DataFrame, ahead: str = "transfer", behind: str = "scratch",
                      results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The equivalence at every measured size, for the page's table (with `results`, the paired
    test's p-value and the factor's bootstrap interval at each size too). The gap is "untested"
    with one seed, "untestable" when every seed shows the same difference."""
    rows = []
    for n in sorted(summary[summary.method == ahead].n_per_class):
        eq = equivalence(summary, int(n), ahead, behind, results)
        gap = ("untestable" if eq.untestable else "untested" if eq.p is None
               else "more than chance" if eq.clear else "could be chance")
        rows.append((eq.n, eq.accuracy, eq.matched_at, eq.factor, eq.low, eq.high, eq.status, gap, eq.p))
    return pd.DataFrame(rows, columns=["n_per_class", f"{ahead}_accuracy", f"{behind}_needs",
                                       "factor", "factor_low", "factor_high", "status", "gap", "p"])


def _paired(a: pd.Series, b: pd.Series, no_spread=None):
    """(mean of a - b, two-sided p of a paired t-test over seeds; None with < 2 pairs). When
    every pair differs by the same amount t is undefined: p is None (untestable) unless the
    caller passes `no_spread(diff)` for its own rule (beats_zero keeps its old one)."""
    pairs = pd.concat([a, b], axis=1).dropna()
    if len(pairs) < 2:
        return float((pairs.iloc[:, 0] - pairs.iloc[:, 1]).mean()) if len(pairs) else 0.0, None
    diff = pairs.iloc[:, 0] - pairs.iloc[:, 1]
    if np.allclose(diff, diff.iloc[0]):
        return float(diff.iloc[0]), (None if no_spread is None else no_spread(float(diff.iloc[0])))
    return float(diff.mean()), float(stats.ttest_rel(pairs.iloc[:, 0], pairs.iloc[:, 1]).pvalue)


def holm(pvalues, m: int | None = None) -> list:
    """Holm's step-down adjustment (Holm 1979) of p-values from `m` tests (default: as many as
    given): the i-th smallest times (m - i + 1), made non-decreasing in that order, at most 1.
    A None (a test that could not be run) stays None but still counts in m, which only makes
    the others more cautious."""
    m = len(pvalues) if m is None else m
    ranked = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    out, running = [None] * len(pvalues), 0.0
    for rank, (p, i) in enumerate(ranked):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


@dataclass
class CutTest:
    """One cut of the depth profile against the last stage, over the seeds (pretrained weights)."""
    cut: str
    mean: float             # mean test accuracy after this cut
    diff: float             # mean over seeds of (this cut - the last stage)
    p: float | None         # paired t-test over seeds (None: one seed, or no spread)
    p_holm: float | None    # Holm-adjusted over every cut compared with the last

    @property
    def ahead(self) -> bool:
        return self.diff > 0 and self.p_holm is not None and self.p_holm < SIGNIFICANT


@dataclass
class DepthComparison:
    """What a depth profile shows on its test set, as numbers: each cut against the last stage
    (Holm-corrected for the number of cuts), and pretrained against random weights per cut."""
    n_per_class: int
    seeds: int              # seeds with the pretrained profile
    last: str               # the last stage: the features the network's own classifier reads
    last_mean: float
    cuts: list              # CutTest for every other cut, shallow to deep
    top: str                # the cut with the highest mean (a reading of the means, not a claim)
    top_mean: float
    control: dict = field(default_factory=dict)  # cut -> (pretrained - random, p, pairs)

    @property
    def ahead(self) -> list:
        """Cuts ahead of the last stage by more than chance after Holm, highest mean first."""
        return sorted((c for c in self.cuts if c.ahead), key=lambda c: -c.mean)

    @property
    def best(self) -> str | None:
        """The cut a reading may call better than the last stage (None: no cut is, clearly)."""
        return self.ahead[0].cut if self.ahead else None


def compare_depths(profile: pd.DataFrame, n_per_class: int) -> DepthComparison:
    """lib.comparisons.depth_profile's rows -> each cut against the last stage on the test set.

    Paired t-tests over seeds (each seed draws the same labeled examples for every cut), one per
    cut other than the last, Holm-adjusted over all of them: picking the best of 8 cuts by their
    test means and then testing it alone would give chance 7 tries. Where the random control was
    measured, pretrained against random weights at each cut too (each a test on its own)."""
    pre = profile[profile.pretrained].pivot_table(index="seed", columns="cut", values="test_accuracy")
    order = list(profile[profile.pretrained].sort_values("depth")["cut"].drop_duplicates())
    if not order:
        raise ValueError("the depth profile has no pretrained rows")
    means, last = pre.mean()[order], order[-1]
    tested = [(c, *_paired(pre[c], pre[last])) for c in order[:-1]]
    adjusted = holm([p for _, _, p in tested])
    cuts = [CutTest(c, float(means[c]), d, p, q) for (c, d, p), q in zip(tested, adjusted)]
    control = {}
    if (~profile.pretrained).any():
        rnd = profile[~profile.pretrained].pivot_table(index="seed", columns="cut", values="test_accuracy")
        for c in order:
            if c in rnd.columns:
                pairs = int(pd.concat([pre[c], rnd[c]], axis=1).dropna().shape[0])
                control[c] = (*_paired(pre[c], rnd[c]), pairs)
    top = str(means.idxmax())
    return DepthComparison(int(n_per_class), int(len(pre)), last, float(means[last]), cuts, top,
                           float(means[top]), control)


ZERO_SHOT = "zero_shot"  # the way with no labeled example (lib.image.zero_shot, lib.text.zero_shot)


@dataclass
class BeatsZero:
    method: str             # the trained way
    n: int | None           # smallest measured size at which it beats zero-shot (None: none did)
    zero: float             # zero-shot's test accuracy (the same for every seed: nothing is drawn)
    accuracy: float | None  # the trained way's mean test accuracy at n (None when n is None)
    p: float | None         # paired t-test over seeds at n (None when n is None)
    pairs: int              # seeds measured at n (or, when n is None, at the largest size)
    status: str             # "beats", "never" (tested, never ahead by more than chance), "untested"
    best: float             # the trained way's best mean accuracy over the sizes...
    best_at: int            # ...and where


def beats_zero(results: pd.DataFrame, method: str, zero: str = ZERO_SHOT) -> BeatsZero:
    """The smallest measured size at which `method` beats the zero-shot run over the seeds.

    `results` is run_sweep's table (method, n_per_class, seed, test_accuracy), with the zero-shot
    run's rows (any size, usually 0). At each size the trained way's accuracies over the seeds are
    paired with zero-shot's on the same seed and the same test set (zero-shot draws nothing and
    trains nothing, so its accuracy is one number, whichever seed: then the paired t-test is a
    one-sample test of the trained way against it). It beats zero-shot at a size where its mean
    is higher and the two-sided p-value is below SIGNIFICANT. Each size is tested on its own, at
    that level; testing several sizes gives chance several tries, so the first size is a reading
    of these curves, not a threshold that holds for other seeds. Raises ValueError without
    zero-shot or `method` results."""
    z = results[results.method == zero]
    if z.empty:
        raise ValueError(f"no {zero} results to compare with")
    mine = results[(results.method == method) & (results.n_per_class > 0)]
    if mine.empty:
        raise ValueError(f"no {method} results at one or more labeled examples per class")
    zero_by_seed = z.groupby("seed")["test_accuracy"].mean().astype(float)
    constant = bool(np.allclose(zero_by_seed, zero_by_seed.iloc[0]))
    means = mine.groupby("n_per_class")["test_accuracy"].mean()
    best_at = int(means.idxmax())
    tested, pairs = False, 0
    for n, rows in mine.groupby("n_per_class", sort=True):
        a = rows.groupby("seed")["test_accuracy"].mean().astype(float)
        b = (pd.Series(float(zero_by_seed.iloc[0]), index=a.index) if constant
             else zero_by_seed.reindex(a.index))
        # its old rule for seeds that all differ alike (issue 20's "untestable" is the factor's so far)
        diff, p = _paired(a, b, no_spread=lambda d: 1.0 if np.isclose(d, 0) else 0.0)
        pairs = int(pd.concat([a, b], axis=1).dropna().shape[0])
        tested = tested or p is not None
        if p is not None and diff > 0 and p < SIGNIFICANT:
            return BeatsZero(method, int(n), float(zero_by_seed.mean()), float(a.mean()), p, pairs,
                             "beats", float(means.max()), best_at)
    return BeatsZero(method, None, float(zero_by_seed.mean()), None, None, pairs,
                     "never" if tested else "untested", float(means.max()), best_at)
