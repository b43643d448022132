"""Reading learning curves and depth profiles: numbers only (ui/words.py writes the sentences).

"Transfer with N examples per class matches scratch with about k x N": take transfer's mean
accuracy at N, and find where scratch's mean curve first reaches it, interpolating linearly in
log(examples) between the measured sizes (the sizes double, so that is where the curve is
straightest). Scratch may never reach it in the measured range, or may reach it with fewer.

That factor is read off two means, and means over a few seeds move. So it comes with a
confidence interval over seeds (`factor_interval`: the paired t-test inverted, lib.stats), and
with a paired t-test over the seeds of the two ways' accuracies at N (a seed draws the same
labeled examples for both ways, so their accuracies come in pairs); the words claim the factor
only when that gap is more than chance. The depth profile's cuts are compared with the last
stage the same way, Holm-corrected for the number of cuts (`compare_depths`). This module reads
curves and profiles; every test it applies is lib.stats's (issue 27: one statistics module).
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from lib.stats import LEVEL, SIGNIFICANT, first_clear, holm, paired_t
from lib.stats import factor_interval as _factor_interval

__all__ = ["summarise", "summarise_depth", "first_reach", "equivalence", "equivalence_table",
           "factor_interval", "paired_gap", "compare_depths", "beats_zero", "holm", "Equivalence",
           "CutTest", "DepthComparison", "BeatsZero", "SIGNIFICANT", "LEVEL", "ZERO_SHOT"]


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
    low: float | None = None   # LEVEL confidence interval of the factor over seeds (None: < 2 seeds
    high: float | None = None  # with both curves, or no spread; inf: past the sizes measured)
    seeds: int = 0          # seeds the interval was computed from

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
    """(pairs, p): seeds that measured both ways at `n`, and lib.stats.paired_t's two-sided p on
    their accuracies. p is None with fewer than 2 pairs, and when every pair differs by the same
    amount: t is then undefined (no spread), so the gap is untestable, not p = 0."""
    at = results[results.n_per_class == n].pivot_table(index="seed", columns="method",
                                                       values="test_accuracy")
    if not {ahead, behind} <= set(at.columns):
        return 0, None
    t = paired_t(at[ahead], at[behind])
    return t.pairs, t.p


def factor_interval(results: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch",
                    level: float = LEVEL):
    """(low, high, seeds): lib.stats.factor_interval over the seeds of run_sweep's `results` (the
    paired t-test inverted; None, None with fewer than 2 seeds or no spread). Only seeds that
    measured `ahead` at n take part, and only the sizes all of them measured for `behind`."""
    a = results[(results.method == ahead) & (results.n_per_class == n)].groupby("seed")["test_accuracy"].mean()
    b = results[results.method == behind].pivot_table(index="seed", columns="n_per_class",
                                                      values="test_accuracy")
    seeds = sorted(set(a.index) & set(b.index))
    b = b.loc[seeds].dropna(axis=1)
    if len(seeds) < 2 or b.shape[1] == 0:
        return None, None, len(seeds)
    low, high = _factor_interval(a.loc[seeds].to_numpy(float), b.to_numpy(float),
                                 b.columns.to_numpy(float), n, level)
    return low, high, len(seeds)


def equivalence(summary: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch",
                results: pd.DataFrame | None = None) -> Equivalence:
    """How many examples `behind` needs to match what `ahead` scores with `n` per class. Pass the
    per-seed `results` (run_sweep's table) to test whether the two differ at n by more than
    chance, and for the factor's confidence interval over seeds (`factor_interval`)."""
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
    test's p-value and the factor's confidence interval at each size too). The gap is "untested"
    with one seed, "untestable" when every seed shows the same difference."""
    rows = []
    for n in sorted(summary[summary.method == ahead].n_per_class):
        eq = equivalence(summary, int(n), ahead, behind, results)
        gap = ("untestable" if eq.untestable else "untested" if eq.p is None
               else "more than chance" if eq.clear else "could be chance")
        rows.append((eq.n, eq.accuracy, eq.matched_at, eq.factor, eq.low, eq.high, eq.status, gap, eq.p))
    return pd.DataFrame(rows, columns=["n_per_class", f"{ahead}_accuracy", f"{behind}_needs",
                                       "factor", "factor_low", "factor_high", "status", "gap", "p"])


def _paired(a: pd.Series, b: pd.Series):
    """(mean of a - b, lib.stats.paired_t's p: None with < 2 pairs or no spread)."""
    t = paired_t(a, b)
    return t.diff, t.p


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
    n: int | None           # smallest size of the run of sizes, from the largest down, at which it
                            # beats zero-shot (None: the largest size does not)
    zero: float             # zero-shot's test accuracy (the same for every seed: nothing is drawn)
    accuracy: float | None  # the trained way's mean test accuracy at n (None when n is None)
    p: float | None         # paired t-test over seeds at n (None when n is None)
    pairs: int              # seeds measured at n (or, when n is None, at the largest size)
    status: str             # "beats"; "never" (tested at the largest size, not ahead by more than
                            # chance); "untestable" (no spread there); "untested" (one seed)
    best: float             # the trained way's best mean accuracy over the sizes...
    best_at: int            # ...and where
    largest: int = 0        # the largest size measured: where the test starts


def beats_zero(results: pd.DataFrame, method: str, zero: str = ZERO_SHOT) -> BeatsZero:
    """The smallest measured size from which `method` beats the zero-shot run over the seeds.

    `results` is run_sweep's table (method, n_per_class, seed, test_accuracy), with the zero-shot
    run's rows (any size, usually 0). At each size the trained way's accuracies over the seeds are
    paired with zero-shot's on the same seed and the same test set (zero-shot draws nothing and
    trains nothing, so its accuracy is one number, whichever seed: then the paired t-test is a
    one-sample test of the trained way against it). The sizes are tested from the largest down,
    each at SIGNIFICANT, stopping at the first not ahead (lib.stats.first_clear: a fixed sequence,
    so the chance of any false "beats" over all sizes is at most SIGNIFICANT; testing each size on
    its own and reporting the first that passed gave chance one try per size). No spread at a size
    is untestable and ends the run. Raises ValueError without zero-shot or `method` results."""
    z = results[results.method == zero]
    if z.empty:
        raise ValueError(f"no {zero} results to compare with")
    mine = results[(results.method == method) & (results.n_per_class > 0)]
    if mine.empty:
        raise ValueError(f"no {method} results at one or more labeled examples per class")
    zero_by_seed = z.groupby("seed")["test_accuracy"].mean().astype(float)
    constant = bool(np.allclose(zero_by_seed, zero_by_seed.iloc[0]))
    means = mine.groupby("n_per_class")["test_accuracy"].mean()
    best_at, largest = int(means.idxmax()), int(means.index.max())
    by_size = {}
    for n, rows in mine.groupby("n_per_class", sort=True):
        a = rows.groupby("seed")["test_accuracy"].mean().astype(float)
        b = (pd.Series(float(zero_by_seed.iloc[0]), index=a.index) if constant
             else zero_by_seed.reindex(a.index))
        by_size[int(n)] = (a, b)
    n, at, top = first_clear(by_size, SIGNIFICANT)
    if n is not None:
        return BeatsZero(method, n, float(zero_by_seed.mean()), float(by_size[n][0].mean()), at.p,
                         at.pairs, "beats", float(means.max()), best_at, largest)
    status = "untestable" if top.untestable else "untested" if top.p is None else "never"
    return BeatsZero(method, None, float(zero_by_seed.mean()), None, None, top.pairs, status,
                     float(means.max()), best_at, largest)
