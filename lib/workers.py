"""Both cores: ways run in worker processes, started once per server with the engine loaded.

Why processes and not threads: torch's random generator and thread count belong to a process.
Two trainings in one process would draw from one generator in turn, and the same seed would give
other numbers (that is why `lib.device.training_slot` lets one training at a time run in a
process). A worker owns both, so two ways train at once, one per core, and each gives the same
bits wherever and in whatever order it runs (tests/test_workers.py).

- `Job`: one way at one slider position (or a depth profile). Its key is the file its result is
  kept in (lib.stored), so a job asked twice runs once, and a job done before is a file read.
- `Pool.submit(job, priority)` -> Future. Lower numbers run first: NOW (what a page shows), then
  NEXT (what a presenter will likely ask for next), LATER (the rest of the ladder, the default
  sweep). Asked again with a lower number, a queued job moves up: what the presenter asks for
  jumps the queue. A NOW job also finds a process free when every worker is busy with work
  queued ahead: the pool holds RESERVED process more than `workers`, which only NOW jobs use.
- `Pool.prefetch(group, jobs)`: replaces that group's queued background jobs (a change of
  settings re-aims the queue). Running jobs finish: their results are stored, nothing is wasted.
  LATER and SWEEP jobs never take the last free worker: a job is never cut short, and a
  fine-tuning at 256 per class would keep a page's new seed waiting for a minute.
- Processes come from a forkserver that imported the engine once (`PRELOAD`): a worker starts in
  milliseconds and shares torch's pages with its siblings.
- A worker that dies mid-training: the pool restarts and the job is tried once more; a second
  death fails it with `WorkerDied`, which the page shows. The server keeps serving.
- TRANSFER_LAB_WORKERS sets how many (default: the machine's cores, at most 4); 0 runs jobs on
  one thread of this process, one at a time (the tests that patch the engine use that).
"""
import heapq
import itertools
import multiprocessing
import os
import sys
import threading
import time
import types
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

WORKERS_ENV = "TRANSFER_LAB_WORKERS"
SERVER_ENV = "TRANSFER_LAB_SERVER_PID"  # set by the server for its forkserver and workers
NOW, PROFILE, NEXT, LATER, SWEEP = 0, 1, 2, 3, 4
PRELOAD = ["lib.workers", "lib.stored", "lib.image.ways", "lib.image.finetune", "lib.comparisons"]
RETRIES = 1
RESERVED = 1  # processes kept beyond `workers` for what a page asks for (NOW), never for the queue ahead


class WorkerDied(RuntimeError):
    """A worker process stopped while training, twice: the message says what to do."""


@dataclass(frozen=True)
class Job:
    kind: str                 # "run" (one way) or "profile" (the frozen head after every stage)
    task: str                 # a named task: workers load it themselves
    n_per_class: int
    seed: int                 # for a profile: ignored (it runs DEPTH_SEEDS)
    method: str = ""          # the way, for kind "run"
    options: tuple = ()       # sorted (name, value) pairs, hashable

    @staticmethod
    def run(task, method, n_per_class, seed, options):
        return Job("run", task, int(n_per_class), int(seed), method, tuple(sorted(options.items())))

    @staticmethod
    def profile(task, n_per_class, backbone):
        return Job("profile", task, int(n_per_class), 0, "", (("backbone", backbone),))

    @property
    def key(self) -> str:
        """The file its result is kept in: equal keys are the same work."""
        from lib import stored
        if self.kind == "profile":
            return stored.profile_path(self.task, self.n_per_class, dict(self.options)).name
        return stored.run_path(_way(self.method), self.task, self.n_per_class, self.seed,
                               dict(self.options)).name


def _way(method):
    from lib.image.ways import WAYS
    return WAYS[method]


# ------------------------------------------------------------------ inside a worker process

def _watch_server() -> None:
    """In a forkserver or a worker: leave once the process that started it is gone. The OS does
    not see to it: a forkserver whose server was killed kept running, and kept its workers (0.7 GB
    each). Checked every second by whether this process's parent changed (the server for the
    forkserver, the forkserver for a worker): unlike a pid that still answers, that cannot be
    fooled by a dead server its own parent has not reaped yet. A fork copies no thread, so each
    worker starts its own watch."""
    try:
        server = int(os.environ.get(SERVER_ENV) or 0)
    except ValueError:
        return
    if not server or server == os.getpid():  # the server itself, or no server at all
        return
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=watch, daemon=True, name="transfer-lab-server-watch").start()


