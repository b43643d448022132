"""How often each verdict is wrong, by simulation (issue 27): the first sentence's false "more than
the luck of the draw" under a true null and its power with a true 5-point lead, beats-zero's false
"beats", the factor interval's coverage at 5 seeds, and what zero spread gives. Each beside the
procedure before issue 27, run from that commit's own code when `--old PATH` points at a copy of
its lib/ (e.g. `git archive 43b51b5 lib | tar -x -C /tmp/old`), else from the copies below.

    python benchmarks/verdict_simulation.py [--families 2000] [--old /tmp/old]

Measures and prints; never asserts (tests/test_stats.py holds the bounds).
"""
import argparse
import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lib import stats as new  # noqa: E402
from lib.curves import beats_zero  # noqa: E402
from lib.draws import over_draws  # noqa: E402
from lib.runs import Run  # noqa: E402

WAYS = ["finetune", "scratch", "transfer", "pixels"]


def _run(method, accuracy):
    return Run(method, method, float(accuracy), 1.0, 1, 1, None, 0.0, (0, 1), 400, np.zeros(1), np.zeros(1))


def families(lead, n, seed, draws=5):
    """The issue's simulation: 0.80 + a shared draw effect + noise, sd 3 points each."""
    rng = np.random.default_rng(seed)
    mu = np.full(len(WAYS), 0.80)
    mu[0] += lead
    return mu + rng.normal(0, 0.03, (n, draws, 1)) + rng.normal(0, 0.03, (n, draws, len(WAYS)))


def as_runs(acc):
    return {s: {m: _run(m, acc[s, i]) for i, m in enumerate(WAYS)} for s in range(acc.shape[0])}


def old_over_draws_claims(acc):
    """Before issue 27: the leader by mean, each of its gaps t-tested on its own at 0.05."""
    lead = int(np.argmax(acc.mean(axis=0)))
    for j in range(acc.shape[1]):
        d = acc[:, lead] - acc[:, j]
        if j != lead and not np.allclose(d, d[0]) and stats.ttest_1samp(d, 0).pvalue < 0.05 and d.mean() > 0:
            return True
    return False


def first_sentence(n, old_lib):
    rows = []
    for label, lead in (("true null (4 equal ways)", 0.0), ("true 5-point lead", 0.05)):
        accs = families(lead, n, seed=0 if lead == 0 else 1)
        newer = np.mean([any(g.beyond_luck for g in over_draws(as_runs(a), 16).gaps.values()) for a in accs])
        if old_lib is not None:
            older = np.mean([any(g.beyond_luck for g in old_lib.over_draws(as_runs(a), 16).gaps.values())
                             for a in accs])
        else:
            older = np.mean([old_over_draws_claims(a) for a in accs])
        holm_k1 = []
        for a in accs:
            lead_i = int(np.argmax(a.mean(axis=0)))
            ps = [new.paired_t(a[:, lead_i], a[:, j]).p for j in range(a.shape[1]) if j != lead_i]
            holm_k1.append(any(q is not None and q < 0.05 for q in new.holm(ps)))
        rows.append((label, older, np.mean(holm_k1), newer))
    return pd.DataFrame(rows, columns=["families", "before (each gap alone)", "Holm over leader's 3",
                                       "now (Holm over all 6 pairs)"])


def old_factor_interval(targets, curves, sizes, n, resamples):
    """Before issue 27: percentile bootstrap over seeds of the factor read off the mean curves."""
    def log_factor(idx, axis=-1):
        shape = idx.shape[:-1]
        idx = idx.reshape(-1, idx.shape[-1])
        c, t = curves[idx].mean(axis=1), targets[idx].mean(axis=1)
        logs = np.log(sizes)
        above = c >= t[:, None]
        i = above.argmax(axis=1)
        rows = np.arange(len(c))
        prev = np.maximum(i - 1, 0)
        lo, hi = c[rows, prev], c[rows, i]
        share = np.where(i > 0, (t - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
        out = np.where(above.any(axis=1), logs[prev] + share * (logs[i] - logs[prev]), logs[-1] + np.log(2))
        return (out - np.log(n)).reshape(shape)
    ci = stats.bootstrap((np.arange(len(targets)),), log_factor, vectorized=True, n_resamples=resamples,
                         confidence_level=0.95, method="percentile",
                         rng=np.random.default_rng(0)).confidence_interval
    return np.exp(ci.low), np.exp(ci.high)


def coverage(n, resamples, seeds=5):
    sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128], float)
    truth = 0.5 + 0.06 * np.log2(sizes)
    rows = []
    for noise in (0.03, 0.05):
        rng = np.random.default_rng(7)
        old_hits, new_hits, widths = 0, 0, []
        for _ in range(n):
            targets = 0.5 + 0.06 * np.log2(32) + rng.normal(0, noise, seeds)
            curves = truth + rng.normal(0, noise, (seeds, len(sizes)))
            lo, hi = old_factor_interval(targets, curves, sizes, 8, resamples)
            old_hits += lo <= 4 <= hi
            lo, hi = new.factor_interval(targets, curves, sizes, 8)
            new_hits += lo <= 4 <= hi
            widths.append(hi / lo)
        rows.append((f"{100 * noise:.0f} points", old_hits / n, new_hits / n, float(np.median(widths))))
    return pd.DataFrame(rows, columns=["seed noise (sd)", "before (percentile bootstrap)",
                                       "now (t-test inverted)", "now: median high/low"])


