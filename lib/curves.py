"""Reading learning curves: the mean and spread over seeds, and how much data one way saves.

"Transfer with N examples per class matches scratch with about k x N": take transfer's mean
accuracy at N, and find where scratch's mean curve first reaches it, interpolating linearly in
log(examples) between the measured sizes (the sizes double, so that is where the curve is
straightest). Scratch may never reach it in the measured range, or may reach it with fewer.

That factor is read off two means, and means over a few seeds move. So the words say it only
when the two ways' accuracies at N differ by more than chance: a paired t-test over the seeds
(a seed draws the same labeled examples for both ways, so their accuracies come in pairs).
Otherwise they say the gap could be chance. This module is the one place that computes the
factor and its words: the learning-curves page and the presenter both call it.
"""
from dataclasses import dataclass

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


@dataclass
class Equivalence:
    n: int                  # transfer's labeled examples per class
    accuracy: float         # transfer's mean test accuracy there
    matched_at: float | None  # scratch's examples per class for the same accuracy (None: never)
    status: str             # "reaches", "before_range" or "never"
    best: float             # scratch's best mean accuracy in the range...
    best_at: int            # ...and where
    behind_accuracy: float | None = None  # scratch's mean test accuracy at n (None: not measured)
    p: float | None = None  # paired t-test over seeds at n (None: no per-seed results, or 1 seed)
    pairs: int = 0          # how many seeds measured both ways at n

    @property
    def factor(self) -> float | None:
        return None if self.matched_at is None else self.matched_at / self.n

    @property
    def clear(self) -> bool:
        """The gap at n is more than chance (False when untested)."""
        return self.p is not None and self.p < SIGNIFICANT