_watch_server()  # the forkserver imports this module (PRELOAD) and watches from then on

_progress_queue = None


def _start(queue, settings: dict) -> None:
    """A worker's first act: the server's settings as they are now (the forkserver kept those it
    started with), one torch thread (these nets are small, lib.device), progress out."""
    global _progress_queue
    import torch
    os.environ.update(settings)
    _watch_server()
    torch.set_num_threads(1)
    _progress_queue = queue


def work(job: Job, say=None, card=None):
    """Do one job and return its result (stored on disk on the way). `say(message, fraction)`
    hears its progress and `card(run)` its numbers as soon as they are known, before the
    display-only test curve is scored; in a worker process both go to the server's listener."""
    from lib import stored
    from lib.runs import announcing
    if say is None and _progress_queue is not None:
        key = job.key
        say = lambda message, fraction: _progress_queue.put((key, "progress", (message, fraction)))
        card = lambda run: _progress_queue.put((key, "card", run))
    options = dict(job.options)
    if job.kind == "profile":
        from lib.comparisons import DEPTH_SEEDS
        return stored.depth_profile_stored(job.task, job.n_per_class, DEPTH_SEEDS, progress=say and (
            lambda done, total: say(f"Head after every stage: {done} of {total} trained", done / total)),
            **options)
    with announcing(card):
        return stored.run_stored(_way(job.method), job.task, job.task, job.n_per_class, job.seed,
                                 options, say)


# ------------------------------------------------------------------ in the server

@dataclass
class _Entry:
    job: Job
    future: Future
    priority: int
    group: str | None
    tries: int = 0
    started: bool = False
    background: bool = False
    seq: int = 0


@dataclass
class Pool:
    workers: int
    ahead: bool | None = None  # train what `prefetch` asks; default: only with worker processes
    progress: dict = field(default_factory=dict)  # job key -> (message, fraction), as workers say
    cards: dict = field(default_factory=dict)     # job key -> Run, known before its job ends
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _queue: list = field(default_factory=list)    # heap of (priority, seq, key)
    _entries: dict = field(default_factory=dict)  # key -> _Entry, queued or running
    _running: int = 0
    _background: int = 0  # running jobs queued as LATER or SWEEP: the ladder, the default sweep
    _executor: object = None
    _counter: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self):
        if self.ahead is None:
            self.ahead = self.workers > 0

    def submit(self, job: Job, priority: int = NOW, group: str | None = None) -> Future:
        """The future of `job`'s result; the same future for the same work asked twice."""
        key = job.key
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry(job, Future(), priority, group)
                self._push(entry)
            elif priority < entry.priority:  # asked for sooner: it moves up, and its asker owns it
                entry.priority, entry.group = priority, group
                if not entry.started:
                    self._push(entry)
        self._pump()
        return entry.future

    def prefetch(self, group: str, jobs) -> None:
        """Queue `jobs` (pairs of job and priority) for `group`, dropping what the group queued
        before and has not started: the presenter moved on, so train what is near them now.
        With no worker processes nothing is trained ahead: it would queue in front of the
        pages' own work on this process's one training slot."""
        if not self.ahead:
            return
        self.drop(group)
        for job, priority in jobs:
            self.submit(job, priority, group)

    def drop(self, group: str) -> None:
        """Forget what `group` queued and has not started (a presenter pressing the slider ten
        times wants the last position, not the nine before it). Running jobs finish."""
        with self._lock:
            for key, entry in list(self._entries.items()):
                if entry.group == group and not entry.started:
                    del self._entries[key]
                    entry.future.cancel()

    def busy(self) -> int:
        with self._lock:
            return len(self._entries)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
            for entry in self._entries.values():
                entry.future.cancel()
            self._entries.clear()
            self._queue.clear()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    # -- the queue
    def _push(self, entry):
        entry.seq = next(self._counter)
        heapq.heappush(self._queue, (entry.priority, entry.seq, entry.job.key))

    def _pump(self):
        """Start queued jobs while a worker is free, lowest priority number first."""
        while True:
            with self._lock:
                if not self._queue:
                    return
                # What a page asks for (NOW) may use one process more than there are workers:
                # with both busy on what was queued ahead (a neighbour's fine-tuning, another
                # draw), a slider move waited 21-60 s for its first card (measured). Running
                # jobs are never cut short, so the page's job shares the cores with them instead.
                room = max(self.workers, 1) + (RESERVED if self.workers > 0 and self._queue[0][0] == NOW else 0)
                if self._running >= room:
                    return
                if self._queue[0][0] >= LATER and self._background >= max(self.workers - 1, 1):
                    return  # one worker stays free for what a page asks for
                priority, seq, key = heapq.heappop(self._queue)
                entry = self._entries.get(key)
                if entry is None or entry.started or entry.seq != seq:
                    continue  # dropped, already running, or moved up (a newer heap item)
                entry.started = True
                entry.background = priority >= LATER
                self._running += 1
                self._background += entry.background
                executor = self._executor_locked()
            say = () if self.workers > 0 else (  # a lambda cannot travel to a process
                lambda m, f, k=key: self.progress.__setitem__(k, (m, f)),
                lambda run, k=key: self.cards.__setitem__(k, run))
            try:
                with _interpreters_main():  # a submit may start the worker processes
                    done = executor.submit(work, entry.job, *say)
            except (BrokenProcessPool, RuntimeError) as err:
                self._finished(entry, None, err, executor)
                continue
            done.add_done_callback(lambda f, e=entry, x=executor: self._finished(
                e, f, f.exception() if not f.cancelled() else RuntimeError("cancelled"), x))

    def _executor_locked(self):
        if self._executor is None:
            self._executor = _make_executor(self.workers + (RESERVED if self.workers > 0 else 0),
                                            self.progress, self.cards)
        return self._executor

    def _finished(self, entry, future, error, executor):
        with self._lock:
            self._running -= 1
            self._background -= entry.background
            if isinstance(error, BrokenProcessPool) and entry.tries < RETRIES:
                if self._executor is executor:  # one restart for every job that pool took down
                    self._executor = None
                    executor.shutdown(wait=False, cancel_futures=True)
                entry.tries += 1
                entry.started = False
                self._push(entry)
                retry = True
            else:
                self._entries.pop(entry.job.key, None)
                self.cards.pop(entry.job.key, None)
                retry = False
        if not retry:
            if isinstance(error, BrokenProcessPool):
                error = WorkerDied(
                    "a worker process stopped while training (tried twice). The server keeps "
                    "running: move the slider or press R to try again; if it happens again, the "
                    "machine may be out of memory (close other programs, or set "
                    f"{WORKERS_ENV}=1).")
            if error is not None:
                entry.future.set_exception(error)
            else:
                entry.future.set_result(future.result())
        # Not from this callback's thread: it is the executor's own, and submitting from it
        # would ask that thread to wake itself.
        threading.Thread(target=self._pump, daemon=True).start()


