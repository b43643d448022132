"""Reading learning curves: the mean and spread over seeds, and how much data one way saves.

"Transfer with N examples per class matches scratch with about k x N": take transfer's mean
accuracy at N, and find where scratch's mean curve first reaches it, interpolating linearly in
log(examples) between the measured sizes (the sizes double, so that is where the curve is
straightest). Scratch may never reach it in the measured range, or may reach it with fewer.
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

    @property
    def factor(self) -> float | None:
        return None if self.matched_at is None else self.matched_at / self.n


def equivalence(summary: pd.DataFrame, n: int, ahead: str = "transfer", behind: str = "scratch") -> Equivalence:
    """How many examples `behind` needs to match what `ahead` scores with `n` per class."""
    a = summary[summary.method == ahead].set_index("n_per_class")["mean"]
    b = summary[summary.method == behind].sort_values("n_per_class")
    if n not in a.index:
        raise ValueError(f"no {ahead} result at {n} examples per class; measured: {list(a.index)}")
    if b.empty:
        raise ValueError(f"no {behind} results to compare with")
    matched, status = first_reach(b.n_per_class, b["mean"], float(a[n]))
    top = b.loc[b["mean"].idxmax()]
    return Equivalence(int(n), float(a[n]), matched, status, float(top["mean"]), int(top.n_per_class))


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def headline(eq: Equivalence, ahead: str = "transfer", behind: str = "scratch") -> str:
    """The equivalence in one sentence, whichever way it came out."""
    lead = f"{ahead.capitalize()} with {eq.n} example{'s' if eq.n != 1 else ''} per class scores {_pct(eq.accuracy)}"
    if eq.status == "never":
        return (f"{lead}; {behind} never reaches that in this range (its best is {_pct(eq.best)}, "
                f"with {eq.best_at} per class).")
    if eq.status == "before_range":
        return (f"{lead}; {behind} already matches that with {eq.matched_at:.0f} per class, the "
                f"fewest measured, so {ahead} saves no labeled data here.")
    k, m = eq.factor, eq.matched_at
    if k >= 1.05:
        return f"{lead}: it matches {behind} with about {k:.1f}× as many ({m:.0f} per class)."
    if k > 0.95:
        return f"{lead}, and {behind} scores about the same with the same amount: no data saved."
    return (f"{lead}; {behind} matches that with about {k:.1f}× as many ({m:.0f} per class), so "
            f"{ahead} is behind here.")


def equivalence_table(summary: pd.DataFrame, ahead: str = "transfer", behind: str = "scratch") -> pd.DataFrame:
    """The equivalence at every measured size, for the page's table."""
    rows = []
    for n in sorted(summary[summary.method == ahead].n_per_class):
        eq = equivalence(summary, int(n), ahead, behind)
        rows.append((eq.n, eq.accuracy, eq.matched_at, eq.factor, eq.status))
    return pd.DataFrame(rows, columns=["n_per_class", f"{ahead}_accuracy", f"{behind}_needs",
                                       "factor", "status"])
