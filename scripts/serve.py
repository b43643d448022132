"""Start the app as a visitor meets it: `streamlit run app.py` on a free loopback port, offline,
returned once its health check answers. The one way the browser tests, the screenshot script and
the benchmarks start a server (scripts/hall.py starts its replicas its own way: each leads a
process group, behind the balancer)."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTH = "/_stcore/health"


class DidNotStart(RuntimeError):
    """The server exited, or did not answer in time; the message says which, with its output."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _inherited() -> dict:
    """This process's environment, less the test suite's in-process worker setting: a served app
    runs its ways in worker processes, as `streamlit run app.py` does for a presenter."""
    return {k: v for k, v in os.environ.items() if k not in ("TRANSFER_LAB_WORKERS", "TRANSFER_LAB_SERVER_PID")}


def start(env: dict | None = None, port: int | None = None, root: Path = ROOT,
          timeout: float | None = 120.0, capture: bool = False):
    """(process, url). `env` is added to this process's environment, offline unless it says
    otherwise; `capture` keeps the server's output on process.stdout (else it is dropped);
    timeout=None waits for as long as the server lives."""
    port = port or free_port()
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=root, env={**_inherited(), "TRANSFER_LAB_OFFLINE": "1", **(env or {})},
        stdout=out, stderr=subprocess.STDOUT if capture else out, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + HEALTH, timeout=1)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise DidNotStart("streamlit exited at start:\n" + (proc.stdout.read() if capture else
                                                                     "(run with capture=True to see why)"))
            time.sleep(0.5)
    proc.kill()
    raise DidNotStart(f"streamlit did not answer on {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