def paired_gap(results: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch"):
    """(pairs, p): seeds that measured both ways at `n`, and the two-sided p-value of a paired
    t-test on their accuracies (None with fewer than 2 pairs; 1.0 when every pair is equal)."""
    at = results[results.n_per_class == n].pivot_table(index="seed", columns="method",
                                                       values="test_accuracy")
    if not {ahead, behind} <= set(at.columns):
        return 0, None
    pairs = at[[ahead, behind]].dropna().astype(float)  # a concat with an empty frame gives objects
    if len(pairs) < 2:
        return len(pairs), None
    diff = pairs[ahead] - pairs[behind]
    if np.allclose(diff, diff.iloc[0]):  # no spread: t is undefined; all equal means no gap at all
        return len(pairs), (1.0 if np.isclose(diff.iloc[0], 0) else 0.0)
    return len(pairs), float(stats.ttest_rel(pairs[ahead], pairs[behind]).pvalue)


def equivalence(summary: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch",
                results: pd.DataFrame | None = None) -> Equivalence:
    """How many examples `behind` needs to match what `ahead` scores with `n` per class. Pass the
    per-seed `results` (run_sweep's table) to test whether the two differ at n by more than chance."""
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
    return Equivalence(int(n), float(a[n]), matched, status, float(top["mean"]), int(top.n_per_class),
                       float(here[n]) if n in here.index else None, p, pairs)


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def headline(eq: Equivalence, ahead: str = "transfer", behind: str = "scratch") -> str:
    """The equivalence in words no stronger than the evidence, whichever way it came out: the
    factor is claimed only when the gap at n is more than chance (see `chance_note`)."""
    word = "fine-tuning" if ahead == "finetune" else ahead
    lead = f"{word.capitalize()} with {eq.n} example{'s' if eq.n != 1 else ''} per class scores {_pct(eq.accuracy)}"
    if eq.p is not None and not eq.clear:
        same = f" and {behind} {_pct(eq.behind_accuracy)} with the same amount" if eq.behind_accuracy is not None else ""
        return (f"{lead}{same}. Over {eq.pairs} seeds that gap could be chance, so these curves do "
                f"not show {word} saving labeled data at this size.")
    return lead + _factor_words(eq, word, behind) + (
        " (One seed per point: nothing here tells that gap from chance.)" if eq.pairs == 1 else "")


def _factor_words(eq: Equivalence, ahead: str, behind: str) -> str:
    if eq.status == "never":
        return (f"; {behind} never reaches that in this range (its best is {_pct(eq.best)}, "
                f"with {eq.best_at} per class).")
    if eq.status == "before_range":
        return (f"; {behind} already matches that with {eq.matched_at:.0f} per class, the "
                f"fewest measured, so {ahead} saves no labeled data here.")
    k, m = eq.factor, eq.matched_at
    if k >= 1.05:
        return f": it matches {behind} with about {k:.1f}× as many ({m:.0f} per class)."
    if k > 0.95:
        return f", and {behind} scores about the same with the same amount: no data saved."
    return (f"; {behind} matches that with about {k:.1f}× as many ({m:.0f} per class), so "
            f"{ahead} is behind here.")


def chance_note(eq: Equivalence, ahead: str = "transfer", behind: str = "scratch") -> str:
    """The test behind `headline`'s words, for a tooltip."""
    if eq.p is None:
        return (f"With {eq.pairs} seed{'s' if eq.pairs != 1 else ''} measuring both ways at {eq.n} "
                f"per class there is no spread to test the gap against.")
    return (f"Paired t-test over the {eq.pairs} seeds at {eq.n} per class ({ahead} against "
            f"{behind}, each seed's labeled draw shared by both): p = {eq.p:.2g}. Below "
            f"{SIGNIFICANT} the gap is called more than chance. The factor is read off the mean "
            f"curves, interpolated between measured sizes on the log axis.")


def equivalence_table(summary: pd.DataFrame, ahead: str = "transfer", behind: str = "scratch",
                      results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The equivalence at every measured size, for the page's table (with `results`, the paired
    test's p-value at each size too)."""
    rows = []
    for n in sorted(summary[summary.method == ahead].n_per_class):
        eq = equivalence(summary, int(n), ahead, behind, results)
        gap = "untested" if eq.p is None else "more than chance" if eq.clear else "could be chance"
        rows.append((eq.n, eq.accuracy, eq.matched_at, eq.factor, eq.status, gap, eq.p))
    return pd.DataFrame(rows, columns=["n_per_class", f"{ahead}_accuracy", f"{behind}_needs",
                                       "factor", "status", "gap", "p"])


def _paired(a: pd.Series, b: pd.Series):
    """(mean of a - b, two-sided p of a paired t-test over seeds; None with < 2 pairs)."""
    pairs = pd.concat([a, b], axis=1).dropna()
    if len(pairs) < 2:
        return float((pairs.iloc[:, 0] - pairs.iloc[:, 1]).mean()) if len(pairs) else 0.0, None
    diff = pairs.iloc[:, 0] - pairs.iloc[:, 1]
    if np.allclose(diff, diff.iloc[0]):
        return float(diff.iloc[0]), (1.0 if np.isclose(diff.iloc[0], 0) else 0.0)
    return float(diff.mean()), float(stats.ttest_rel(pairs.iloc[:, 0], pairs.iloc[:, 1]).pvalue)


def _against(diff: float, p, here: str) -> str:
    if p is None:
        return f"{here} one seed cannot tell pretrained from random weights"
    if p >= SIGNIFICANT:
        return f"{here} pretrained and random weights differ by {100 * diff:+.0f} points, which could be chance"
    word = "ahead of" if diff > 0 else "behind"
    return f"{here} pretrained weights are {100 * abs(diff):.0f} points {word} random ones, more than chance explains"


def depth_reading(profile: pd.DataFrame, n_per_class: int) -> str:
    """What a depth profile shows, in words computed from it and no stronger than its tests
    (paired t-tests over seeds: each seed draws the same labeled examples for every cut)."""
    pre = profile[profile.pretrained].pivot_table(index="seed", columns="cut", values="test_accuracy")
    order = list(profile.sort_values("depth")["cut"].drop_duplicates())
    means = pre.mean()[order]
    best, last = means.idxmax(), order[-1]
    text = (f"With {n_per_class} labeled per class, the frozen head does best after **{best}** "
            f"({_pct(means[best])} on average over {len(pre)} seeds)")
    if best != last:
        d, p = _paired(pre[best], pre[last])
        verdict = ("more than chance explains" if p is not None and p < SIGNIFICANT
                   else "a gap that could be chance")
        text += (f", against {_pct(means[last])} after the last stage ({last}), the features "
                 f"the network's ImageNet classifier reads: {verdict}")
    text += "."
    if (~profile.pretrained).any():
        rnd = profile[~profile.pretrained].pivot_table(index="seed", columns="cut", values="test_accuracy")
        parts = [_against(*_paired(pre[c], rnd[c]), f"after {c}") for c in dict.fromkeys([best, last])]
        line = "; ".join(parts)
        text += " " + line[0].upper() + line[1:] + "."
    return text


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
        diff, p = _paired(a, b)
        pairs = int(pd.concat([a, b], axis=1).dropna().shape[0])
        tested = tested or p is not None
        if p is not None and diff > 0 and p < SIGNIFICANT:
            return BeatsZero(method, int(n), float(zero_by_seed.mean()), float(a.mean()), p, pairs,
                             "beats", float(means.max()), best_at)
    return BeatsZero(method, None, float(zero_by_seed.mean()), None, None, pairs,
                     "never" if tested else "untested", float(means.max()), best_at)


def beats_zero_words(b: BeatsZero, name: str | None = None) -> str:
    """`beats_zero` in words no stronger than its test (`beats_zero_note` names the test)."""
    word = name or ("fine-tuning" if b.method == "finetune" else b.method)
    if b.status == "beats":
        return (f"{word.capitalize()} first beats zero labels ({_pct(b.zero)}) at **{b.n} labeled "
                f"example{'s' if b.n != 1 else ''} per class** among the sizes measured: "
                f"{_pct(b.accuracy)} on average over {b.pairs} seeds, more than chance explains.")
    if b.status == "never":
        return (f"At no measured size is {word} ahead of zero labels ({_pct(b.zero)}) by more than "
                f"chance; its best is {_pct(b.best)}, with {b.best_at} per class.")
    return (f"With one seed per size nothing here tells {word} from zero labels "
            f"({_pct(b.zero)}); its best is {_pct(b.best)}, with {b.best_at} per class.")


def beats_zero_note(b: BeatsZero) -> str:
    """The test behind `beats_zero_words`, for a tooltip."""
    return ("At each size, a paired t-test over the seeds of the trained way's test accuracy "
            "against zero-shot's on the same test set (zero-shot uses no labeled example, so its "
            f"accuracy is the same for every seed). Below p = {SIGNIFICANT} a gap is called more "
            "than chance; each size is tested on its own, so with many sizes one may pass by chance."
            + (f" At {b.n} per class: p = {b.p:.2g}." if b.p is not None else ""))
