"""Zero labels beside the trained ways on real photos (a folder of class folders, e.g. ants and bees).

    python benchmarks/real_photos_zero_shot.py ../shared/data/real_photos [--sizes 1 2 4 8 16] [--seeds 5]

The folder is loaded as an upload is (lib.data.load_images) and split as the app splits one (a
stratified quarter held out as the test set, split seed 0). Zero-shot (lib.image.zero_shot) is
EfficientNet-Lite0's own ImageNet classifier restricted to the classes its folder names map to
(ants -> 'ant', bees -> 'bee'): it draws and trains nothing, so it is one number. Every image way
of compare() then runs at each size and seed. Ants and bees are both ImageNet classes: the
backbone has seen such insects, which is exactly what zero-shot measures. Prints test accuracy,
% (mean ± standard deviation over seeds), and for each way the smallest size at which it beats
zero-shot (lib.curves.beats_zero). Measures and prints; never asserts.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lib.curves import beats_zero  # noqa: E402
from lib.data import load_images  # noqa: E402
from lib.experiments import compare  # noqa: E402
from ui.words import beats_zero_words  # noqa: E402


def cell(values: pd.Series) -> str:
    v = 100 * values
    return f"{v.mean():.1f}" if len(v) == 1 or v.std(ddof=1) == 0 else f"{v.mean():.1f} ± {v.std(ddof=1):.1f}"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    data = load_images(args.folder)
    start = time.perf_counter()
    z = compare(data, 0)
    rows, labels = [("zero_shot", 0, 0, z.runs["zero_shot"].test_accuracy)], {"zero_shot": z.runs["zero_shot"].label}
    for n in args.sizes:
        for seed in range(args.seeds):
            c = compare(data, n, seed)
            rows += [(m, n, seed, r.test_accuracy) for m, r in c.runs.items()]
            labels.update({m: r.label for m, r in c.runs.items()})
            print(f"  {n} per class, seed {seed}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    frame = pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])
    table = frame.groupby(["method", "n_per_class"], sort=False).test_accuracy.apply(cell).unstack().fillna("")
    table.index = [f"{m}: {labels[m]}" for m in table.index]
    counts = np.bincount(data.labels)
    print(f"{args.folder}: {len(data)} photos, classes {data.classes} ({', '.join(map(str, counts))}); "
          f"test set {len(z.test_labels)} (a stratified quarter, split seed 0); {args.seeds} seeds; "
          f"{time.perf_counter() - start:.0f} s")
    print(f"Zero-shot maps {z.details['imagenet_classes']}")
    print("Test accuracy, % (mean ± std over seeds; zero-shot is one number). Columns: labeled "
          "photos per class")
    print(table.to_string())
    print(f"\nBackbone: {z.backbone}")
    if args.seeds > 1:
        print("\nHow many labels beat zero (lib.curves.beats_zero: paired t-test over the seeds at each size):")
        for m in dict.fromkeys(frame.method):
            if m != "zero_shot":
                print("- " + beats_zero_words(beats_zero(frame, m), m).replace("**", ""))
