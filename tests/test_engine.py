"""lib.engine on Dask: one task per job for every asker, never cancelled while someone waits for it;
the same bits on any worker in any order; a killed worker's job runs again; a job that kills two
workers is named; the local cluster never imports the app.

The first tests run the engine in this process (TRANSFER_LAB_WORKERS=0, as the suite does) with
`work` replaced by a gate the test opens, so they test the engine's sharing, not training. The
others (`slow`) start real worker processes and train real ways."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from lib import cache, comparisons, engine
from lib.engine import LATER, NEXT, NOW, Asks, Job
from lib.image.ways import WAYS
from lib.runs import draw
from lib.tasks import resolve_options, resolve_task

OPTIONS = resolve_options("image", {})
GATE = threading.Event()   # module-level: the in-process worker thread finds the same object
STARTED: list = []


def _gated(job):
    """Stands in for lib.engine.work in the in-process cluster: records the start, waits."""
    STARTED.append(job.seed)
    if not GATE.wait(120):
        raise TimeoutError("the test never opened the gate")
    return job.seed


def _job(seed, n=1):
    return Job.run("dress", "scratch", n, seed, OPTIONS)


@pytest.fixture
def gated(monkeypatch):
    GATE.clear()
    STARTED.clear()
    monkeypatch.setattr(engine, "work", _gated)
    yield engine.current()
    GATE.set()
    _wait_idle(engine.current())  # a job a test left queued must not start behind the next one's gate


def _idle(dask_scheduler) -> bool:
    return not dask_scheduler.queued and not dask_scheduler.unrunnable and \
        not any(ws.processing for ws in dask_scheduler.workers.values())


def _wait_idle(e):
    for _ in range(2400):
        if e.client.run_on_scheduler(_idle):
            return
        time.sleep(0.05)


def _wait_started(seed):
    for _ in range(2400):
        if seed in STARTED:
            return
        time.sleep(0.05)
    raise AssertionError(f"job {seed} never started; started: {STARTED}")


def test_a_job_has_one_key_whoever_asks_and_its_own_per_setting():
    assert _job(0).key == Job.run("dress", "scratch", 1, 0, dict(reversed(list(OPTIONS.items())))).key
    assert len({_job(0).key, _job(1).key, _job(0, n=2).key, Job.run("dress", "transfer", 1, 0, OPTIONS).key}) == 4
    assert Job.profile("dress", 4, "efficientnet_lite0").key != Job.profile("dress", 4, "efficientnet_lite0", True).key


def test_an_attendee_who_moves_on_never_cancels_what_another_waits_for(gated):
    """Issue 25's reproduction, through the engine: one job running, a shared job queued behind
    it; the first asker moves on (re-aims its view) while the second still waits."""
    first, second = Asks(), Asks()
    first.want("dress:view", [(_job(10), NOW)])           # takes the one worker thread
    _wait_started(10)
    shared = _job(11)
    first.want("dress:view", [(shared, NOW)])             # queued behind it...
    waiting = second.want("dress:view", [(shared, NOW)])[shared]  # ...and asked by a second attendee
    first.want("dress:view", [(_job(12), NOW)])           # the first attendee moves the slider
    GATE.set()
    assert waiting.result(timeout=120) == 11              # never cancelled
    assert not waiting.cancelled()


def test_a_job_nobody_wants_any_more_is_dropped_before_it_runs(gated):
    asks, other = Asks(), Asks()
    other.want("dress:view", [(_job(20), NOW)])  # another attendee's job holds the one worker thread
    _wait_started(20)
    asks.want("dress:view", [(_job(21), NOW)])
    kept = asks.want("dress:view", [(_job(22), NOW)])[_job(22)]  # 21 left: nobody holds it
    _wait_forgotten(gated, _job(21))
    GATE.set()
    assert kept.result(timeout=120) == 22
    time.sleep(0.5)
    assert 21 not in STARTED


def _wait_on_worker(e, keys):
    """Until the worker holds every key (a submission travels to it asynchronously)."""
    for _ in range(2400):
        held = e.client.run(lambda dask_worker: [str(k) for k in dask_worker.state.tasks])
        if all(any(k in ks for ks in held.values()) for k in keys):
            return
        time.sleep(0.05)
    raise AssertionError(f"the worker never got {keys}")


def _wait_forgotten(e, job):
    """Until the scheduler and the workers have forgotten `job` (a release travels asynchronously)."""
    key = f"now-{job.key}"
    for _ in range(2400):
        if not e.client.run_on_scheduler(lambda dask_scheduler: key in dask_scheduler.tasks) and \
                not any(e.client.run(lambda dask_worker: key in dask_worker.state.tasks).values()):
            return
        time.sleep(0.05)
    raise AssertionError(f"the scheduler still holds {key}")


def test_what_a_page_asks_runs_before_what_was_asked_ahead(gated):
    asks = Asks()
    asks.want("dress:view", [(_job(30), NOW)])
    _wait_started(30)
    asks.want("dress:ahead", [(_job(31), LATER), (_job(32), NEXT)])
    page = asks.want("dress:view", [(_job(33), NOW)])[_job(33)]
    _wait_on_worker(gated, ["ahead-" + _job(31).key, "ahead-" + _job(32).key, "now-" + _job(33).key])
    GATE.set()
    assert page.result(timeout=120) == 33
    for _ in range(200):
        if len(STARTED) == 4:
            break
        time.sleep(0.05)
    assert STARTED == [30, 33, 32, 31]


def test_a_job_asked_twice_is_one_task(gated):
    a, b = Asks(), Asks()
    fa = a.want("v", [(_job(40), NOW)])[_job(40)]
    fb = b.want("v", [(_job(40), NOW)])[_job(40)]
    assert fa.key == fb.key
    GATE.set()
    assert fa.result(timeout=120) == fb.result(timeout=120) == 40
    assert STARTED.count(40) == 1


def test_an_engine_whose_event_loop_stopped_is_replaced_and_its_jobs_asked_again(gated):
    """A client whose loop thread has ended still says "running" while its futures can never
    finish: a page once waited on one for ever in the suite. `current` replaces such an engine,
    and a group asked again gets futures of the new one that finish."""
    asks = Asks()
    old = asks.want("dress:view", [(_job(50), NOW)])[_job(50)]
    loop = gated.client.loop.asyncio_loop
    loop.call_soon_threadsafe(loop.stop)
    for _ in range(200):
        if not loop.is_running():
            break
        time.sleep(0.05)
    assert not gated.alive() and gated.client.status == "running"  # what fooled the old check
    fresh = engine.current()
    assert fresh is not gated and fresh.alive()
    again = asks.want("dress:view", [(_job(50), NOW)])[_job(50)]
    assert again.client is fresh.client and again is not old
    GATE.set()
    assert again.result(timeout=120) == 50


# ------------------------------------------------------------------ real worker processes

@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """A local cluster of two worker processes (and the kept one) on a cache of its own (so they
    really train), which starts with this session's photos and features."""
    source = cache.cache_dir()
    for folder in ("data", "features"):
        if (source / folder).exists():
            shutil.copytree(source / folder, tmp_path / folder)
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    monkeypatch.setenv("TRANSFER_LAB_WORKERS", "2")
    engine.shutdown()
    yield engine.current()
    engine.shutdown()


