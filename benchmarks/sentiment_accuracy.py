"""Print test accuracy (mean ± std over seeds) of every sentiment way at several labeled sizes,
and transfer A's accuracy against the amount of unlabeled text it was pretrained on.

    python benchmarks/sentiment_accuracy.py [--seeds 5] [--curve-n 16]

Measures and prints; never asserts. First run pretrains skip-gram (cached afterwards).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from lib import compare, sweep  # noqa: E402

SIZES = [1, 4, 16, 64, 256]
AMOUNTS = [0, 500, 2_000, 5_000, 20_000]


def summary(df: pd.DataFrame, column: str) -> pd.DataFrame:
    g = df.groupby(["method", column])["test_accuracy"]
    out = (100 * g.mean()).round(1).astype(str) + " ± " + (100 * g.std(ddof=1)).round(1).astype(str)
    return out.unstack(column)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--curve-n", type=int, default=16)
    args = ap.parse_args()
    seeds = range(args.seeds)
    table = sweep("sentiment", SIZES, seeds, progress=lambda d, t: print(f"  {d}/{t}", end="\r"))
    print(f"Test accuracy, % (mean ± std over {args.seeds} seeds), 1,000 generated test reviews; "
          "columns: labeled reviews per class")
    print(summary(table, "n_per_class").to_string())
    rows = []
    for amount in AMOUNTS:
        for seed in seeds:
            c = compare("sentiment", args.curve_n, seed, unlabeled=amount, encoder=False)
            rows.append(("transfer", amount, seed, c.transfer.test_accuracy))
            rows.append(("scratch", amount, seed, c.scratch.test_accuracy))
    curve = pd.DataFrame(rows, columns=["method", "unlabeled", "seed", "test_accuracy"])
    print(f"\nAccuracy, % vs unlabeled reviews used for skip-gram, at {args.curve_n} labeled per class "
          "(scratch does not use them: its row is a reference)")
    print(summary(curve, "unlabeled").to_string())
