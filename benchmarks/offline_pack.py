#!/usr/bin/env python3
"""With the offline pack in place and no network, how long until each page's default view appears?

    python scripts/prefetch.py --write pack.tar.gz      # once, where there is a network
    python benchmarks/offline_pack.py pack.tar.gz       # unpack into an empty cache, then time it

Unpacks the archive into a fresh temporary cache, starts `streamlit run app.py` with
TRANSFER_LAB_OFFLINE=1 on it, and opens every page in headless Chromium, home first, as the
first visitor after the server started (Streamlit's in-memory caches are cold, the disk cache
is the pack). "Appeared" = from the browser asking for the page to the moment nothing was running
any more (the 2 s spent confirming that are not counted). Prints numbers only.

--intro: seconds spent on the home page before the other pages, as a presenter introducing the
workshop would (the app loads torch and the pretrained models in the background meanwhile,
ui/warmup.py). Each value is a fresh server; the default measures both 0 and 20 s.
"""
import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts import serve  # noqa: E402
from ui.presenter import STEP_NAMES  # noqa: E402


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shots = _script("screenshots")  # Chromium, and how to tell that a page has finished


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pack", type=Path)
    ap.add_argument("--size", default="1400x900")
    ap.add_argument("--intro", type=float, nargs="+", default=[0, 20],
                    help="seconds on the home page before visiting the rest (one server each)")
    args = ap.parse_args()
    prefetch = _script("prefetch")
    width, height = (int(v) for v in args.size.split("x"))
    for intro in args.intro:
        with tempfile.TemporaryDirectory() as cache:  # a fresh copy of the pack for each server
            t0 = time.perf_counter()
            manifest = prefetch.read_pack(args.pack, Path(cache))
            print(f"unpacked {len(manifest)} files ({args.pack.stat().st_size / 1e6:.1f} MB) in "
                  f"{time.perf_counter() - t0:.1f} s")
            env = {"TRANSFER_LAB_OFFLINE": "1", "TRANSFER_LAB_CACHE": cache}
            visit_all(env, shots.chromium(width, height), intro)


def visit_all(env, drv, intro):
    """A fresh server; home, `intro` seconds, then every other page; prints each page's time."""
    from selenium.webdriver.common.by import By
    t0 = time.perf_counter()
    proc, url = serve.start(env, timeout=None)
    print(f"server answering after {time.perf_counter() - t0:.1f} s; {intro:.0f} s on the home page")
    try:
        print(f"{'page':16} {'appeared s':>10}  errors")
        for page in STEP_NAMES:
            drv.get(f"{url}/{'' if page == 'home' else page}")
            secs = shots.settle(drv)
            errors = [e.text.splitlines()[0] for e in
                      drv.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')]
            print(f"{page:16} {secs if secs is not None else float('nan'):>10.2f}  "
                  f"{'; '.join(errors) or '-'}", flush=True)
            if page == "home":
                time.sleep(intro)
    finally:
        drv.quit()
        serve.stop(proc)


if __name__ == "__main__":
    main()