def _here(method, dress, n, seed):
    train, val = draw(dress.pool.labels, n, seed)
    return comparisons.run_here(WAYS[method], dress, train, val, seed, OPTIONS)


@pytest.mark.slow
def test_a_worker_gives_the_same_bits_as_this_process_in_any_order(cluster):
    dress = resolve_task("dress")
    jobs = [Job.run("dress", m, 2, seed, OPTIONS) for seed in (1, 0) for m in ("finetune", "transfer", "scratch")]
    futures = [cluster.submit(job, NOW if i % 2 else LATER) for i, job in enumerate(jobs)]
    for job, future in zip(jobs, futures):
        far, near = future.result(), _here(job.method, dress, job.n_per_class, job.seed)
        assert far.test_accuracy == near.test_accuracy
        assert np.array_equal(far.test_pred, near.test_pred) and np.array_equal(far.train_pred, near.train_pred)
        assert far.history.equals(near.history)


@pytest.mark.slow
def test_a_killed_worker_s_job_runs_again_and_a_job_that_kills_two_is_named(cluster):
    dress = resolve_task("dress")
    job = Job.run("dress", "finetune", 8, 3, OPTIONS)
    future = cluster.submit(job, NOW)
    _kill_the_worker_running(cluster, job)
    assert future.result().test_accuracy == _here("finetune", dress, 8, 3).test_accuracy
    again = Job.run("dress", "finetune", 8, 4, OPTIONS)
    future = cluster.submit(again, NOW)
    first = _kill_the_worker_running(cluster, again)
    _kill_the_worker_running(cluster, again, killed=(first,))  # its second try, on another worker
    with pytest.raises(Exception) as err:
        future.result()
    assert type(err.value).__name__ == "KilledWorker"
    from ui.live import failure
    assert "stopped while training it, twice" in failure(err.value)
    # The nannies restart the two killed workers; a job sent before the scheduler has seen both
    # deaths can be charged with them (seen: a scratch job 'killed' two dead workers).
    time.sleep(5)
    cluster.client.wait_for_workers(3, timeout=600)
    assert cluster.submit(Job.run("dress", "scratch", 1, 0, OPTIONS), NOW).result().test_accuracy > 0
    assert not list(cache.cache_dir("runs").glob("*.tmp*"))  # nothing half-written


def _kill_the_worker_running(e, job, killed=()):
    """SIGKILL the worker process executing `job` (not one killed before: its retry runs
    elsewhere); returns its pid. Polls the workers' own state, not the progress events, which
    may still arrive from a try already killed."""
    for _ in range(12000):
        running = e.client.run(lambda dask_worker: (os.getpid(), [str(k) for k in dask_worker.state.executing]),
                               on_error="ignore")
        pids = [pid for pid, keys in running.values() if pid not in killed and any(job.key in k for k in keys)]
        if pids:
            time.sleep(1)  # into its training, not only started
            os.kill(pids[0], signal.SIGKILL)
            return pids[0]
        time.sleep(0.1)
    raise AssertionError(f"no worker ever ran {job}")


@pytest.mark.slow
def test_the_cluster_never_runs_the_app_that_started_it(tmp_path):
    """Streamlit runs app.py as __main__; a worker that imported it would run the whole app and
    start a cluster of its own. The cluster runs in a process of its own (lib.cluster)."""
    marker = tmp_path / "ran"
    script = tmp_path / "app_like.py"
    script.write_text(
        f"open({str(marker)!r}, 'a').write('x')\n"
        "import sys; sys.path.insert(0, " + repr(str(engine.ROOT if hasattr(engine, 'ROOT') else os.getcwd())) + ")\n"
        "from lib import engine\n"
        "from lib.engine import Job, NOW\n"
        "from lib.tasks import resolve_options\n"
        "e = engine.current()\n"
        "print(e.submit(Job.run('dress', 'scratch', 1, 2, resolve_options('image', {})), NOW).result().test_accuracy)\n"
        "engine.shutdown()\n")
    env = {**os.environ, "TRANSFER_LAB_WORKERS": "1", "TRANSFER_LAB_CACHE": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    assert float(out.stdout.strip().splitlines()[-1]) > 0
    assert marker.read_text() == "x"  # the script ran once: no worker imported it
