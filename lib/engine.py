"""The room's compute: every way of every view is a Dask task, computed once for everyone.

A workshop is many people on one app. Each slider position is a handful of jobs (one way at one
position, or a depth profile); every job is a Dask task whose key is the file its result is kept
in (lib.stored), so the same work asked by any session of any replica is one task, computed once.

- `Job`: what to compute, hashable; `Job.key` is its result's file name (computed once per job).
- `work(job)`: runs on a worker. Reads the result from the workers' cache folder or computes and
  stores it there (atomically, lib.cache); says its progress and its card's numbers as Dask
  events (topics PROGRESS and CARD) before it ends.
- `current()`: this process's engine (its Dask client). By default it starts a local cluster in a process of its own
  (lib/cluster.py: worker processes = cores, one thread each, plus one worker kept for what a
  page asks for), so no worker ever imports the app: Streamlit runs app.py as `__main__`, and a
  spawned process re-imports `__main__` (the hand-written pool met that trap: 20 GB in a minute).
  TRANSFER_LAB_SCHEDULER=tcp://host:8786 joins an existing cluster instead (docs/DEPLOY.md);
  TRANSFER_LAB_WORKERS=0 runs one worker thread inside this process (the tests patch the ways).
- `Asks`: what one session waits for, by group. Re-aiming a group keeps the futures it still wants
  and releases the rest. Dask forgets a task only when no client holds a future of it, so an
  attendee who moves on never cancels another's work; a task already running finishes, and its
  result is stored for the next asker.

Priorities (Dask runs higher numbers first): NOW (what a page shows) > PROFILE (the view's other
draws and depth profile) > NEXT (what the presenter will likely ask next) > LATER (the rest of
the ladder) > SWEEP (the default learning curves). Dask keeps a task's priority and restrictions
from its first submission, so a page's ask is a task of its own ("now-" + key) and a background
ask another ("ahead-" + key): both compute through the same file lock (lib.cache.locked), so
whichever runs second reads what the first stored. Background tasks need the worker resource
AHEAD, which the kept worker lacks: a slider move always finds a free worker.
"""
import functools
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

from lib.cluster import AHEAD, ALLOWED_FAILURES, SLOT

SCHEDULER_ENV = "TRANSFER_LAB_SCHEDULER"
WORKERS_ENV = "TRANSFER_LAB_WORKERS"
NOW, PROFILE, NEXT, LATER, SWEEP = 40, 30, 20, 10, 0
PROGRESS, CARD, COMPUTED, NOTICE = ("transfer-lab-progress", "transfer-lab-card",
                                    "transfer-lab-computed", "transfer-lab-notice")


class WorkerDied(RuntimeError):
    """A job's worker died twice: the message says what to do."""


@dataclass(frozen=True)
class Job:
    kind: str                 # "run" (one way) or "profile" (the frozen head after every stage)
    task: str                 # a named task: workers load it themselves
    n_per_class: int
    seed: int                 # for a profile: ignored (it runs DEPTH_SEEDS)
    method: str = ""          # the way, for kind "run"
    options: tuple = ()       # sorted (name, value) pairs, hashable
    way_kind: str = "image"   # which registry names the way: lib.image.ways.WAYS or lib.text.ways.TEXT_WAYS

    @staticmethod
    def run(task, method, n_per_class, seed, options, way_kind="image"):
        return Job("run", task, int(n_per_class), int(seed), method, tuple(sorted(options.items())), way_kind)

    @staticmethod
    def profile(task, n_per_class, backbone, control=False):
        """The depth profile; the random-weight control's features only when the page shows it."""
        return Job("profile", task, int(n_per_class), 0, "", (("backbone", backbone), ("control", bool(control))))

    @property
    def key(self) -> str:
        """The file its result is kept in: equal keys are the same work."""
        return _key(self)

    @property
    def way(self):
        if self.way_kind == "text":
            from lib.text.ways import TEXT_WAYS
            return TEXT_WAYS[self.method]
        from lib.image.ways import WAYS
        return WAYS[self.method]


@functools.lru_cache(maxsize=65536)
def _key(job: Job) -> str:
    # A waiting page reads each job's key every poll: hashing paths once per job, not per read.
    from lib import stored
    if job.kind == "profile":
        return stored.profile_path(job.task, job.n_per_class, dict(job.options)).name
    return stored.run_path(job.way, job.task, job.n_per_class, job.seed, dict(job.options)).name


