"""How fast the dress page answers a slider move, and what the feature cache buys.

    python benchmarks/dress_latency.py [--repeats 5]

Prints measured numbers; never asserts. Targets (issue): p50 <= 1 s at <= 32/class and <= 3 s at
128/class on a 2-core CPU; cached features >= 50x faster than recomputing them every epoch.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from lib import backbones  # noqa: E402
from lib.experiments import compare  # noqa: E402
from lib.image_ways import get_backbone  # noqa: E402
from lib.models import linear_head  # noqa: E402
from lib.runs import draw  # noqa: E402
from lib.data.dress import dress_task  # noqa: E402

COLD = """
import time, sys; t = time.perf_counter(); sys.path.insert(0, {root!r})
from lib.experiments import compare
compare("dress", 16, seed=0)
print(time.perf_counter() - t)
"""


def cold_first_render() -> float:
    """A fresh process with an empty cache: render photos, compute features, train both ways."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, TRANSFER_LAB_CACHE=cache, TRANSFER_LAB_OFFLINE="1")
        out = subprocess.run([sys.executable, "-c", COLD.format(root=ROOT)], env=env,
                             capture_output=True, text=True, check=True)
        return float(out.stdout.strip().splitlines()[-1])


def slider_moves(sizes, repeats):
    """Per size, with features already cached: compare() training afresh (each repeat a new seed,
    as a position nobody trained before), and the same position read back from lib.stored."""
    from lib.stored import compare_stored
    compare("dress", 2, seed=0)  # warm: photos rendered, features cached, backbone loaded
    print("| n per class | train p50 (s) | train p95 (s) | stored read p50 (s) | runs |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        trained, read = [], []
        for seed in range(100, 100 + repeats):
            t = time.perf_counter()
            compare_stored("dress", n, seed=seed)  # a fresh cache: this trains, then stores
            trained.append(time.perf_counter() - t)
            t = time.perf_counter()
            compare_stored("dress", n, seed=seed)
            read.append(time.perf_counter() - t)
        p95 = float(np.percentile(trained, 95))
        print(f"| {n} | {statistics.median(trained):.2f} | {p95:.2f} | {statistics.median(read):.3f} | {repeats} |")


def feature_cache_speedup(n=64, epochs=3):
    """One head epoch on cached features vs the same epoch recomputing features through the backbone."""
    task, bb = dress_task(), get_backbone("efficientnet_lite0")
    train, _ = draw(task.pool.labels, n, seed=0)
    images, y = task.pool.images[train], torch.as_tensor(task.pool.labels[train])
    cached = torch.from_numpy(backbones.features(bb, task.pool.images)[train])
    head = linear_head(bb.feature_dim, 2)
    opt = torch.optim.Adam(head.parameters())

    def epoch(get_x):
        for i in range(0, len(y), 32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(head(get_x(i)), y[i:i + 32]).backward()
            opt.step()

    def recompute(i):
        with torch.no_grad():
            return bb.module(backbones.preprocess(images[i:i + 32], bb))

    t = time.perf_counter()
    for _ in range(epochs):
        epoch(recompute)
    slow = (time.perf_counter() - t) / epochs
    t = time.perf_counter()
    for _ in range(epochs * 20):
        epoch(lambda i: cached[i:i + 32])
    fast = (time.perf_counter() - t) / (epochs * 20)
    print(f"head epoch on {len(y)} photos: recomputing features {slow * 1000:.1f} ms, "
          f"cached features {fast * 1000:.2f} ms -> speed-up {slow / fast:.0f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 16, 32, 64, 128, 256])
    args = parser.parse_args()
    os.environ.setdefault("TRANSFER_LAB_CACHE", tempfile.mkdtemp(prefix="latency-"))  # nothing stored yet
    print(f"torch threads: {torch.get_num_threads()}, CPU cores: {os.cpu_count()}\n")
    print(f"cold first render (fresh process, empty cache, n=16): {cold_first_render():.1f} s\n")
    slider_moves(args.sizes, args.repeats)
    print()
    feature_cache_speedup()
