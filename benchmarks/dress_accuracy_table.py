"""Test accuracy (mean ± std over seeds) of scratch, transfer and the control on the dress.

    python benchmarks/dress_accuracy_table.py [--seeds 5] [--sizes 2 4 8 16 32 64 128]

Prints a Markdown table; never asserts. Uses the offline backbone unless --backbone says otherwise.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.experiments import sweep  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seeds", type=int, default=5)
parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64, 128])
parser.add_argument("--backbone", default="efficientnet_lite0")
args = parser.parse_args()

start = time.perf_counter()
df = sweep("dress", args.sizes, range(args.seeds), backbone=args.backbone, control=True)
table = df.groupby(["n_per_class", "method"]).test_accuracy.agg(["mean", "std"]).unstack("method")
print(f"dress, backbone {args.backbone}, {args.seeds} seeds, test set 400 photos "
      f"({time.perf_counter() - start:.0f} s)\n")
methods = ["scratch", "transfer", "control"]
print("| n per class | " + " | ".join(methods) + " |")
print("|---:|" + "---:|" * len(methods))
for n, row in table.iterrows():
    cells = [f"{100 * row['mean'][m]:.1f} ± {100 * row['std'][m]:.1f} %" for m in methods]
    print(f"| {n} | " + " | ".join(cells) + " |")
