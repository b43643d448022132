"""Issue 17's targets, measured as a presenter meets them: a fresh `streamlit run app.py` with an
empty cache and no pack, in a real headless Chromium at 1280 x 720. Prints numbers; never asserts.

    python benchmarks/instant.py                 # the dress page: first visit, moves, toggles, seeds
    python benchmarks/instant.py --wait 60       # ...and every position <= 64 after 60 s
    python benchmarks/instant.py --skip moves --repeats 2 --quiet-limit 30   # a shorter run
    python benchmarks/instant.py --curves        # the learning-curves page: first visit to a fresh
                                                 # server, then 5 minutes after another started

A card counts as ready when its column shows a test accuracy, is not stale (drawn by the run
in progress), and its text differs from what the column showed before the move (every position and seed trains on another number of examples or
takes another time, so an old card never passes for a new one). A toggle or a cut change keeps
the cards it does not touch: it counts once the page has changed (a new card, or one card fewer)
and every card shows an accuracy. "Complete" = the page stopped running (its sentence over the
draws and its depth profile drawn).

A slider move is a rerun of the page's fragment, and Streamlit does not let a fragment's rerun
preempt a run in progress (streamlit/runtime/scriptrunner_utils/script_requests.py,
_fragment_run_should_not_preempt_script): a move made while the page still repeats the view on
other draws waits for that run to end. So before each slider move the presenter waits for the
page to finish, at most --quiet-limit s, and the line says how long (or that it pressed while the
page still ran). A toggle, a cut or a seed (sidebar widgets, a full rerun) preempts: those are
measured at once, and only to their cards (complete "-"). Each line ends with the load average
(1 / 5 / 15 min) when it was printed: this benchmark's own server, workers and Chromium count in
it. The server tree's memory (PSS, summed over the server, its forkserver and workers) is sampled
every second; the peak is printed at the end. Needs Debian's chromium and chromium-driver, and
selenium.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts import serve  # noqa: E402
from scripts.screenshots import chromium  # noqa: E402

# The cards the page shows now: a column with a title, none of its elements stale (Streamlit marks
# an element data-stale while a rerun has not reached it yet; a card a toggle removes stays,
# faded, until the run ends).
CARDS_JS = """
return Array.from(document.querySelectorAll('[data-testid="stColumn"]'))
  .filter(c => c.querySelector('h4') && !c.querySelector('[data-stale="true"]'))
  .map(c => c.innerText);
"""
RUNNING_JS = "return document.querySelectorAll('[data-testid=\"stStatusWidget\"]').length"
CURVES_JS = """
return [document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
        document.querySelectorAll('.st-key-match_n').length,
        Array.from(document.querySelectorAll('[data-testid="stProgress"]')).map(e => e.innerText).join(' | ')];
