#!/usr/bin/env python3
"""A lecture hall under load: benchmarks/load_test.py's attendees, through HAProxy in front of
several replicas of the app (scripts/hall.py) computing on one Dask cluster, and optionally one
replica lost mid-lecture.

    python benchmarks/hall_load.py                                          # 3 replicas, 60 attendees, empty cache
    python scripts/prefetch.py --write pack.tar.gz                          # once
    python benchmarks/hall_load.py --pack pack.tar.gz                       # 3 replicas, 60 attendees, 60 s
    python benchmarks/hall_load.py --pack pack.tar.gz --kill-one-after 20   # r1 killed 20 s into the moves

Each attendee does what a browser does: asks the balancer for the page (HAProxy picks the
replica with the fewest connections and sets its cookie), opens the websocket with that cookie,
then moves the dress slider as in load_test.py (same protocol, same timing, same RNG per
attendee). The room joins --settle seconds after scripts/hall.py's first visit to each replica
(which starts ui/warmup.py there).

--kill-one-after S: S seconds after the room joined, replica r1 and its children get SIGKILL.
Its attendees see their websocket close; like Streamlit's frontend they ask the balancer for
/_stcore/health (with their old cookie: HAProxy redispatches and sets a new one), reopen the
websocket and ask for a full run of the page with the query string of their URL, where the app
keeps the settings, and nothing else: what a reload does. (Streamlit's frontend also sends its
widgets' values, and reruns by itself only when its last run was a fragment run such as a
slider move; docs/DEPLOY.md.) "View back" = from the kill to the end of that run; the slider
must then show the step the URL held. A move whose run the kill interrupted never reached the
URL: it is counted ("in the middle of a slider move"), and lost. An error page = an exception
element, a failed run, or no way back. The other attendees' moves are compared before and
after the kill.

Jobs computed / distinct jobs: every worker says "transfer-lab-computed" with the job's key when
it trains a job (not when it reads a stored one, lib/engine.py); this script's own Dask client
hears them all, from the hall's start to the lecture's end (the first visits included). 1.00 =
nothing was trained twice, whichever replica's attendee asked. An error counts as in
load_test.py, a card saying a way "could not be trained" included.

Sessions per replica: the replica named in each attendee's cookie, and HAProxy's own count of
open connections per replica (`show stat` on its stats socket, sampled every 0.5 s: an
attendee's websocket is one). Peak RSS: each replica's process and its children, every 0.2 s.
Prints numbers only; the start and the result row end with the load average (1 / 5 / 15 min):
the replicas, the cluster, HAProxy and these clients count in it.
"""
import argparse
import asyncio
import http.cookiejar
import importlib.util
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_test as lt  # noqa: E402
from lib.engine import COMPUTED  # noqa: E402


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hall_script = _script("hall")
RECONNECT_WITHIN_S = 60  # a browser keeps trying; we give up (and count an error) after this


class HallAttendee(lt.Attendee):
    """One browser tab in the hall: a cookie jar, a page request, then load_test's protocol."""

    def __init__(self, hall_url: str, page: str, query: str = ""):
        super().__init__(hall_url.replace("http", "ws", 1) + "/_stcore/stream", page, query)
        self.hall_url, self.jar = hall_url, http.cookiejar.CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.held_by = []  # the replica holding this attendee, after each (re)connection
        self.answered_after = None  # seconds from the kill until the balancer answered again
        self.back_after = None  # seconds from the kill until the view was back
        self.in_flight = False  # a slider move was running when its replica died
        self.url_step = None  # the step the URL held when the replica died
        self.restored = None  # did the slider show the attendee's last step again?

    def replica(self) -> str | None:
        return next((c.value for c in self.jar if c.name == hall_script.COOKIE), None)

    def get(self, path: str) -> None:
        self.http.open(self.hall_url + path, timeout=10).read()
        self.headers = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.jar)}

    async def pause(self, ws, seconds: float) -> None:
        """A browser notices a closed websocket at once, not at its next move."""
        try:
            await asyncio.wait_for(ws.wait_closed(), seconds)
        except asyncio.TimeoutError:
            pass

    async def session(self, seconds, max_n, think, seed, killed_at=None) -> None:
        rng, end = random.Random(seed), None
        try:
            await asyncio.to_thread(self.get, f"/{self.page}?{self.query}")  # the page: a replica, a cookie
            while True:
                self.held_by.append(self.replica())
                try:
                    async with self.connect() as ws:
                        t0 = time.perf_counter()
                        await self.run_once(ws)  # the page as its URL says; after a loss too
                        if len(self.held_by) == 1:
                            self.first_view = time.perf_counter() - t0
                        else:
                            self.back_after = time.perf_counter() - killed_at[0]
                            self.restored = self.shown is not None and self.url_step in (None, self.shown)
                            if not self.restored:
                                self.errors.append(f"view not restored: slider at {self.shown}, "
                                                   f"the URL said {self.url_step}")
                        if self.slider_id is None:
                            self.errors.append("no n_per_class slider on the page")
                            return
                        end = end or time.perf_counter() + seconds
                        await self.moves(ws, rng, end, max_n, think)
                        return
                except websockets.ConnectionClosed:
                    if not killed_at or len(self.held_by) > 1:  # lost before any kill, or twice
                        raise
                    step = urllib.parse.parse_qs(self.query).get(lt.SLIDER_KEY)
                    self.url_step = int(step[0]) if step else None
                    self.in_flight = self.chosen is not None and self.url_step != self.chosen
                # the replica holding this session is gone: what Streamlit's frontend does
                await asyncio.to_thread(self.ping_until_up)
                self.answered_after = time.perf_counter() - killed_at[0]
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as err:
            self.errors.append(f"{type(err).__name__}: {err}")

    def ping_until_up(self) -> None:
        deadline = time.monotonic() + RECONNECT_WITHIN_S
        while True:
            try:
                return self.get("/_stcore/health")
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


