"""How fast the image pages answer, and what the caches buy.

    python benchmarks/dress_latency.py [--repeats 5] [--photos ../shared/data/real_photos]

Prints measured numbers; never asserts. Targets (issue "where to cut"): a fresh process's first
dress view <= 15 s; a new slider position with all three ways at <= 32/class p50 <= 2 s, a stored
one in milliseconds; real-photo features at 224 px once, with images/s and peak memory printed.
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

from lib.image import features  # noqa: E402
from lib.experiments import compare  # noqa: E402
from lib.image.finetune import FineTuned  # noqa: E402
from lib.image.ways import get_backbone  # noqa: E402
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
    print("| n per class | all ways p50 (s) | p95 (s) | scratch | transfer | fine-tuned (p50 s) "
          "| stored read p50 (s) | runs |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        trained, read, ways = [], [], {"scratch": [], "transfer": [], "finetune": []}
        for seed in range(100, 100 + repeats):
            t = time.perf_counter()
            c = compare_stored("dress", n, seed=seed)  # a fresh cache: this trains, then stores
            trained.append(time.perf_counter() - t)
            for m in ways:
                ways[m].append(c.runs[m].train_seconds if m in c.runs else float("nan"))
            t = time.perf_counter()
            compare_stored("dress", n, seed=seed)
            read.append(time.perf_counter() - t)
        p95 = float(np.percentile(trained, 95))
        per_way = " | ".join(f"{statistics.median(v):.2f}" for v in ways.values())
        print(f"| {n} | {statistics.median(trained):.2f} | {p95:.2f} | {per_way} | "
              f"{statistics.median(read):.3f} | {repeats} |")


def finetune_cache_speedup(n=16, epochs=2):
    """A fine-tuning epoch on activations cached at the top's input, against the same epoch
    running every photo through the frozen bottom of the network first."""
    task, bb = dress_task(), get_backbone("efficientnet_lite0")
    train = np.concatenate(draw(task.pool.labels, n, seed=0))
    y = torch.as_tensor(task.pool.labels[train])
    cached = torch.from_numpy(features.top_input(bb, task.pool.images, task.backbone_size)[train])
    bottom = bb.stages[:bb.depth(bb.top_from)]
    model = FineTuned(bb, 2).train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=1e-3, momentum=0.9)

    def epoch(get_x):
        for i in range(0, len(y), 4):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(get_x(i)), y[i:i + 4]).backward()
            opt.step()

    def recompute(i):
        with torch.no_grad():
            x = features.prepare(task.pool.images[train[i:i + 4]], bb, task.backbone_size)
            for stage in bottom:
                x = stage(x)
            return x

    timed = {}
    for name, get_x in (("recomputing the bottom", recompute), ("cached activations", lambda i: cached[i:i + 4])):
        t = time.perf_counter()
        for _ in range(epochs):
            epoch(get_x)
        timed[name] = (time.perf_counter() - t) / epochs
    slow, fast = timed.values()
    print(f"fine-tuning epoch on {len(y)} photos: recomputing the frozen bottom {slow:.2f} s, "
          f"cached activations {fast:.2f} s -> speed-up {slow / fast:.1f}x")


def photo_features(path):
    """Real photos at the weights' own 224 px: every stage of Lite0, once, images/s and peak RSS."""
    import resource
    from lib.data import load_images
    data = load_images(path)
    bb = get_backbone("efficientnet_lite0")
    t = time.perf_counter()
    features.all_cuts(bb, data.images, None, persist=False)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(data)} real photos through Lite0 at 224 px (every stage, one pass): {dt:.1f} s, "
          f"{len(data) / dt:.1f} images/s, peak RSS of this process {rss:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 16, 32, 64, 128])
    parser.add_argument("--photos", help="a folder of class folders of real photos")
    args = parser.parse_args()
    os.environ.setdefault("TRANSFER_LAB_CACHE", tempfile.mkdtemp(prefix="latency-"))  # nothing stored yet
    print(f"torch threads: {torch.get_num_threads()}, CPU cores: {os.cpu_count()}\n")
    print(f"cold first render (fresh process, empty cache, n=16): {cold_first_render():.1f} s\n")
    slider_moves(args.sizes, args.repeats)
    print()
    finetune_cache_speedup()
    if args.photos:
        photo_features(args.photos)