"""


def ways_at(n: int, control: bool = False) -> int:
    from lib.image.ways import ways_for
    from lib.tasks import resolve_options
    return len(ways_for(resolve_options("image", {"control": control}), n))


def load() -> str:
    return "load {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


class Presenter:
    def __init__(self, url, width=1280, height=720, quiet_limit=600.0):
        self.url, self.drv, self.quiet_limit = url, chromium(width, height), quiet_limit

    def cards(self):
        try:
            return self.drv.execute_script(CARDS_JS)
        except Exception:  # a rerun replaced the page while we read it
            return []

    def running(self) -> bool:
        try:
            return bool(self.drv.execute_script(RUNNING_JS))
        except Exception:
            return True

    def wait(self, before, expected, t0, limit=600.0, keeps=False, quiet=True):
        """Seconds to the first new card, to `expected` cards showing an accuracy after the page
        changed, and to a quiet page (None: not within `limit`, or the quiet page not within
        --quiet-limit s of the cards). keeps=True (a toggle, a cut): the cards it does not touch
        stay as they were, so the page has changed once a card is new or the count moved.
        quiet=False: return at the cards (complete None)."""
        first = every = None
        while time.perf_counter() - t0 < limit:
            now = self.cards()
            fresh = [c for i, c in enumerate(now) if "Test accuracy" in c and (i >= len(before) or c != before[i])]
            shown = [c for c in now if "Test accuracy" in c]
            if fresh and first is None:
                first = time.perf_counter() - t0
            changed = fresh or (keeps and len(now) != len(before))
            if every is None and changed and (len(shown) == expected if keeps else len(fresh) >= expected):
                every = time.perf_counter() - t0
                first = first if first is not None else every
            if every is not None:
                if not quiet:
                    return first, every, None
                if not self.running():
                    return first, every, time.perf_counter() - t0
                if time.perf_counter() - t0 - every > self.quiet_limit:
                    return first, every, None
            time.sleep(0.05)
        return first, every, None

    def open(self, path, expected):
        t0 = time.perf_counter()
        self.drv.get(f"{self.url}/{path}")
        return self.wait([], expected, t0)

    def until_quiet(self, limit):
        """(seconds waited, whether the page stopped running within `limit`)."""
        t0 = time.perf_counter()
        while self.running():
            if time.perf_counter() - t0 > limit:
                return time.perf_counter() - t0, False
            time.sleep(0.1)
        return time.perf_counter() - t0, True

    def press(self, key, expected):
        """(first, all, complete) after a slider key, and a note on the wait before it."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        waited, quiet = self.until_quiet(self.quiet_limit)
        note = (f"pressed {waited:.0f} s later, the page done" if quiet else
                f"pressed while the page still ran, {waited:.0f} s later")
        before = self.cards()
        thumb = self.drv.find_element(By.CSS_SELECTOR, '.st-key-n_per_class [role="slider"], '
                                                       '.st-key-n_per_class input[type="range"]')
        self.drv.execute_script("arguments[0].focus()", thumb)
        t0 = time.perf_counter()
        ActionChains(self.drv).send_keys(key).perform()
        return self.wait(before, expected, t0), note

    def toggle(self, css, expected, limit=300.0):
        """Click `css` (the control toggle): the untouched cards stay."""
        from selenium.webdriver.common.by import By
        before = self.cards()
        t0 = time.perf_counter()
        self.drv.find_element(By.CSS_SELECTOR, css).click()
        return self.wait(before, expected, t0, limit, keeps=True, quiet=False)

    def choose(self, key, label, expected, limit=300.0):
        """Pick `label` in the sidebar selectbox `key` (the cut): the untouched cards stay."""
        from selenium.webdriver.common.by import By
        before = self.cards()
        self.drv.find_element(By.CSS_SELECTOR, f'.st-key-{key} button[aria-haspopup="listbox"]').click()
        end = time.perf_counter() + 10
        while time.perf_counter() < end:
            for option in self.drv.find_elements(By.CSS_SELECTOR, '[role="option"]'):
                if option.text.strip() == label:
                    t0 = time.perf_counter()
                    option.click()
                    return self.wait(before, expected, t0, limit, keeps=True, quiet=False)
            time.sleep(0.1)
        raise RuntimeError(f"no option {label!r} in the {key} selectbox")

    def step_seed(self, expected, limit=600.0):
        """The seed's + button: another draw, every card new."""
        from selenium.webdriver.common.by import By
        before = self.cards()
        button = self.drv.find_element(By.CSS_SELECTOR, '.st-key-seed [data-testid="stNumberInputStepUp"]')
        t0 = time.perf_counter()
        button.click()
        return self.wait(before, expected, t0, limit, quiet=False)

    def curves(self, t0, limit):
        """The learning-curves page opened at t0: seconds to its first chart and to the page
        complete (every run in, the headline's slider drawn, nothing running), and the progress
        bar's text when `limit` ran out first."""
        first, text = None, ""
        while time.perf_counter() - t0 < limit:
            try:
                charts, done, text = self.drv.execute_script(CURVES_JS)
            except Exception:
                charts, done = 0, 0
            if charts and first is None:
                first = time.perf_counter() - t0
            if done and not self.running():
                return first, time.perf_counter() - t0, ""
            time.sleep(0.1)
        return first, None, text

    def quit(self):
        self.drv.quit()