class ConnectionCounts(threading.Thread):
    """HAProxy's open connections per replica, sampled: the most seen at once."""

    def __init__(self, hall):
        super().__init__(daemon=True)
        self.hall, self.peak, self.running = hall, {}, True

    def run(self):
        while self.running:
            try:
                for name, row in self.hall.stats().items():
                    self.peak[name] = max(self.peak.get(name, 0), int(row["scur"] or 0))
            except OSError:
                pass
            time.sleep(0.5)


async def lecture(hall, n, seconds, max_n, think, settle, kill_after):
    # the attendees' HTTP requests run in threads: one each, so none waits for another's turn
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=n + 4))
    await asyncio.sleep(settle)  # after the first visits (ui/warmup.py loads everything meanwhile)
    people = [HallAttendee(hall.url, "dress_colour") for _ in range(n)]
    killed_at = [] if kill_after is not None else None

    async def kill():
        await asyncio.sleep(kill_after)
        killed_at.append(time.perf_counter())
        await asyncio.to_thread(hall.kill_replica, "r1")

    tasks = [p.session(seconds, max_n, think, seed=i, killed_at=killed_at) for i, p in enumerate(people)]
    await asyncio.gather(*tasks, *([kill()] if kill_after is not None else []))
    return people, (killed_at[0] if killed_at else None)


