#!/usr/bin/env python3
"""A classroom on one server: N attendees each move the dress slider for a while; how long until
each sees updated results, how many errors, and how much memory the server takes.

    python benchmarks/load_test.py                         # N = 1, 5, 10, 20; 60 s each
    python benchmarks/load_test.py --sessions 20 --seconds 30

The clients speak Streamlit's own websocket protocol (the BackMsg/ForwardMsg protobufs its
frontend sends), so the server does exactly the work it does for a browser: runs the page,
trains, sends every element. A headless Chromium per attendee would cost 200-300 MB and a
share of the same two cores, measuring the laptop running the browsers more than the server.
What the server never sees is the browser drawing the page: add that on a slow laptop.

Each N gets a fresh `streamlit run app.py` with TRANSFER_LAB_OFFLINE=1 on the cache that
`scripts/prefetch.py` filled; --empty-cache gives each N a new empty cache instead (issue 17's
condition: a fresh server, no pack, everything trained live). An attendee opens the dress page, then repeatedly picks a random
step of the slider up to --max-n (its own seeded RNG), sends it as the slider's value, waits for
the run to finish and pauses --think seconds. By default every attendee keeps seed 0, the
positions the pack holds; --own-seed gives attendee i seed i + 1 (in its link), so every move
trains, queued behind the others: the worst case, a room that ignores the defaults. "Time to updated results" = slider value sent -> the run's
script_finished message. An error = an exception element, a card saying a way "could not be
trained" (a worker died twice on its job, a task lost: the page stands, but that attendee saw no
numbers), a failed run, or no answer in 120 s.
Peak RSS = the server process and its children, sampled every 0.2 s. Prints numbers only.
The room joins --settle seconds after a first visit to the server (the presenter opening it),
the time ui/warmup.py takes to load everything; --settle 0 measures a room rushing a server
that has just started. Each row ends with the load average (1 / 5 / 15 min) when it was printed:
the server under test, its workers and these clients count in it.
"""
import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts import serve  # noqa: E402

SLIDER_KEY = "n_per_class"
ANSWER_TIMEOUT_S = 120
UNTRAINED = "could not be trained"  # ui/live.py's card for a way whose job failed: an error here
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


# ---------------------------------------------------------------- the server and its memory

def start_server(port: int, root: Path = ROOT, env: dict | None = None) -> subprocess.Popen:
    try:
        return serve.start(env, port=port, root=root)[0]
    except serve.DidNotStart as err:
        sys.exit(str(err))


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, from /proc."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            pass
        todo += children.get(p, [])
    return total


class PeakMemory(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.2)


# ---------------------------------------------------------------- one attendee

def shown_step(slider, options):
    """The step a select_slider element shows: its value set by the app (raw_value), else the
    index it was given, else its default index."""
    if slider.raw_value:
        return int(slider.raw_value[0])
    index = slider.value or slider.default
    return options[int(index[0])] if index else None


class Attendee:
    """One browser tab's worth of protocol: rerun requests out, page elements back."""

    def __init__(self, url: str, page: str, query: str):
        self.url, self.page, self.query = url, page, query  # query: the URL's, kept up to date
        self.headers = None  # extra HTTP headers for the websocket (a balancer's cookie)
        self.slider_id = self.fragment_id = None
        self.options = []  # the slider's steps (a select_slider sends one of them as a string)
        self.shown = self.chosen = None  # the step the slider showed in the last run; the last one sent
        self.latencies, self.moved_at, self.errors, self.first_view = [], [], [], None

    def connect(self):
        return websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                  additional_headers=self.headers)

    async def run_once(self, ws, widgets=None, fragment_id="") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name, state.fragment_id = self.query, self.page, fragment_id
        for wid, value in (widgets or {}).items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.string_array_value.data.append(str(value))
        await ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_S))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "exception":
                    self.errors.append(f"exception: {element.exception.message[:200]}")
                elif element.WhichOneof("type") == "alert" and UNTRAINED in element.alert.body:
                    self.errors.append(f"card: {element.alert.body[:200]}")
                elif element.WhichOneof("type") == "slider" and element.slider.id.endswith(SLIDER_KEY):
                    self.slider_id, self.fragment_id = element.slider.id, fwd.delta.fragment_id
                    self.options = [int(o) for o in element.slider.options]
                    self.shown = shown_step(element.slider, self.options)
            elif kind == "page_info_changed":  # the app wrote its settings into the URL
                self.query = fwd.page_info_changed.query_string
            elif kind == "page_not_found":
                self.errors.append(f"page not found: {self.page}")
            elif kind == "script_finished":
                if fwd.script_finished not in DONE:
                    self.errors.append(f"run ended with {ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)}")
                return

    async def session(self, seconds: float, max_n: int, think: float, seed: int) -> None:
        rng = random.Random(seed)
        try:
            async with self.connect() as ws:
                t0 = time.perf_counter()
                await self.run_once(ws)
                self.first_view = time.perf_counter() - t0
                if self.slider_id is None:
                    self.errors.append("no n_per_class slider on the page")
                    return
                await self.moves(ws, rng, time.perf_counter() + seconds, max_n, think)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as err:
            self.errors.append(f"{type(err).__name__}: {err}")

    async def moves(self, ws, rng, end: float, max_n: int, think: float) -> None:
        """Move the slider to random steps until `end` (a perf_counter time)."""
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            size = self.chosen = rng.choice([o for o in self.options if o <= max_n])
            await self.run_once(ws, {self.slider_id: size}, self.fragment_id)
            self.latencies.append(time.perf_counter() - t0)
            self.moved_at.append(t0)
            await self.pause(ws, think)

    async def pause(self, ws, seconds: float) -> None:
        await asyncio.sleep(seconds)