_main_lock = threading.Lock()


@contextmanager
def _interpreters_main():
    """While worker processes start, `__main__` is a bare module. Streamlit runs app.py as
    `__main__`, and multiprocessing has each new process import the main module first: every
    worker would run the whole app, start its own workers, and so on (seen: a server's
    processes filled 20 GB within a minute of its first page)."""
    with _main_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _make_executor(workers: int, progress: dict, cards: dict):
    if workers <= 0:  # in this process, one job at a time (lib.device's training slot)
        return ThreadPoolExecutor(1, thread_name_prefix="transfer-lab-work")
    os.environ[SERVER_ENV] = str(os.getpid())  # before the forkserver starts: it keeps this environment
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
    else:  # Windows: each worker imports the engine itself
        context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    threading.Thread(target=_listen, args=(queue, progress, cards), daemon=True,
                     name="transfer-lab-progress").start()
    settings = {k: v for k, v in os.environ.items() if k.startswith(("TRANSFER_LAB_", "HF_"))}
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                               initargs=(queue, settings))


def _listen(queue, progress: dict, cards: dict) -> None:
    """Workers' progress messages and early cards, kept for the pages to draw."""
    while True:
        try:
            key, kind, payload = queue.get()
        except (EOFError, OSError, ValueError):
            return
        (cards if kind == "card" else progress)[key] = payload


def default_workers() -> int:
    chosen = os.environ.get(WORKERS_ENV, "").strip()
    if chosen:
        try:
            return max(0, int(chosen))
        except ValueError:
            raise ValueError(f"{WORKERS_ENV}={chosen!r} is not a whole number of workers") from None
    return min(os.cpu_count() or 1, 4)


_pool = None
_pool_lock = threading.Lock()


def pool() -> Pool:
    """The server's one pool, created on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool(default_workers())
        return _pool
