"""The app's frozen head beside the field's reference linear probe, on the same features.

    python benchmarks/probe_reference.py dress [--seeds 10] [--sizes 2 4 8 16 32]
    python benchmarks/probe_reference.py ../shared/data/real_photos

For each size, seed and cut: the labeled draw the app uses, its features standardised with the
labeled examples' statistics, then (a) lib.probe (what the pages train) and (b) scikit-learn's
LogisticRegression with its defaults, both scored on the same test set. Prints the means and
their difference; never asserts.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from lib.image import features  # noqa: E402
from lib.data import load_images  # noqa: E402
from lib.data.datasets import split_task  # noqa: E402
from lib.tasks import TASKS, resolve_task  # noqa: E402
from lib.image.ways import get_backbone  # noqa: E402
from lib.probe import fit_probe, sklearn_probe_accuracy  # noqa: E402
from lib.runs import draw, standardise  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("task", help=f"one of {TASKS} or a folder of class folders of photos")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16, 32])
    parser.add_argument("--backbone", default="efficientnet_lite0")
    parser.add_argument("--cuts", nargs="+", default=None, help="default: every stage")
    args = parser.parse_args()
    t = resolve_task(args.task if args.task in TASKS else split_task(load_images(args.task)))
    bb = get_backbone(args.backbone)
    pool = features.all_cuts(bb, t.pool.images, t.backbone_size)
    test = features.all_cuts(bb, t.test.images, t.backbone_size)
    rows = []
    for cut in args.cuts or bb.cuts:
        for n in args.sizes:
            for seed in range(args.seeds):
                labeled = np.concatenate(draw(t.pool.labels, n, seed))
                x, x_test = standardise(pool[cut][labeled], test[cut])
                y = t.pool.labels[labeled]
                head, _, _ = fit_probe(torch.from_numpy(x), torch.from_numpy(y), len(t.classes))
                with torch.no_grad():
                    ours = float((head(torch.from_numpy(x_test)).argmax(1).numpy() == t.test.labels).mean())
                ref = sklearn_probe_accuracy(x, y, x_test, t.test.labels)
                rows.append((cut, n, seed, ours, ref))
    df = pd.DataFrame(rows, columns=["cut", "n", "seed", "app", "sklearn"])
    print(f"{t.name}, {bb.label}, {args.seeds} seeds, {len(t.test)} test photos: mean test accuracy (%)\n")
    print("| cut | n per class | app's head | scikit-learn probe | difference (points) |")
    print("|---|---:|---:|---:|---:|")
    for (cut, n), g in df.groupby(["cut", "n"], sort=False):
        print(f"| {cut} | {n} | {100 * g.app.mean():.1f} | {100 * g.sklearn.mean():.1f} | "
              f"{100 * (g.app.mean() - g.sklearn.mean()):+.1f} |")
    worst = df.groupby(["cut", "n"]).apply(lambda g: abs(g.app.mean() - g.sklearn.mean())).max()
    print(f"\nlargest difference of the means: {100 * worst:.1f} points")


if __name__ == "__main__":
    main()