# ---------------------------------------------------------------- one classroom size

async def classroom(port, n, seconds, max_n, think, own_seed=False, settle=20.0):
    ws_url = f"ws://127.0.0.1:{port}/_stcore/stream"
    # a first visit to "/": until app.py has run once, Streamlit serves pages/ as a legacy app
    warm = Attendee(ws_url, "", "")
    async with warm.connect() as ws:
        await warm.run_once(ws)
    await asyncio.sleep(settle)  # the presenter opened the app before the room joined (ui/warmup.py)
    people = [Attendee(ws_url, "dress_colour", f"seed={i + 1}" if own_seed else "") for i in range(n)]
    await asyncio.gather(*(p.session(seconds, max_n, think, seed=i) for i, p in enumerate(people)))
    return people


def load() -> str:
    return "load {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def pct(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    ap.add_argument("--seconds", type=float, default=60, help="how long each attendee moves the slider")
    ap.add_argument("--max-n", type=int, default=64, help="slider steps drawn from 1..max-n per class")
    ap.add_argument("--own-seed", action="store_true", help="attendee i uses seed i + 1: every move trains")
    ap.add_argument("--settle", type=float, default=20.0,
                    help="seconds between the first visit to the server and the room joining")
    ap.add_argument("--think", type=float, default=1.0, help="pause between slider moves, seconds")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py to serve")
    ap.add_argument("--empty-cache", action="store_true",
                    help="each N on a new empty cache (TRANSFER_LAB_CACHE), not the prefetched one")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; sizes up to {args.max_n}; "
          f"{'attendee i on seed i + 1' if args.own_seed else 'every attendee on seed 0'}; "
          f"room joins {args.settle:.0f} s after the first visit; "
          f"{args.seconds:.0f} s per attendee; {args.think} s between moves; "
          f"{'a new empty cache per N' if args.empty_cache else 'the prefetched cache'}; "
          f"before starting: {load()}", flush=True)
    print(f"{'N':>3} {'moves':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
          f"{'1st view p50 s':>15} {'peak RSS MB':>12}  load 1 / 5 / 15 min")
    for n in args.sessions:
        empty = tempfile.TemporaryDirectory() if args.empty_cache else None
        proc = start_server(args.port, args.root, {"TRANSFER_LAB_CACHE": empty.name} if empty else None)
        memory = PeakMemory(proc.pid)
        memory.start()
        try:
            people = asyncio.run(classroom(args.port, n, args.seconds, args.max_n, args.think,
                                            args.own_seed, args.settle))
        finally:
            memory.running = False
            memory.join()
            proc.terminate()
            proc.wait(20)
            if empty:
                empty.cleanup()
        lat = [x for p in people for x in p.latencies]
        errors = [e for p in people for e in p.errors]
        first = [p.first_view for p in people if p.first_view is not None]
        print(f"{n:>3} {len(lat):>6} {len(errors):>6} {pct(lat, 50) if lat else float('nan'):>7.2f} "
              f"{pct(lat, 95) if lat else float('nan'):>7.2f} {max(lat, default=float('nan')):>7.2f} "
              f"{statistics.median(first) if first else float('nan'):>15.2f} {memory.peak / 1e6:>12.0f}  {load()}",
              flush=True)
        for e in sorted(set(errors))[:5]:
            print(f"      {errors.count(e)} x {e}")


if __name__ == "__main__":
    main()