# ------------------------------------------------------------------ on a worker

def _event(topic: str, msg: dict) -> None:
    from distributed import get_worker
    try:
        get_worker().log_event(topic, msg)
    except ValueError:  # not on a worker (a test calling work() directly): nobody listens
        pass


def work(job: Job):
    """Do one job and return its result (stored in the workers' cache folder on the way); its
    progress and its card's numbers go out as Dask events as soon as they are known."""
    from lib import stored
    from lib.runs import announcing
    key = job.key
    say = lambda message, fraction: _event(PROGRESS, {"key": key, "message": str(message),
                                                     "fraction": float(fraction)})
    card = lambda run: _event(CARD, {"key": key, "run": stored.run_json(run)})
    computed = lambda: _event(COMPUTED, {"key": key})
    options = dict(job.options)
    try:
        if job.kind == "profile":
            from lib.comparisons import DEPTH_SEEDS
            return stored.depth_profile_stored(job.task, job.n_per_class, DEPTH_SEEDS, progress=(
                lambda done, total: say(f"Head after every stage: {done} of {total} trained", done / total)),
                on_compute=computed, **options)
        with announcing(card):
            return stored.run_stored(job.way, job.task, job.task, job.n_per_class, job.seed, options, say,
                                     on_compute=computed)
    finally:
        if stored.write_problem:  # a full or read-only cache folder: the page says so
            _event(NOTICE, {"message": stored.write_problem})
            stored.write_problem = None


# ------------------------------------------------------------------ in the app's process

class Engine:
    """This process's Dask client, and what the workers said about jobs still running."""

    def __init__(self, client, cluster=None, notice: str | None = None, ahead: bool = True):
        self.client, self.cluster, self.notice, self.ahead = client, cluster, notice, ahead
        self.progress: OrderedDict = OrderedDict()  # job key -> (message, fraction)
        self.cards: OrderedDict = OrderedDict()     # job key -> Run, known before its job ends
        self.computed: list = []                    # keys the workers trained (not read): benchmarks
        self.notices: list = []                     # what the workers could not do (a full cache)
        self._lock = threading.Lock()
        resources = [w.get("resources", {}) for w in client.scheduler_info().get("workers", {}).values()]
        self._restrict = any(AHEAD in r for r in resources)  # a cluster started without our resources
        client.subscribe_topic(PROGRESS, self._on_progress)
        client.subscribe_topic(CARD, self._on_card)
        client.subscribe_topic(COMPUTED, lambda event: self.computed.append(event[1]["key"]))
        client.subscribe_topic(NOTICE, lambda event: self.notices.append(event[1]["message"]))

    KEEP = 2000  # progress and early cards of this many recent jobs (a job's are dropped when it ends)

    def _keep(self, table, key, value):
        with self._lock:
            table[key] = value
            table.move_to_end(key)
            while len(table) > self.KEEP:
                table.popitem(last=False)

    def _on_progress(self, event):
        msg = event[1]
        self._keep(self.progress, msg["key"], (msg["message"], msg["fraction"]))

    def _on_card(self, event):
        from lib import stored
        msg = event[1]
        self._keep(self.cards, msg["key"], stored.run_from_json(msg["run"]))

    def submit(self, job: Job, priority: int = NOW):
        """The future of `job`'s result: one Dask task per (job, tier), shared by every asker."""
        now = priority >= NOW
        resources = ({SLOT: 1} if now else {AHEAD: 1}) if self._restrict else None
        return self.client.submit(work, job, key=f"{'now' if now else 'ahead'}-{job.key}",
                                  priority=priority, resources=resources, pure=False)

    def done(self, job: Job) -> None:
        """Forget what the workers said about a finished job."""
        with self._lock:
            self.progress.pop(job.key, None)
            self.cards.pop(job.key, None)

    def dashboard(self) -> str | None:
        return getattr(self.client, "dashboard_link", None)

    def alive(self) -> bool:
        """Its client is open and its event loop still runs. A client whose loop thread has ended
        still says "running" while none of its futures can ever finish: a page waited on one
        forever once in the test suite (an in-process cluster, many made and closed in one
        process), so `current` replaces such an engine and the pages ask again (ui.live)."""
        try:
            return self.client.status not in ("closed", "closing") and self.client.loop.asyncio_loop.is_running()
        except Exception:  # noqa: BLE001 (a half-closed client: not alive, whatever it raised)
            return False

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def abandon(self) -> None:
        """Close what can still be closed; mark a client whose loop has stopped closed, so that
        its finaliser does not try again on that loop (it raised in whatever ran the collector)."""
        try:
            self.close()
        except Exception:  # noqa: BLE001 (its loop is gone: nothing left to close cleanly)
            self.client.status = "closed"


