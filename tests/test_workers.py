"""lib.workers: ways trained in worker processes give the same bits as in this process, in any
order; what a page asks for jumps the queue; a dead worker is retried once, then named."""
import os
import shutil
import signal
import threading
import time

import numpy as np
import pytest

from lib import cache, comparisons, workers
from lib.image.ways import WAYS
from lib.runs import draw
from lib.tasks import resolve_options, resolve_task
from lib.workers import LATER, NEXT, NOW, Job, Pool

OPTIONS = resolve_options("image", {})


@pytest.fixture(scope="module")
def dress():
    return resolve_task("dress")


@pytest.fixture
def process_pool(dress, tmp_path, monkeypatch):
    """Two worker processes on a cache of their own (so they really train), which starts with
    this session's photos and features (so they need not compute them again)."""
    source = cache.cache_dir()
    for folder in ("data", "features"):
        if (source / folder).exists():
            shutil.copytree(source / folder, tmp_path / folder)
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    pool = Pool(2)
    yield pool
    pool.shutdown()


def _here(method, dress, n, seed):
    train, val = draw(dress.pool.labels, n, seed)
    return comparisons.run_here(WAYS[method], dress, train, val, seed, OPTIONS)


def test_a_worker_gives_the_same_bits_as_this_process_in_any_order(process_pool, dress):
    jobs = [Job.run("dress", m, 2, seed, OPTIONS) for seed in (1, 0) for m in ("finetune", "transfer", "scratch")]
    futures = [process_pool.submit(job) for job in jobs]  # two at a time, whichever worker is free
    for job, future in zip(jobs, futures):
        far, near = future.result(), _here(job.method, dress, job.n_per_class, job.seed)
        assert far.test_accuracy == near.test_accuracy
        assert np.array_equal(far.test_pred, near.test_pred) and np.array_equal(far.train_pred, near.train_pred)
        assert far.history.equals(near.history)


def test_workers_never_run_the_app_that_started_them(process_pool, tmp_path, monkeypatch):
    """Streamlit runs app.py as __main__; a worker that imported it would run the whole app and
    start workers of its own."""
    import sys
    import types
    marker = tmp_path / "ran"
    script = tmp_path / "app_like.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake)
    assert process_pool.submit(Job.run("dress", "scratch", 1, 2, OPTIONS)).result().test_accuracy > 0
    assert not marker.exists()


def test_a_worker_that_dies_is_retried_once_and_the_server_keeps_serving(process_pool, dress):
    job = Job.run("dress", "finetune", 8, 3, OPTIONS)
    future = process_pool.submit(job)
    _kill_when_started(process_pool, job)
    run = future.result()  # the retry, in a fresh worker
    assert run.test_accuracy == _here("finetune", dress, 8, 3).test_accuracy
    again = Job.run("dress", "finetune", 8, 4, OPTIONS)
    future = process_pool.submit(again)
    _kill_when_started(process_pool, again)
    _kill_when_started(process_pool, again)  # its retry
    with pytest.raises(workers.WorkerDied, match="stopped while training"):
        future.result()
    assert process_pool.submit(Job.run("dress", "scratch", 1, 0, OPTIONS)).result().test_accuracy > 0


def _kill_when_started(pool, job):
    """SIGKILL the workers once `job` reports progress (then forget it, for the next start)."""
    key = job.key
    while key not in pool.progress:
        time.sleep(0.05)
    pool.progress.pop(key, None)
    victims = list(pool._executor._processes)
    for pid in victims:
        os.kill(pid, signal.SIGKILL)


class _Recording:
    """Stands in for `workers.work` in a no-process pool: records the order jobs start in."""

    def __init__(self):
        self.started, self.release = [], threading.Event()

    def __call__(self, job, say=None, card=None):
        self.started.append(job.seed)
        self.release.wait(10)
        return job.seed


