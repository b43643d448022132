"""A hall's compute (issue 25 items 3 and 5): one Dask cluster that every replica joins, the results
written once by the workers and found by key whatever a replica's own cache folder.

- Slow: a scheduler with its workers (`python -m lib.cluster`, cache folder W) and two replicas,
  each a separate Python process that uses the engine as the app does (lib.engine.current() with
  TRANSFER_LAB_SCHEDULER set, its own folder first, then the cluster, then keep_run), on cache
  folders A and B that differ from W and from each other. Both ask for the same job at the same
  moment and again later: same numbers everywhere, trained once, the result in W.
- Fast: a TRANSFER_LAB_SCHEDULER that does not answer as a Dask scheduler (a socket that accepts
  and never speaks: what an address pointed at the dashboard's port or a web server does, which
  held the page forever before lib.engine asked who answers; a malformed address) -> the engine
  runs on a cluster of its own and its notice says so; scripts/hall.py refuses to join it.
"""
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib import cache, engine
from lib.engine import COMPUTED, SCHEDULER_ENV

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 600  # a bounded wait for processes to start on a busy 2-core machine, not a speed test


def _hall_script():
    spec = importlib.util.spec_from_file_location("hall", ROOT / "scripts" / "hall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def silent():
    """A TCP address where the connection is accepted (by the kernel's backlog) and nobody answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"tcp://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize("address", ["silent", "not-an-address"])
def test_a_scheduler_that_does_not_answer_falls_back_to_a_local_cluster_and_says_so(address, silent, monkeypatch):
    address = silent if address == "silent" else address
    monkeypatch.setenv(SCHEDULER_ENV, address)
    engine.shutdown()
    try:
        e = engine.current()
        assert e.notice and address in e.notice and "did not answer" in e.notice, e.notice
        assert SCHEDULER_ENV in e.notice  # it says what to do: start that scheduler or unset this
        assert e.cluster is not None  # a cluster of its own, not the one named
        assert e.client.submit(sum, [1, 2], pure=False).result() == 3  # and it computes
    finally:
        engine.shutdown()


def test_the_hall_refuses_a_scheduler_that_does_not_answer(silent):
    hall = _hall_script()
    for address in (silent, "not-an-address"):
        with pytest.raises(hall.HallError, match="no Dask scheduler answered"):
            hall.scheduler_identity(address, timeout=2)


# ------------------------------------------------------------------ separate processes

REPLICA = """
import json, sys, time
from pathlib import Path
from lib import Asks, Job, NOW, current_engine, keep_run, resolve_options
from lib.stored import stored_run

go = Path(sys.argv[1])
options = resolve_options("image", {})
job = Job.run("dress", "scratch", 1, 0, options)
e = current_engine()                 # TRANSFER_LAB_SCHEDULER: the hall's cluster
while not go.exists():               # both replicas ask at the same moment
    time.sleep(0.05)
out = {"notice": e.notice, "key": job.key, "runs": []}
for ask in ("first", "later"):
    # as ui/live.py does: this replica's own folder first, then the cluster, then keep it here;
    # the later ask goes to the cluster anyway, as a replica that had not kept it would
    out.setdefault("own_folder_had_it", []).append(stored_run(job.way, "dress", 1, 0, options) is not None)
    asks = Asks()                    # a new session each time
    run = asks.want("dress:view", [(job, NOW)])[job].result()
    keep_run(job.way, "dress", 1, 0, options, run)
    asks.release()
    out["runs"].append({"test_accuracy": run.test_accuracy, "test_pred": [int(x) for x in run.test_pred]})
print(json.dumps(out), flush=True)
"""


def _stop_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_two_replicas_on_other_folders_share_one_computation_stored_in_the_workers_folder(tmp_path):
    folders = {name: tmp_path / name for name in ("W", "A", "B")}
    source = cache.cache_dir()
    for folder in folders.values():
        if (source / "data").exists():  # this session's photos: nothing to fetch (offline anyway)
            shutil.copytree(source / "data", folder / "data")
        folder.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("TRANSFER_LAB_WORKERS", SCHEDULER_ENV)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out = tmp_path / "cluster.json"
    with open(out, "wb") as stdout, open(tmp_path / "cluster.log", "wb") as log:
        cluster = subprocess.Popen([sys.executable, "-m", "lib.cluster", "--workers", "1"], cwd=ROOT,
                                   env={**env, "TRANSFER_LAB_CACHE": str(folders["W"])}, stdout=stdout,
                                   stderr=log, start_new_session=True)
    replicas = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not out.read_text().strip() and cluster.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert out.read_text().strip(), (tmp_path / "cluster.log").read_text()[-3000:]
        address = json.loads(out.read_text())["scheduler"]

        go = tmp_path / "go"
        script = tmp_path / "replica.py"
        script.write_text(REPLICA)
        for name in ("A", "B"):
            replicas.append(subprocess.Popen(
                [sys.executable, str(script), str(go)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env={**env, SCHEDULER_ENV: address, "TRANSFER_LAB_CACHE": str(folders[name])}))
        # each replica connects, then waits for `go`: give both time to import and connect
        from distributed import Client
        with Client(address, set_as_default=False, timeout="30s") as client:
            while len(client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.clients))) < 4:
                assert all(p.poll() is None for p in replicas), [p.communicate()[1][-3000:] for p in replicas]
                assert time.monotonic() < deadline, "the replicas never connected"
                time.sleep(0.2)  # fire-and-forget, this client, and one per replica
            go.touch()
            results = []
            for p in replicas:
                stdout, stderr = p.communicate(timeout=START_TIMEOUT_S)
                assert p.returncode == 0, stderr[-3000:]
                results.append(json.loads(stdout.strip().splitlines()[-1]))
            computed = [msg["key"] for _, msg in client.get_events(COMPUTED)]
    finally:
        for p in replicas:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        _stop_group(cluster)

    a, b = results
    assert a["notice"] is None and b["notice"] is None  # both on the hall's cluster, neither on its own
    assert a["key"] == b["key"]
    assert [a["own_folder_had_it"], b["own_folder_had_it"]] == [[False, True]] * 2  # each kept its copy
    runs = a["runs"] + b["runs"]
    assert len(runs) == 4 and all(r == runs[0] for r in runs), runs  # same numbers, first ask and later
    assert len(runs[0]["test_pred"]) > 0
    # trained once for both replicas and both asks: every other ask read what the worker stored
    assert computed == [a["key"]], computed
    assert (folders["W"] / "runs" / a["key"]).exists()  # the workers' folder holds it
    for name in ("A", "B"):  # and each replica's folder the copy keep_run made there
        assert (folders[name] / "runs" / a["key"]).exists()