class Asks:
    """What one session (or the warm-up) waits for, by group: `want(group, pairs)` holds the
    futures of those (job, priority) pairs and releases the futures the group held before and
    no longer wants. A released task that another session holds goes on; one nobody holds is
    forgotten by Dask (a running one finishes and is stored: nothing is cut short)."""

    def __init__(self):
        self._groups: dict = {}  # group -> {job: future}
        self._lock = threading.Lock()

    def want(self, group: str, pairs, keep: bool = False) -> dict:
        """{job: future} for `pairs` (job, priority); keep=True adds to what the group holds."""
        pairs = list(pairs)
        e = current() if pairs else None  # a stored view asks nothing: no cluster needed for it
        with self._lock:
            held = self._groups.get(group, {})
            if e is not None:  # futures of an engine that was replaced are asked of this one
                held = {job: f for job, f in held.items() if f.client is e.client}
            futures = {job: held.get(job) or e.submit(job, priority) for job, priority in pairs}
            self._groups[group] = {**held, **futures} if keep else futures
        return futures

    def release(self, group: str | None = None) -> None:
        with self._lock:
            for g in [group] if group is not None else list(self._groups):
                for future in self._groups.pop(g, {}).values():
                    future.release()


def default_workers() -> int:
    chosen = os.environ.get(WORKERS_ENV, "").strip()
    if chosen:
        try:
            return max(0, int(chosen))
        except ValueError:
            raise ValueError(f"{WORKERS_ENV}={chosen!r} is not a whole number of workers") from None
    return min(os.cpu_count() or 1, 4)


_engine = None
_engine_lock = threading.Lock()


def current() -> Engine:
    """This process's engine, connected on first use: the cluster TRANSFER_LAB_SCHEDULER names,
    else a local one (a notice says why if the named one did not answer)."""
    global _engine
    with _engine_lock:
        if _engine is None or not _engine.alive():
            if _engine is not None:
                _engine.abandon()
            _engine = _connect()
        return _engine


def started() -> bool:
    return _engine is not None


def _connect() -> Engine:
    from distributed import Client
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    notice = None
    if address:
        import asyncio
        from concurrent.futures import ThreadPoolExecutor
        from distributed.core import rpc

        async def identity():
            async with rpc(address) as scheduler:
                return await scheduler.identity()
        try:
            # Client's timeout bounds the TCP connection, not Dask's handshake: an address where
            # something else listens (the dashboard's port, a web server) held the page forever
            # (> 5 min); a malformed one raised ValueError, and a stranger's bytes MemoryError.
            # So ask who answers, within 5 s, on a loop of its own (Streamlit's thread may have one).
            with ThreadPoolExecutor(1) as pool:
                who = pool.submit(asyncio.run, asyncio.wait_for(identity(), 5)).result()
            if who.get("type") != "Scheduler":
                raise OSError(f"a {who.get('type')!r} answered, not a Dask scheduler")
            return Engine(Client(address, timeout="5s", set_as_default=False))
        except Exception as err:
            notice = (f"The compute cluster at {address} did not answer ({type(err).__name__}): this "
                      f"server computes on a cluster of its own. Check that its scheduler runs, or "
                      f"unset {SCHEDULER_ENV}.")
    workers = default_workers()
    if workers == 0:  # one worker thread in this process, one job at a time (the tests patch it)
        from distributed import LocalCluster
        import dask
        with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
            cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                   dashboard_address=None, resources={SLOT: 1, AHEAD: 1})
        return Engine(Client(cluster, set_as_default=False), cluster, notice, ahead=False)
    from lib import cluster
    process = cluster.start(workers)
    return Engine(Client(process.address, set_as_default=False), process, notice)


def shutdown() -> None:
    global _engine
    with _engine_lock:
        if _engine is not None:
            _engine.close()
            _engine = None

