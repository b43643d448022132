#!/usr/bin/env python3
"""Regenerate the README's screenshots from the running app, in a real headless Chromium.

    python scripts/screenshots.py                          # every page -> docs/screenshots/<page>.png
    python scripts/screenshots.py dress_colour --present   # presenter mode, projector-sized
    python scripts/screenshots.py --url http://127.0.0.1:8501 --size 1920x1080 --out /tmp/shots

Starts `streamlit run app.py` (offline) unless --url names one already running. Each picture is
the page's default view, taken once nothing has been running for 2 s, and as tall as the page.
Needs Debian's chromium and chromium-driver, and selenium.
"""
import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import serve  # noqa: E402
from ui.presenter import STEP_NAMES  # noqa: E402


def chromium(width: int, height: int):
    from selenium import webdriver
    binary, driver = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(binary) and os.path.exists(driver)):
        sys.exit("needs chromium and chromedriver: apt-get install chromium chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--hide-scrollbars", f"--window-size={width},{height}"]:
        opts.add_argument(flag)
    return webdriver.Chrome(service=webdriver.ChromeService(driver), options=opts)


def settle(drv, timeout: float = 600) -> float | None:
    """Seconds until the page had content and nothing running, confirmed 2 s later (those 2 s
    not counted); None if that never happened within `timeout`."""
    from selenium.webdriver.common.by import By
    t0, quiet = time.perf_counter(), None
    while time.perf_counter() - t0 < timeout:
        busy = drv.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        if drv.find_elements(By.CSS_SELECTOR, '[data-testid="stMarkdown"]') and not busy:
            quiet = quiet or time.perf_counter()
            if time.perf_counter() - quiet > 2:
                return quiet - t0
        else:
            quiet = None
        time.sleep(0.1)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pages", nargs="*", default=STEP_NAMES)
    ap.add_argument("--url", help="an app already running; otherwise one is started")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--size", default="1400x900", help="window WxH; the picture grows to the page's height")
    ap.add_argument("--present", action="store_true", help="in presenter mode (?present=1)")
    ap.add_argument("--fold", action="store_true", help="only the window, as a projector shows it")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        proc, url = (None, args.url.rstrip("/")) if args.url else serve.start()
    except serve.DidNotStart as err:
        sys.exit(str(err))
    drv = chromium(width, height)
    try:
        drv.get(url)  # "/" first: a fresh server serves pages/ without app.py until app.py has run
        settle(drv)
        for page in args.pages:
            drv.set_window_size(width, height)
            drv.get(f"{url}/{'' if page == 'home' else page}{'?present=1' if args.present else ''}")
            ok = settle(drv) is not None
            tall = drv.execute_script("const m = document.querySelector('[data-testid=\"stMain\"]');"
                                      "return Math.max(document.body.scrollHeight, m ? m.scrollHeight : 0);")
            if not args.fold:
                drv.set_window_size(width, min(max(height, int(tall) + 50), 8000))
                time.sleep(1)  # let charts redraw at the new size
            path = args.out / f"{page}{'_present' if args.present else ''}.png"
            drv.save_screenshot(str(path))
            print(f"{'ok' if ok else 'NOT SETTLED':11} {path}")
    finally:
        drv.quit()
        if proc:
            serve.stop(proc)


if __name__ == "__main__":
    main()
