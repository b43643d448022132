"""A local Dask cluster in a process of its own: the default engine of one `streamlit run app.py`.

    python -m lib.cluster --workers 2                 # prints {"scheduler": ..., "dashboard": ...}
    python -m lib.cluster --workers 2 --port 8786 --host 0.0.0.0 --dashboard :8787   # a hall's cluster

Its own process, not the server's, for one reason: Streamlit runs app.py as `__main__`, and every
worker process Dask spawns (its first ones, and the ones a nanny starts after a worker dies)
re-imports the spawning process's `__main__`. Here that is this module, whose `main()` the guard
at the bottom keeps from running again, so no worker ever imports the app.

What it starts (`spec`): a scheduler, `workers` worker processes with one thread each (torch's
random generator and thread count belong to a process: one training per process keeps a seed's
numbers the same on any worker) and resources SLOT and AHEAD, and one more worker with SLOT only,
kept for what a page asks for (background tasks need AHEAD; lib.engine). Each worker imports the
engine when it starts (`dask_setup`, Dask's preload hook). A job that kills its worker runs again
on another; one that kills two fails with KilledWorker (ALLOWED_FAILURES), which the page names.
The process leaves when the process that started it is gone (checked every second), so a killed
server does not leave its workers behind (seen with the old pool: 0.7 GB each).
"""
import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOT, AHEAD = "slot", "ahead"  # worker resources: every worker has SLOT; all but the kept ones AHEAD
ALLOWED_FAILURES = 1  # a job that kills two workers fails with KilledWorker: the page says which way
PRELOAD = ("lib.engine", "lib.stored", "lib.image.ways", "lib.image.finetune", "lib.comparisons")


def dask_setup(worker) -> None:
    """Run by every worker as it starts (Dask's preload): one torch thread (these nets are small,
    lib.device), the engine imported once, so the first job starts at once."""
    import importlib
    import torch
    torch.set_num_threads(1)
    for module in PRELOAD:
        importlib.import_module(module)


def spec(workers: int, kept: int = 1, host: str = "127.0.0.1", port: int = 0, dashboard: str = ":0") -> dict:
    """SpecCluster's arguments: the scheduler, `workers` workers for anything, `kept` for pages only."""
    from distributed import Nanny, Scheduler

    def worker(resources):
        return {"cls": Nanny, "options": {"nthreads": 1, "resources": resources, "host": host,
                                          "preload": ["lib.cluster"], "silence_logs": logging.WARNING}}
    specs = {f"worker-{i}": worker({SLOT: 1, AHEAD: 1}) for i in range(workers)}
    specs.update({f"kept-{i}": worker({SLOT: 1}) for i in range(kept)})
    return {"scheduler": {"cls": Scheduler, "options": {"host": host, "port": port,
                                                        "dashboard_address": dashboard}},
            "workers": specs}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4))
    parser.add_argument("--kept", type=int, default=1, help="workers kept for what a page asks for")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dashboard", default=":0", help="Dask's dashboard address (':0': any free port)")
    args = parser.parse_args(argv)
    import dask
    from distributed import SpecCluster
    logging.getLogger("distributed").setLevel(logging.WARNING)
    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
    parent = os.getppid()
    cluster = SpecCluster(**spec(args.workers, args.kept, args.host, args.port, args.dashboard),
                          name="transfer-lab")
    print(json.dumps({"scheduler": cluster.scheduler_address, "dashboard": cluster.dashboard_link}), flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1):
        if os.getppid() != parent:  # whoever started us is gone: so are we
            break
    cluster.close(timeout=10)


class Process:
    """The cluster process as its starter sees it: its addresses, and `close()`."""

    def __init__(self, proc: subprocess.Popen, address: str, dashboard: str | None):
        self.proc, self.address, self.dashboard = proc, address, dashboard

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start(workers: int, timeout: float = 180) -> Process:
    """Start `python -m lib.cluster` beside this process and wait for its scheduler's address."""
    import atexit
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "lib.cluster", "--workers", str(workers)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, text=True)
    line, deadline = "", time.monotonic() + timeout
    while not line and time.monotonic() < deadline and proc.poll() is None:
        line = proc.stdout.readline().strip()
    if not line:
        proc.kill()
        raise RuntimeError(f"the local Dask cluster did not start (exit code {proc.poll()}); see the "
                           "server's log above")
    found = json.loads(line)
    process = Process(proc, found["scheduler"], found.get("dashboard"))
    atexit.register(process.close)
    return process


if __name__ == "__main__":
    main()
