"""How a page meets its first visitor on a fresh server with an empty cache (no pack), in a real
headless Chromium: seconds until the spinner, the title, the first result (a metric or a chart)
and the end of every run.

    python benchmarks/cold_pages.py dress_colour learning_curves

Each page gets a server of its own (scripts/serve.py) with its own empty cache and the warm-up
on, as a presenter who skipped the pack meets it. Prints numbers only; never asserts.
Needs Debian's chromium and chromium-driver, and selenium.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts import serve  # noqa: E402
from scripts.screenshots import chromium  # noqa: E402

MARKS = {"spinner": '[data-testid="stSpinner"], [data-testid="stProgress"]',
         "title": "h1",
         "first result": '[data-testid="stMetric"], [data-testid="stVegaLiteChart"]'}


def visit(page: str, limit: float) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        proc, url = serve.start({"TRANSFER_LAB_CACHE": cache, "TRANSFER_LAB_WARMUP": "1"})
        drv = chromium(1400, 900)
        try:
            t0, seen = time.perf_counter(), {}
            drv.get(f"{url}/{page}")
            while time.perf_counter() - t0 < limit:
                for name, css in MARKS.items():
                    if name not in seen and drv.find_elements("css selector", css):
                        seen[name] = time.perf_counter() - t0
                running = drv.find_elements("css selector", '[data-testid="stStatusWidget"]')
                if "first result" in seen and not running:
                    seen["complete"] = time.perf_counter() - t0
                    break
                time.sleep(0.25)
            errors = [e.text.splitlines()[0] for e in
                      drv.find_elements("css selector", '[data-testid="stException"]')]
            return {**seen, "errors": errors}
        finally:
            drv.quit()
            serve.stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="+", help="URL paths, e.g. dress_colour learning_curves")
    ap.add_argument("--limit", type=float, default=600, help="give up on a page after this many seconds")
    args = ap.parse_args()
    print(f"{'page':18} {'spinner s':>9} {'title s':>8} {'first result s':>14} {'complete s':>10}  errors")
    for page in args.pages:
        r = visit(page, args.limit)
        cell = lambda k: f"{r[k]:.1f}" if k in r else "-"
        print(f"{page:18} {cell('spinner'):>9} {cell('title'):>8} {cell('first result'):>14} "
              f"{cell('complete'):>10}  {'; '.join(r['errors']) or '-'}", flush=True)


if __name__ == "__main__":
    main()