def tree_pids(pid: int) -> list[int]:
    """`pid` and every process under it (its forkserver, the workers), from /proc."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass
    tree = [pid]
    for p in tree:
        tree.extend(children.get(p, []))
    return tree


def tree_memory(pid: int) -> tuple:
    """(processes, summed PSS in MB, summed RSS in MB) of a server and every process under it.
    PSS shares each page among the processes that map it (workers share the forkserver's
    torch), so its sum is what the server tree costs the machine; RSS counts shared pages twice."""
    tree, pss, rss = tree_pids(pid), 0, 0
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


class PeakMemory(threading.Thread):
    """The server tree's memory every `every` s: the highest PSS seen, with its RSS and count."""

    def __init__(self, pid, every=1.0):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.running = pid, every, (0, 0.0, 0.0), True

    def run(self):
        while self.running:
            now = tree_memory(self.pid)
            if now[1] > self.peak[1]:
                self.peak = now
            time.sleep(self.every)

    def report(self) -> str:
        n, pss, rss = self.peak
        return f"peak PSS {pss:,.0f} MB (RSS {rss:,.0f} MB, {n} processes at that moment)"


def fmt(r):
    return " / ".join("-" if x is None else f"{x:.2f} s" for x in r)


def p50(results, i=1):
    """The median of the i-th figure (0 first card, 1 all cards) over `results`, '-' if none."""
    values = [r[i] for r in results if r[i] is not None]
    missing = len(results) - len(values)
    if not values:
        return "-"
    return f"{statistics.median(values):.2f} s" + (f" ({missing} never came)" if missing else "")


def fresh_server(cache):
    t_start = time.perf_counter()
    proc, url = serve.start({"TRANSFER_LAB_CACHE": cache, "TRANSFER_LAB_WARMUP": "1"})
    print(f"server answering after {time.perf_counter() - t_start:.1f} s (fresh cache, no pack); {load()}",
          flush=True)
    return proc, url, t_start


