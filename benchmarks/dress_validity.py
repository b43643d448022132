"""Is the dress task a test worth its name? (issue 21) How much of it the simplest model solves,
in colour and on brightness alone, and optionally how every way does on greyscale renders.

    python benchmarks/dress_validity.py [--seeds 10] [--sizes 2 4 8 16 32 64 128] [--all-ways]
                                        [--colour-ways] [--no-pixels]

The pixel model (lib.image.pixels: the frozen head's probe on 16 x 16 thumbnails) on colour and
on greyscale thumbnails; labeled examples drawn as every way draws them (lib.runs.draw, train and
validation together). --all-ways adds lib.compare on the dress rendered in greyscale (each photo's
luminance copied to all 3 channels): every deep way with the colour taken away. --colour-ways adds
lib.compare on the dress as the page shows it (the re-measured dress table: every way, default
options). Both are slow (a backbone's features, fine-tuning per cell), so each way's result is
kept on disk as the pages keep theirs (lib.stored, keyed by the engine's code): a run that was
stopped resumes where it was. --no-pixels skips the first table. Prints Markdown (progress on
stderr); never asserts.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lib.data.datasets import ImageDataset, Task  # noqa: E402
from lib.data.dress import dress_task  # noqa: E402
from lib.image.pixels import THUMB, pixel_run  # noqa: E402
from lib.runs import draw  # noqa: E402

LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601, as lib.image.pixels and Pillow's "L"


def cell(values) -> str:
    values = pd.Series(values, dtype=float)
    return f"{100 * values.mean():.1f} ± {100 * values.std(ddof=1):.1f}"


def grey_dataset(d: ImageDataset) -> ImageDataset:
    """The same photos in greyscale, kept as 3 equal channels so every way reads them unchanged."""
    y = np.clip(np.rint(d.images.astype(np.float64) @ LUMA), 0, 255).astype(np.uint8)
    return ImageDataset(np.repeat(y[..., None], 3, axis=-1), d.labels, d.classes, d.name + "-grey")


def table(rows: pd.DataFrame, columns: list, sizes: list) -> None:
    print("| per class | " + " | ".join(columns) + " |")
    print("|---:|" + "---:|" * len(columns))
    for n in sizes:
        at = rows[rows.n_per_class == n]
        print(f"| {n} | " + " | ".join(cell(at[at.way == c].test_accuracy) for c in columns) + " |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64, 128])
    parser.add_argument("--all-ways", action="store_true",
                        help="also every way of lib.compare on greyscale renders (slow)")
    parser.add_argument("--colour-ways", action="store_true",
                        help="also every way of lib.compare on the colour dress (slow)")
    parser.add_argument("--no-pixels", action="store_true",
                        help="skip the pixel model's colour/greyscale table")
    args = parser.parse_args()
    task = dress_task()
    start = time.perf_counter()
    print(f"dress: {len(task.pool)} photos to draw from, {len(task.test)} test photos; "
          f"{args.seeds} seeds; mean ± std test accuracy (%)")
    if not args.no_pixels:
        pixel_table(task, args.sizes, args.seeds, start)
    if args.all_ways:
        grey_task = Task("dress-grey", grey_dataset(task.pool), grey_dataset(task.test),
                         "The dress in greyscale: brightness only.", backbone_size=task.backbone_size)
        every_way(grey_task, "dress-grey", args.sizes, args.seeds, "Every way on greyscale renders")
    if args.colour_ways:
        every_way(task, "dress", args.sizes, args.seeds,
                  "Every way on the dress in colour, as the page shows it")


def pixel_table(task, sizes, seeds, start):
    rows = []
    for n in sizes:
        for seed in range(seeds):
            labeled = np.concatenate(draw(task.pool.labels, n, seed))
            for name, grey in ((f"{THUMB} × {THUMB} colour pixels", False),
                               (f"{THUMB} × {THUMB} greyscale pixels", True)):
                rows.append({"n_per_class": n, "seed": seed, "way": name,
                             "test_accuracy": pixel_run(task, labeled, seed, grey=grey).test_accuracy})
    rows = pd.DataFrame(rows)
    print(f"\nThe pixel model in colour and on brightness alone; {time.perf_counter() - start:.0f} s\n")
    table(rows, list(rows.way.drop_duplicates()), sizes)


def every_way(task, identity, sizes, seeds, title):
    """lib.compare with its default options on every cell (the pixel model is one of its ways),
    each way's run stored under `identity` (lib.stored.compare_stored)."""
    from lib.stored import compare_stored
    start, rows, notices = time.perf_counter(), [], set()
    for n in sizes:
        for seed in range(seeds):
            c = compare_stored(task, n, seed, identity=identity)
            print(f"{identity}: {n} per class, seed {seed}: {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)
            notices.update(c.notices)  # e.g. a backbone that fell back: the numbers mean less
            labeled = np.concatenate([c.train_index, c.val_index])
            runs = dict(c.runs)
            if "pixels" not in runs:  # an engine from before the pixel model was a way
                runs["pixels"] = pixel_run(task, labeled, seed)
            rows += [{"n_per_class": n, "seed": seed, "way": m, "test_accuracy": r.test_accuracy}
                     for m, r in runs.items()]
    rows = pd.DataFrame(rows)
    print(f"\n{title} (lib.compare, default options; backbone: {c.backbone}); "
          f"{time.perf_counter() - start:.0f} s\n")
    for notice in sorted(notices):
        print(f"NOTE: {notice}\n")
    order = [m for m in ("pixels", "scratch", "transfer", "finetune", "control") if m in set(rows.way)]
    table(rows, order, sizes)


if __name__ == "__main__":
    main()