def summary(label, lat):
    if not lat:
        return f"{label}: no moves"
    return (f"{label}: {len(lat)} moves, p50 {lt.pct(lat, 50):.2f} s, p95 {lt.pct(lat, 95):.2f} s, "
            f"max {max(lat):.2f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", type=Path, help="prefetch pack every replica starts from (else an empty cache)")
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--workers", type=int, help="worker processes of the hall's cluster, besides the kept one "
                                                "(default: lib.cluster's, the cores up to 4)")
    ap.add_argument("--sessions", type=int, default=60, help="attendees")
    ap.add_argument("--seconds", type=float, default=60, help="how long each attendee moves the slider")
    ap.add_argument("--max-n", type=int, default=64, help="slider steps drawn from 1..max-n per class")
    ap.add_argument("--think", type=float, default=1.0, help="pause between slider moves, seconds")
    ap.add_argument("--settle", type=float, default=20.0,
                    help="seconds between the first visit to each replica and the room joining")
    ap.add_argument("--kill-one-after", type=float, metavar="S",
                    help="SIGKILL replica r1 this many seconds after the room joined")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py the replicas serve")
    ap.add_argument("--workdir", type=Path, help="keep haproxy.cfg and every process's log here")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.replicas} replicas behind HAProxy, one Dask cluster of "
          f"{args.workers or 'default'} workers + 1 kept; {args.sessions} attendees, "
          f"every one on seed 0, sizes up to {args.max_n}; room joins {args.settle:.0f} s after the "
          f"first visits; {args.seconds:.0f} s per attendee; {args.think} s between moves"
          + (f"; r1 killed {args.kill_one_after:.0f} s after the room joined" if args.kill_one_after else "")
          + ("" if args.pack else "; an empty cache (no pack)") + f"; before starting: {lt.load()}",
          flush=True)
    hall = hall_script.Hall(args.replicas, pack=args.pack, env={"TRANSFER_LAB_OFFLINE": "1"}, root=args.root,
                             workdir=args.workdir, workers=args.workers)
    hall.start()
    from distributed import Client
    client = Client(hall.scheduler, set_as_default=False)
    computed = []  # a subscription, not get_events: the scheduler keeps only the last 1000 per topic
    client.subscribe_topic(COMPUTED, lambda event: computed.append(event[1]["key"]))
    hall.first_visits()  # as scripts/hall.py does: each replica's warm-up starts
    memory = {r.name: lt.PeakMemory(r.proc.pid) for r in hall.replicas}
    counts = ConnectionCounts(hall)
    for m in [*memory.values(), counts]:
        m.start()
    try:
        people, killed_at = asyncio.run(lecture(hall, args.sessions, args.seconds, args.max_n, args.think,
                                                args.settle, args.kill_one_after))
    finally:
        for m in [*memory.values(), counts]:
            m.running = False
            m.join()
        time.sleep(1)  # the last events on their way
        client.close()
        hall.stop()

    at_end = lt.load()
    lat = [x for p in people for x in p.latencies]
    errors = [e for p in people for e in p.errors]
    first = [p.first_view for p in people if p.first_view is not None]
    print(f"{'N':>3} {'moves':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'1st view p50 s':>15}"
          f"  load 1 / 5 / 15 min at the end")
    print(f"{len(people):>3} {len(lat):>6} {len(errors):>6} {lt.pct(lat, 50) if lat else float('nan'):>7.2f} "
          f"{lt.pct(lat, 95) if lat else float('nan'):>7.2f} {max(lat, default=float('nan')):>7.2f} "
          f"{statistics.median(first) if first else float('nan'):>15.2f}  {at_end}")
    for e in sorted(set(errors))[:8]:
        print(f"      {errors.count(e)} x {e}")
    distinct = set(computed)
    print(f"jobs computed / distinct jobs: {len(computed)} / {len(distinct)} = "
          f"{len(computed) / len(distinct) if distinct else float('nan'):.2f} (target 1.00)")
    for key in sorted(k for k in distinct if computed.count(k) > 1)[:5]:
        print(f"      trained {computed.count(key)} times: {key}")
    print(f"{'replica':>8} {'attendees at join':>18} {'at the end':>11} {'haproxy peak conns':>19} {'peak RSS MB':>12}")
    for r in hall.replicas:
        joined = sum(1 for p in people if p.held_by[:1] == [r.name])
        end = sum(1 for p in people if p.held_by[-1:] == [r.name])
        print(f"{r.name:>8} {joined:>18} {end:>11} {counts.peak.get(r.name, 0):>19} {memory[r.name].peak / 1e6:>12.0f}")
    if killed_at is None:
        return
    moved = [p for p in people if p.held_by[:1] == ["r1"]]
    others = [p for p in people if p.held_by[:1] != ["r1"]]
    back = [p.back_after for p in moved if p.back_after is not None]
    print(f"r1 killed: {len(moved)} attendees on it ({sum(1 for p in moved if p.in_flight)} in the middle of "
          f"a slider move); {len(back)} got their view back through the balancer "
          f"({sum(1 for p in moved if p.restored)} with the slider where their URL had it), "
          f"{sum(1 for p in moved if p.errors)} saw an error")
    answered = [p.answered_after for p in moved if p.answered_after is not None]
    if answered:
        print(f"  the balancer answered them again after: p50 {statistics.median(answered):.2f} s, "
              f"max {max(answered):.2f} s")
    if back:
        print(f"  view back after the kill: p50 {statistics.median(back):.2f} s, max {max(back):.2f} s "
              f"(moved to: {', '.join(f'{n} {sum(1 for p in moved if p.held_by[-1:] == [n])}' for n in sorted({p.held_by[-1] for p in moved if len(p.held_by) > 1}))})")
    print(f"  the other {len(others)} attendees: {sum(1 for p in others if p.errors)} saw an error, "
          f"{sum(1 for p in others if len(p.held_by) > 1)} were reconnected")
    print("  " + summary("their moves before the kill", [x for p in others for t, x in zip(p.moved_at, p.latencies) if t < killed_at]))
    print("  " + summary("their moves after the kill ", [x for p in others for t, x in zip(p.moved_at, p.latencies) if t >= killed_at]))


if __name__ == "__main__":
    main()