def dress(args):
    from selenium.webdriver.common.keys import Keys
    from lib.image.backbones import cuts_of
    say = lambda *a: print(*a, f"; {load()}", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        proc, url, _ = fresh_server(cache)
        memory = PeakMemory(proc.pid)
        memory.start()
        p = Presenter(url, quiet_limit=args.quiet_limit)
        try:
            say("dress page, first visit: first card / all cards / complete:", fmt(p.open("dress_colour", ways_at(16))))
            if "moves" not in args.skip:
                for key, n, name in [(Keys.ARROW_RIGHT, 32, "16 -> 32"), (Keys.ARROW_LEFT, 16, "32 -> 16"),
                                     (Keys.ARROW_LEFT, 8, "16 -> 8"), (Keys.ARROW_LEFT, 4, "8 -> 4"),
                                     (Keys.ARROW_RIGHT, 8, "4 -> 8"), (Keys.ARROW_RIGHT, 16, "8 -> 16")]:
                    r, note = p.press(key, ways_at(n))
                    say(f"slider {name:9s}: first card / all cards / complete: {fmt(r)} ({note})")
            if "toggles" not in args.skip:
                toggles = []
                for i in range(args.repeats):
                    for on in (True, False):
                        r = p.toggle('.st-key-control label', ways_at(16, on))
                        toggles.append(r)
                        say(f"control {'on ' if on else 'off'} ({i + 1}): first card / all cards: {fmt(r[:2])}")
                say(f"control toggle, all cards p50 over {len(toggles)}: {p50(toggles)}")
                cuts = []
                stages = cuts_of("efficientnet_lite0")
                for i in range(args.repeats):
                    cut = stages[(2 + 2 * i) % len(stages)]
                    for label in (f"after {cut}", "chosen from the labeled photos"):
                        r = p.choose("cut", label, ways_at(16))
                        cuts.append(r)
                        say(f"cut -> {label:30s}: first card / all cards: {fmt(r[:2])}")
                say(f"cut change, all cards p50 over {len(cuts)}: {p50(cuts)}")
            if "late" not in args.skip:
                say(f"waiting {args.wait:.0f} s with the page drawn...")
                time.sleep(args.wait)
                late = []
                for key, n in [(Keys.ARROW_RIGHT, 32), (Keys.ARROW_RIGHT, 64), (Keys.ARROW_LEFT, 32),
                               (Keys.ARROW_LEFT, 16), (Keys.ARROW_LEFT, 8), (Keys.ARROW_LEFT, 4),
                               (Keys.ARROW_LEFT, 2), (Keys.ARROW_LEFT, 1), (Keys.ARROW_RIGHT, 2),
                               (Keys.ARROW_RIGHT, 4), (Keys.ARROW_RIGHT, 8), (Keys.ARROW_RIGHT, 16)]:
                    r, note = p.press(key, ways_at(n))
                    late.append(r)
                    say(f"  late move to {n:2d}: first card / all cards / complete: {fmt(r)} ({note})")
                alls = sorted(r[1] for r in late if r[1] is not None)
                say(f"after {args.wait:.0f} s, positions 1..64: all cards p50 {statistics.median(alls):.2f} s, "
                    f"p95 {alls[int(0.95 * (len(alls) - 1))]:.2f} s, max {alls[-1]:.2f} s "
                    f"({len(alls)} of {len(late)} moves drew their cards)")
            if "seeds" not in args.skip:
                seeds = []
                for seed in range(1, 5 + args.repeats):
                    r = p.step_seed(ways_at(16))
                    seeds.append(r)
                    drawn = "a draw the page's sentence trains" if seed < 5 else "never computed"
                    say(f"seed {seed - 1} -> {seed} ({drawn}): first card / all cards: {fmt(r[:2])}")
                say(f"seed change, first card p50: seeds 1-4 {p50(seeds[:4], 0)}, seeds 5+ {p50(seeds[4:], 0)}, "
                    f"all {p50(seeds, 0)}")
            say(f"server with its workers (sampled every second): {memory.report()}")
        finally:
            memory.running = False
            p.quit()
            serve.stop(proc)


def curves(args):
    """The learning-curves page (default: 5 seeds, 1-128 per class): on a fresh server's first
    visit, then on another fresh server whose home page was opened --after s before."""
    say = lambda *a: print(*a, f"; {load()}", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        proc, url, _ = fresh_server(cache)
        memory = PeakMemory(proc.pid)
        memory.start()
        p = Presenter(url)
        try:
            t0 = time.perf_counter()
            p.drv.get(f"{url}/learning_curves")
            first, done, text = p.curves(t0, args.curves_limit)
            say(f"learning curves, first visit to a fresh server: first chart / complete: {fmt((first, done))}"
                + (f" (still training after {args.curves_limit:.0f} s: {text})" if done is None else ""))
            say(f"server with its workers: {memory.report()}")
        finally:
            memory.running = False
            p.quit()
            serve.stop(proc)
    with tempfile.TemporaryDirectory() as cache:
        proc, url, t_start = fresh_server(cache)
        memory = PeakMemory(proc.pid)
        memory.start()
        p = Presenter(url)
        try:
            p.drv.get(url)  # the presenter opens the app: home draws, the warm-up starts
            time.sleep(max(0.0, t_start + args.after - time.perf_counter()))
            t0 = time.perf_counter()
            p.drv.get(f"{url}/learning_curves")
            first, done, text = p.curves(t0, args.curves_limit)
            say(f"learning curves, server started {args.after:.0f} s before (home opened at once): "
                f"first chart / complete: {fmt((first, done))}"
                + (f" (still training after {args.curves_limit:.0f} s: {text})" if done is None else ""))
            say(f"server with its workers: {memory.report()}")
        finally:
            memory.running = False
            p.quit()
            serve.stop(proc)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wait", type=float, default=60, help="seconds to leave the page before the last check")
    ap.add_argument("--repeats", type=int, default=3,
                    help="control on/off pairs, cut changes there and back, and seeds past the draws (p50)")
    ap.add_argument("--quiet-limit", type=float, default=600,
                    help="seconds to wait at most for the page to finish: the first visit's complete, "
                         "and before each slider move")
    ap.add_argument("--skip", nargs="*", default=[], choices=["moves", "toggles", "late", "seeds"],
                    help="parts of the dress run to leave out (the first visit always runs)")
    ap.add_argument("--curves", action="store_true", help="measure the learning-curves page instead of the dress")
    ap.add_argument("--after", type=float, default=300, help="--curves: seconds from server start to the visit")
    ap.add_argument("--curves-limit", type=float, default=300, help="--curves: seconds to wait at most for the page")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; before starting: {load()}", flush=True)
    (curves if args.curves else dress)(args)


if __name__ == "__main__":
    main()
