"""Issue 17's targets, measured as a presenter meets them: a fresh `streamlit run app.py` with an
empty cache and no pack, in a real headless Chromium at 1280 x 720. Prints numbers; never asserts.

    python benchmarks/instant.py                 # the dress page: first visit, moves, toggles
    python benchmarks/instant.py --wait 60       # ...and every position <= 64 after 60 s

A card counts as ready when its column shows a test accuracy and its text differs from what the
column showed before the move (every position and seed trains on another number of examples or
takes another time, so an old card never passes for a new one). Needs Debian's chromium and
chromium-driver, and selenium.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts import serve  # noqa: E402
from scripts.screenshots import chromium  # noqa: E402

CARDS_JS = """
return Array.from(document.querySelectorAll('[data-testid="stColumn"]'))
  .filter(c => c.querySelector('h4'))
  .map(c => c.innerText);
"""
RUNNING_JS = "return document.querySelectorAll('[data-testid=\"stStatusWidget\"]').length"


def ways_at(n: int, control: bool = False) -> int:
    from lib.image.ways import ways_for
    from lib.tasks import resolve_options
    return len(ways_for(resolve_options("image", {"control": control}), n))


class Presenter:
    def __init__(self, url, width=1280, height=720):
        self.url, self.drv = url, chromium(width, height)

    def cards(self):
        try:
            return self.drv.execute_script(CARDS_JS)
        except Exception:  # a rerun replaced the page while we read it
            return []

    def wait(self, before, expected, t0, limit=600.0):
        """Seconds to the first and to the last of `expected` new cards, and to a quiet page."""
        first = every = None
        while time.perf_counter() - t0 < limit:
            now = self.cards()
            fresh = [c for i, c in enumerate(now) if "Test accuracy" in c and (i >= len(before) or c != before[i])]
            if fresh and first is None:
                first = time.perf_counter() - t0
            if len(fresh) >= expected and every is None:
                every = time.perf_counter() - t0
            if every is not None and not self.drv.execute_script(RUNNING_JS):
                return first, every, time.perf_counter() - t0
            time.sleep(0.05)
        return first, every, None

    def open(self, path, expected):
        t0 = time.perf_counter()
        self.drv.get(f"{self.url}/{path}")
        return self.wait([], expected, t0)

    def press(self, key, expected):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        before = self.cards()
        thumb = self.drv.find_element(By.CSS_SELECTOR, '.st-key-n_per_class [role="slider"], '
                                                       '.st-key-n_per_class input[type="range"]')
        self.drv.execute_script("arguments[0].focus()", thumb)
        t0 = time.perf_counter()
        ActionChains(self.drv).send_keys(key).perform()
        return self.wait(before, expected, t0)

    def toggle(self, css, expected, limit=600.0):
        """A toggle keeps the cards it does not touch: seconds until `expected` cards show a test
        accuracy (first = all here) and the page is quiet."""
        from selenium.webdriver.common.by import By
        t0 = time.perf_counter()
        self.drv.find_element(By.CSS_SELECTOR, css).click()
        every = None
        while time.perf_counter() - t0 < limit:
            shown = [c for c in self.cards() if "Test accuracy" in c]
            if len(shown) == expected and every is None and time.perf_counter() - t0 > 0.2:
                every = time.perf_counter() - t0
            if every is not None and not self.drv.execute_script(RUNNING_JS):
                return every, every, time.perf_counter() - t0
            time.sleep(0.05)
        return None, every, None

    def quit(self):
        self.drv.quit()


def tree_memory(pid: int) -> tuple:
    """(processes, summed PSS in MB, summed RSS in MB) of a server and every process under it.
    PSS shares each page among the processes that map it (workers share the forkserver's
    torch), so its sum is what the server tree costs the machine; RSS counts shared pages twice."""
    import subprocess
    pids = [int(p) for p in subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True,
                                            text=True).stdout.split()]
    children, tree = {}, [pid]
    for child, parent in zip(pids[::2], pids[1::2]):
        children.setdefault(parent, []).append(child)
    for p in tree:
        tree.extend(children.get(p, []))
    pss = rss = 0
    for p in tree:
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return len(tree), pss / 1024, rss / 1024


def fmt(r):
    return " / ".join("-" if x is None else f"{x:.2f} s" for x in r)


def main():
    from selenium.webdriver.common.keys import Keys
    ap = argparse.ArgumentParser()
    ap.add_argument("--wait", type=float, default=60, help="seconds to leave the page before the last check")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        t_start = time.perf_counter()
        proc, url = serve.start({"TRANSFER_LAB_CACHE": cache, "TRANSFER_LAB_WARMUP": "1"})
        print(f"server answering after {time.perf_counter() - t_start:.1f} s (fresh cache, no pack)")
        p = Presenter(url)
        try:
            print("dress page, first visit: first card / all cards / complete:",
                  fmt(p.open("dress_colour", ways_at(16))))
            moves = []
            for key, n, name in [(Keys.ARROW_RIGHT, 32, "16 -> 32"), (Keys.ARROW_LEFT, 16, "32 -> 16"),
                                 (Keys.ARROW_LEFT, 8, "16 -> 8"), (Keys.ARROW_LEFT, 4, "8 -> 4"),
                                 (Keys.ARROW_RIGHT, 8, "4 -> 8"), (Keys.ARROW_RIGHT, 16, "8 -> 16")]:
                r = p.press(key, ways_at(n))
                moves.append(r)
                print(f"slider {name:9s} (right after the view): first card / all cards / complete: {fmt(r)}")
            print("control on: first card / all cards / complete:",
                  fmt(p.toggle('.st-key-control label', ways_at(16, True))))
            print("control off:", fmt(p.toggle('.st-key-control label', ways_at(16))))
            print(f"waiting {args.wait:.0f} s with the page drawn...")
            time.sleep(args.wait)
            late = []
            for key, n in [(Keys.ARROW_RIGHT, 32), (Keys.ARROW_RIGHT, 64), (Keys.ARROW_LEFT, 32),
                           (Keys.ARROW_LEFT, 16), (Keys.ARROW_LEFT, 8), (Keys.ARROW_LEFT, 4),
                           (Keys.ARROW_LEFT, 2), (Keys.ARROW_LEFT, 1)]:
                late.append(p.press(key, ways_at(n)))
            alls = sorted(r[1] for r in late if r[1] is not None)
            n, pss, rss = tree_memory(proc.pid)
            print(f"server with its workers: {n} processes, PSS {pss:,.0f} MB (RSS {rss:,.0f} MB)")
            print(f"after {args.wait:.0f} s, every position 1..64: all cards p50 {statistics.median(alls):.2f} s, "
                  f"p95 {alls[int(0.95 * (len(alls) - 1))]:.2f} s, max {alls[-1]:.2f} s ({len(alls)} moves)")
        finally:
            p.quit()
            serve.stop(proc)


if __name__ == "__main__":
    main()
