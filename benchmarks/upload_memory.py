"""Peak memory while the page takes in the largest upload it accepts. Prints; never asserts.

    python benchmarks/upload_memory.py                 # 2 classes x 4 photos of ~36 MP as one zip
    python benchmarks/upload_memory.py --per-class 2 --side 4000

The zip is written first (by this process); a fresh Python then imports the app's code, notes
its peak resident memory, reads the zip and adds it through ImageCollection.add_zip exactly as
the page does, and reports its peak resident set size (VmHWM, Linux) and the time taken.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]

MEASURE = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
from lib.data.uploads import ImageCollection
def rss(field="VmHWM"):  # peak resident set of *this* process image (ru_maxrss survives exec)
    line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
    return int(line.split()[1]) / 1024
before = rss()
data = open(sys.argv[1], 'rb').read()
start = time.perf_counter()
col = ImageCollection()
msgs = col.add_zip(data, 'big.zip')
print(json.dumps({"baseline_mb": before, "peak_mb": rss(), "seconds": time.perf_counter() - start,
                  "zip_mb": len(data) / 2**20, "counts": col.counts(),
                  "problems": [m.text for m in msgs]}))
"""


def photo(side: int, seed: int, fmt: str) -> bytes:
    """A side x side noisy photo: noise barely compresses, so the file is as big as it gets."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (side // 8, side // 8, 3), dtype=np.uint8)
    img = Image.fromarray(small).resize((side, side), Image.Resampling.NEAREST)
    noise = rng.integers(0, 40, (side, side, 3), dtype=np.uint8)
    img = Image.fromarray(np.asarray(img) // 2 + noise)
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {"compress_level": 1}))
    return out.getvalue()


def main():
    from lib.data import uploads
    p = argparse.ArgumentParser()
    p.add_argument("--per-class", type=int, default=4)
    p.add_argument("--side", type=int, default=6000, help="pixels; 6000 x 6000 = 36 MP")
    p.add_argument("--format", default="JPEG", choices=["JPEG", "PNG"])
    args = p.parse_args()
    print(f"limits: {uploads.MAX_TOTAL_BYTES / 2**20:.0f} MB in all, {uploads.MAX_IMAGE_BYTES / 2**20:.0f} MB "
          f"and {uploads.MAX_PIXELS / 1e6:.0f} MP per image, {uploads.MAX_FILES_PER_CLASS} per class")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "big.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
            for c in ("a", "b"):
                for i in range(args.per_class):
                    z.writestr(f"{c}/{i}.{args.format.lower()}", photo(args.side, hash((c, i)) % 1000, args.format))
        out = subprocess.run([sys.executable, "-c", MEASURE, str(path), str(ROOT)], capture_output=True,
                             text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    r = json.loads(out.stdout)
    print(f"upload: {args.per_class * 2} {args.format} photos of {args.side} x {args.side} px "
          f"({args.side ** 2 / 1e6:.0f} MP), zip {r['zip_mb']:.1f} MB")
    print(f"added: {r['counts']}  problems: {r['problems'] or 'none'}")
    print(f"peak resident memory after imports: {r['baseline_mb']:.0f} MB")
    print(f"peak resident memory overall:       {r['peak_mb']:.0f} MB  "
          f"(+{r['peak_mb'] - r['baseline_mb']:.0f} MB for a {r['zip_mb']:.0f} MB upload)")
    print(f"time to decode and add: {r['seconds']:.1f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