def test_what_a_page_asks_for_jumps_the_queue_and_a_re_aim_drops_the_old_one(monkeypatch):
    work = _Recording()
    monkeypatch.setattr(workers, "work", work)
    pool = Pool(0, ahead=True)
    first = pool.submit(Job.run("dress", "scratch", 1, 0, OPTIONS), NOW)  # takes the one slot
    old = pool.submit(Job.run("dress", "scratch", 1, 1, OPTIONS), LATER, group="session")
    later = pool.submit(Job.run("dress", "scratch", 1, 2, OPTIONS), LATER)
    asked = pool.submit(Job.run("dress", "scratch", 1, 3, OPTIONS), NOW)
    assert pool.submit(Job.run("dress", "scratch", 1, 3, OPTIONS), NOW) is asked  # asked twice, run once
    pool.prefetch("session", [(Job.run("dress", "scratch", 1, 4, OPTIONS), NEXT)])  # the presenter moved
    work.release.set()
    assert [f.result() for f in (first, asked, later)] == [0, 3, 2]
    assert old.cancelled()
    pool.shutdown()
    assert work.started[:2] == [0, 3] and 1 not in work.started


ORPHAN = """
import os, sys
sys.path.insert(0, {root!r})
from lib import workers
from lib.tasks import resolve_options
if __name__ == "__main__":
    pool = workers.Pool(2)
    jobs = [workers.Job.run("dress", "pixels", 1, seed, resolve_options("image", {{}})) for seed in (0, 1)]
    [f.result() for f in [pool.submit(job) for job in jobs]]  # two at once: both workers start
    open({pids!r}, "w").write(" ".join(str(p) for p in pool._executor._processes))
    os._exit(0)  # gone like a killed server: nothing shut down
"""


def test_workers_leave_when_their_server_is_killed(tmp_path):
    """A killed server's forkserver and workers must not live on (they hold ~0.7 GB each)."""
    import subprocess
    import sys
    from pathlib import Path
    script = tmp_path / "server.py"
    listed = tmp_path / "pids"
    script.write_text(ORPHAN.format(root=str(Path(__file__).resolve().parents[1]), pids=str(listed)))
    subprocess.run([sys.executable, str(script)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    pids = [int(p) for p in listed.read_text().split()]
    assert len(pids) == 2
    gone_by = time.monotonic() + 120  # they look every second; a leak would stay for ever
    while any(_alive(p) for p in pids) and time.monotonic() < gone_by:
        time.sleep(0.5)
    assert not any(_alive(p) for p in pids), "a killed server's workers are still running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie has left already
        return f.read().split(")")[-1].split()[0] != "Z"


def test_background_work_never_takes_the_last_free_worker(monkeypatch):
    """The ladder and the default sweep run one at a time beside what pages ask for: a new seed
    never waits for a long fine-tuning queued ahead of time."""
    from concurrent.futures import ThreadPoolExecutor
    work = _Recording()
    monkeypatch.setattr(workers, "work", work)
    monkeypatch.setattr(workers, "_make_executor", lambda n, *a: ThreadPoolExecutor(n))
    pool = Pool(2)
    ladder = [pool.submit(Job.run("dress", "finetune", 256, s, OPTIONS), LATER) for s in (0, 1)]
    while not work.started:
        time.sleep(0.01)
    asked = pool.submit(Job.run("dress", "scratch", 1, 7, OPTIONS), NOW)
    while len(work.started) < 2:
        time.sleep(0.01)
    assert work.started == [0, 7]  # the second ladder job waits; the page's job has a worker
    work.release.set()
    assert asked.result() == 7 and [f.result() for f in ladder] == [0, 1]
    pool.shutdown()


def test_what_a_page_asks_for_starts_at_once_when_every_worker_is_busy_ahead(monkeypatch):
    """Both workers on what the prefetch queued (a neighbour's fine-tuning): the page's job takes
    the reserved process at once instead of waiting for one of them; more queued-ahead work does
    not take it."""
    from concurrent.futures import ThreadPoolExecutor
    work = _Recording()
    monkeypatch.setattr(workers, "work", work)
    monkeypatch.setattr(workers, "_make_executor", lambda n, *a: ThreadPoolExecutor(n))
    pool = Pool(2)
    ahead = [pool.submit(Job.run("dress", "finetune", 8, s, OPTIONS), NEXT) for s in (0, 1, 2)]
    while len(work.started) < 2:
        time.sleep(0.01)
    asked = pool.submit(Job.run("dress", "pixels", 4, 7, OPTIONS), NOW)
    while len(work.started) < 3:
        time.sleep(0.01)
    assert not any(f.done() for f in ahead), "the page's job waited for a worker to finish"
    time.sleep(0.2)  # the third job queued ahead must not start in the reserved process
    assert work.started == [0, 1, 7]
    work.release.set()
    assert asked.result() == 7 and [f.result() for f in ahead] == [0, 1, 2]
    pool.shutdown()
