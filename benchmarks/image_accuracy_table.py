"""Test accuracy (mean ± std over seeds) of every image way, and of the frozen head after every
stage, pretrained and with random weights (the control): the tables in docs/FINDINGS.md.

    python benchmarks/image_accuracy_table.py dress [--seeds 5] [--sizes 2 4 8 16 32 64]
    python benchmarks/image_accuracy_table.py ../shared/data/real_photos   # a folder of class folders

A folder is read with lib.data.load_images and a stratified quarter held out as its test set.
Prints Markdown tables; never asserts.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pandas as pd  # noqa: E402

from lib.data import load_images  # noqa: E402
from lib.data.datasets import split_task  # noqa: E402
from lib import TASKS, depth_profile, sweep  # noqa: E402
from lib.tasks import resolve_task  # noqa: E402


def cell(values: pd.Series) -> str:
    return f"{100 * values.mean():.1f} ± {100 * values.std(ddof=1):.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("task", help=f"one of {TASKS} or a folder of class folders of photos")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64])
    parser.add_argument("--backbone", default="efficientnet_lite0")
    args = parser.parse_args()
    task = args.task if args.task in TASKS else split_task(load_images(args.task))
    t = resolve_task(task)
    start = time.perf_counter()
    ways = sweep(task, args.sizes, range(args.seeds), backbone=args.backbone,
                 control=True, finetune=True, cut="auto")
    profiles = pd.concat([depth_profile(task, n, range(args.seeds), args.backbone).assign(n_per_class=n)
                          for n in args.sizes], ignore_index=True)
    print(f"{t.name}: {len(t.pool)} photos to draw from, {len(t.test)} test photos; backbone "
          f"{args.backbone}; {args.seeds} seeds; mean ± std test accuracy (%); "
          f"{time.perf_counter() - start:.0f} s\n")
    methods = [m for m in ("scratch", "transfer", "finetune", "control") if m in set(ways.method)]
    print("| n per class | " + " | ".join(methods) + " |   (transfer and control: cut chosen by "
          "cross-validation on the labeled draw)")
    print("|---:|" + "---:|" * len(methods))
    for n, rows in ways.groupby("n_per_class"):
        print(f"| {n} | " + " | ".join(cell(rows[rows.method == m].test_accuracy) for m in methods) + " |")
    print("\nFrozen head (linear probe) after each stage: pretrained / random weights\n")
    cuts = list(profiles.sort_values("depth").cut.drop_duplicates())
    dims = profiles.drop_duplicates("cut").set_index("cut").feature_dim
    print("| cut (features) | " + " | ".join(f"n = {n}" for n in args.sizes) + " |")
    print("|---|" + "---:|" * len(args.sizes))
    for c in cuts:
        row = []
        for n in args.sizes:
            at = profiles[(profiles.cut == c) & (profiles.n_per_class == n)]
            row.append(f"{cell(at[at.pretrained].test_accuracy)} / {cell(at[~at.pretrained].test_accuracy)}")
        print(f"| {c} ({dims[c]}) | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
