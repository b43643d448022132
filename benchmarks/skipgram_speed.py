"""How long skip-gram takes to pretrain on the unlabeled reviews, and how long the cache takes.

    python benchmarks/skipgram_speed.py [--amounts 500 2000 5000 20000]

Prints measured numbers; never asserts. Uses a fresh temporary cache so the first run is cold.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from lib.text import skipgram  # noqa: E402
from lib.data.reviews import unlabeled_reviews  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--amounts", type=int, nargs="+", default=[500, 2_000, 5_000, 20_000])
    args = ap.parse_args()
    os.environ["TRANSFER_LAB_CACHE"] = tempfile.mkdtemp(prefix="skipgram-bench-")
    cfg = skipgram.SkipGramConfig()
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"settings {cfg}")
    for n in args.amounts:
        texts = unlabeled_reviews(n)
        start = time.perf_counter()
        wv = skipgram.pretrained(texts, cfg)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        skipgram.pretrained(texts, cfg)
        warm = time.perf_counter() - start
        print(f"{n:>6,} reviews: {len(wv.words):>4} words, trained in {cold:6.1f} s, "
              f"read back from the cache in {warm:.3f} s")