def zero_null(n):
    rng = np.random.default_rng(5)
    sizes = (1, 2, 4, 8)
    acc = 0.70 + rng.normal(0, 0.02, (n, len(sizes), 5))
    alone = np.mean([any(stats.ttest_1samp(f[i], 0.70).pvalue < 0.05 and f[i].mean() > 0.70
                         for i in range(len(sizes))) for f in acc])
    seq = np.mean([new.first_clear({s: (f[i], 0.70) for i, s in enumerate(sizes)})[0] is not None for f in acc])
    return alone, seq


def zero_spread(old_curves):
    """The cases that have no spread: what each verdict says."""
    same = pd.DataFrame([("transfer", 4, s, a) for s, a in enumerate([0.71, 0.81, 0.91])]
                        + [("zero_shot", 0, s, a) for s, a in enumerate([0.70, 0.80, 0.90])],
                        columns=["method", "n_per_class", "seed", "test_accuracy"])
    flat = as_runs(np.array([[0.8, 0.7, 0.6, 0.5]] * 5) + np.arange(5)[:, None] * 0.01)
    out = [("beats zero, every seed 1 point ahead", beats_zero(same, "transfer").status,
            old_curves.beats_zero(same, "transfer").status if old_curves else "beats (p = 0)"),
           ("over draws, the same gaps on every draw",
            "cannot be tested" if all(g.untestable for g in over_draws(flat, 16).gaps.values()) else "?",
            "nothing to test (not called more than luck)")]
    return pd.DataFrame(out, columns=["case", "now", "before"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=2000)
    ap.add_argument("--curves", type=int, default=1000)
    ap.add_argument("--resamples", type=int, default=1999, help="the old bootstrap's (the app used 9999)")
    ap.add_argument("--old", help="a copy of the old commit's lib/ and ui/ (its parent folder)")
    args = ap.parse_args()
    old_draws = old_curves = None
    if args.old:
        old_draws = _load_old(args.old, "draws")
        old_curves = _load_old(args.old, "curves")
    print(f"First sentence over 5 draws, 4 ways, {args.families} families: share that call some gap "
          f"'more than the luck of the draw'")
    print(first_sentence(args.families, old_draws).to_string(index=False, float_format=lambda x: f"{100 * x:.1f} %"))
    alone, seq = zero_null(args.families)
    print(f"\nBeats zero labels, true null at 4 sizes, 5 seeds, {args.families} families: false 'beats' "
          f"{100 * alone:.1f} % before (each size alone), {100 * seq:.1f} % now (fixed sequence from the largest)")
    print(f"\nThe factor's 95 % interval, known factor 4 (transfer at 8 = scratch at 32), 5 seeds, "
          f"{args.curves} curves per row:")
    print(coverage(args.curves, args.resamples).to_string(index=False,
                                                           float_format=lambda x: f"{100 * x:.1f} %" if x <= 1 else f"{x:.1f}"))
    print("\nZero spread:")
    print(zero_spread(old_curves).to_string(index=False))


def _load_old(root, name):
    """lib.<name> from the old copy, as a module of its own (its `lib` imports resolve there)."""
    saved = {k: v for k, v in sys.modules.items() if k == "lib" or k.startswith("lib.")}
    for k in saved:
        del sys.modules[k]
    sys.path.insert(0, root)
    try:
        return importlib.import_module(f"lib.{name}")
    finally:
        sys.path.remove(root)
        for k in [k for k in sys.modules if k == "lib" or k.startswith("lib.")]:
            sys.modules[f"old_{k}"] = sys.modules.pop(k)
        sys.modules.update(saved)


if __name__ == "__main__":
    main()
