"""What a fresh server's first view needs of the pretrained features (issue 17, item 5).

The issue asks for the features of "the test set and the labeled draw" first and the rest later.
This prints what that would save on the dress page: how long the features of the test set and of
the pool take (one core, EfficientNet-Lite0), which of the pool's stored parts (lib.image.features
PART photos each) the first view's draws touch at each slider position, and whether smaller parts
would give the same numbers (a part is computed as its own batches, and batch size changes the
last bits of a convolution on CPU).

    TRANSFER_LAB_OFFLINE=1 TRANSFER_LAB_CACHE=$(mktemp -d) python benchmarks/first_features.py
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import DRAW_SEEDS, doubling_sizes, dress_task, get_backbone  # noqa: E402
from lib.image import features  # noqa: E402
from lib.runs import draw  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main():
    import torch
    torch.set_num_threads(1)
    task, bb = dress_task(), get_backbone("efficientnet_lite0")
    size = task.backbone_size
    _, test_s = timed(lambda: features._compute(bb, task.test.images, size, None))
    _, pool_s = timed(lambda: features._compute(bb, task.pool.images, size, None))
    print(f"features on one core: test set {len(task.test.images)} photos {test_s:.1f} s, "
          f"pool {len(task.pool.images)} photos {pool_s:.1f} s")

    parts = -(-len(task.pool.images) // features.PART)
    print(f"\npool parts of {features.PART} photos touched by the first view's draws (seeds {list(DRAW_SEEDS)}):")
    print("per class | one draw | five draws")
    for n in doubling_sizes(64):
        one = {i // features.PART for i in np.concatenate(draw(task.pool.labels, n, 0))}
        every = {i // features.PART for s in DRAW_SEEDS for i in np.concatenate(draw(task.pool.labels, n, s))}
        print(f"{n:9d} | {len(one):3d} of {parts} | {len(every):3d} of {parts}")

    few = task.test.images[:features.PART]
    whole = features._compute(bb, few, size, None, batch_size=32)
    for batch in (8, 1):
        small = features._compute(bb, few, size, None, batch_size=batch)
        worst = max(float(np.abs(whole[c].astype(np.float64) - small[c]).max()) for c in bb.cuts)
        same = all(np.array_equal(whole[c], small[c]) for c in [*bb.cuts, "maps"])
        print(f"\nbatches of {batch} instead of 32: identical features: {same}; "
              f"largest difference over the cuts {worst:.2e}")


if __name__ == "__main__":
    main()
