#!/usr/bin/env python3
"""A lecture hall on one machine: N `streamlit run app.py` replicas behind HAProxy, computing on
one Dask cluster.

    python scripts/hall.py --replicas 3 --pack pack.tar.gz     # http://127.0.0.1:8500, Ctrl-C stops all
    python scripts/hall.py --replicas 2 --bind 0.0.0.0         # reachable from the room's network
    python scripts/hall.py --replicas 3 --workers 6            # the hall's own cluster: 6 workers + 1 kept
    python scripts/hall.py --replicas 3 --scheduler tcp://10.0.0.10:8786   # join a cluster that runs already
    python scripts/hall.py --print-config --servers 10.0.0.11:8501 10.0.0.12:8501 --bind 0.0.0.0 --port 80
    python scripts/hall.py --first-visit 10.0.0.11:8501 10.0.0.12:8501   # start each one's warm-up

A workshop needs none of this: `streamlit run app.py` is still the one command. A hall is for a
room that outgrows one server (docs/DEPLOY.md runs it across machines).

What it does: unpacks the prefetch pack (scripts/prefetch.py --write) once into a cache folder
that every replica and every worker reads (TRANSFER_LAB_CACHE), so each starts warm; starts ONE
Dask cluster (`python -m lib.cluster`: a scheduler, --workers worker processes and one worker
kept for what pages ask for, in its own process group), or with --scheduler joins one that runs
already; starts the replicas on loopback ports, each in its own process group and pointed at that
cluster (TRANSFER_LAB_SCHEDULER), so a job any attendee of any replica asks for is one Dask task,
computed once (lib/engine.py); prints the address of Dask's dashboard (its task stream and
progress: what the room is waiting for); writes an HAProxy configuration into its working
folder and starts HAProxy in front of them; waits until HAProxy reports every replica up; opens
each replica's home page once, straight to its port, which starts that replica's background
warm-up (through the balancer a presenter would reach only one); and stops everything it
started on exit (Ctrl-C, SIGTERM, SIGHUP, an error), its cluster last (a joined one runs on).

Why the HAProxy configuration looks the way it does (`haproxy_config`):
- Streamlit keeps a session, its uploads and its media files (st.image thumbnails, served at
  /media/...) in the memory of the server process that runs it. A browser's page, websocket
  (/_stcore/stream) and media requests must all reach that process: HAProxy inserts a cookie
  naming the replica on the first answer, and routes every later request carrying it there.
- Health checks GET /_stcore/health every 2 s; three failures in a row mark a replica down. A
  replica busy on 2 cores answered a 1 s check too late and was marked down while healthy,
  which sends its attendees' media requests elsewhere; so the check waits up to 5 s. A dead
  replica refuses connections at once and needs no health check to be avoided (redispatch).
- `option redispatch`: when a cookie names a replica that is down or refuses the connection,
  the request goes to another replica (and the cookie is rewritten), instead of failing. The
  browser's Streamlit reconnects, gets a new session there, and the settings come back from the
  URL, where the app keeps them.
- `timeout tunnel`: a websocket stays open for the whole lecture, idle between slider moves.
- Every replica gets the same `server.cookieSecret` (Streamlit signs its cookies with it; its
  docs ask for one shared secret across replicas). CORS and XSRF protection stay as they are: the
  browser sees one origin, the balancer's.
"""
import argparse
import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COOKIE = "transfer_lab_replica"  # HAProxy's stickiness cookie: its value names the replica
HEALTH = "/_stcore/health"
SCHEDULER_ENV = "TRANSFER_LAB_SCHEDULER"  # lib.engine reads it: the cluster a replica computes on


def haproxy_binary() -> str | None:
    """HAProxy from Debian's package (/usr/sbin may be missing from a user's PATH)."""
    return shutil.which("haproxy") or next((p for p in ["/usr/sbin/haproxy"] if os.access(p, os.X_OK)), None)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Replica:
    name: str  # also the cookie value HAProxy sets for sessions it holds
    host: str
    port: int
    proc: subprocess.Popen | None = None
    log: Path | None = None


# ---------------------------------------------------------------- the balancer's configuration

def haproxy_config(servers, bind: str = "127.0.0.1", port: int = 8500, stats_socket: str | None = None,
                   system: bool = False) -> str:
    """HAProxy configuration for `servers` [(name, host, port), ...]: sticky by cookie, health
    checked, redispatching when a replica is lost. system=True: for Debian's haproxy service
    (logs to syslog, runs as the haproxy user); else for a child of this script (logs to stdout)."""
    lines = ["global", "    maxconn 4096"]
    if system:
        lines += ["    log /dev/log local0", "    user haproxy", "    group haproxy"]
    else:
        lines.append("    log stdout format raw local0")
    if stats_socket:
        lines.append(f"    stats socket {stats_socket} mode 600 level admin")
    lines += [
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    timeout connect 3s",
        "    timeout client 60s",
        "    timeout server 180s      # a slider move that trains a new position takes up to ~20 s",
        "    timeout tunnel 2h        # a websocket stays open for the whole lecture",
        "    timeout http-request 10s",
        "    retries 2",
        "    option redispatch 1      # a lost replica's sessions retry on another one at once",
        "",
        "frontend hall",
        f"    bind {bind}:{port}",
        "    default_backend replicas",
        "",
        "backend replicas",
        "    balance leastconn        # each attendee holds one websocket: fill the emptiest replica",
        f"    cookie {COOKIE} insert indirect nocache httponly",
        f"    option httpchk GET {HEALTH}",
        "    http-check expect status 200",
        "    timeout check 5s         # a replica busy training answers its health check late, not never",
        "    default-server inter 2s fall 3 rise 2",
    ]
    lines += [f"    server {name} {host}:{p} check cookie {name}" for name, host, p in servers]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- a first visit

def first_visit(host: str, port: int, timeout: float = 300.0) -> None:
    """Open the home page once on one replica, as a browser would, and wait for its run to end.
    Its first run starts the app's background warm-up (ui/warmup.py): torch and the pretrained
    models load before the room arrives. Through the balancer a presenter reaches one replica."""
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def visit():
        async with websockets.connect(f"ws://{host}:{port}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None) as ws:
            msg = BackMsg()
            msg.rerun_script.page_name = ""  # the home page
            await ws.send(msg.SerializeToString())
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await ws.recv())
                if fwd.WhichOneof("type") == "script_finished":
                    return

    asyncio.run(asyncio.wait_for(visit(), timeout))


# ---------------------------------------------------------------- the cluster

class HallError(RuntimeError):
    """The hall could not start; the message says which part and shows its log."""


def scheduler_identity(address: str, timeout: float = 10.0) -> dict:
    """What answers at `address` (Dask's identity call: type, services, workers), within `timeout`
    seconds; HallError if nothing does or it is not a Dask scheduler. The replicas would each fall
    back to a cluster of their own (lib.engine): on a hall's machine, one per replica. So the hall
    refuses to start instead."""
    import asyncio

    from distributed.core import rpc

    async def ask():
        async with rpc(address) as scheduler:
            return await scheduler.identity()
    try:
        who = asyncio.run(asyncio.wait_for(ask(), timeout))
    except Exception as err:  # refused, timed out, a malformed address, a stranger's bytes
        raise HallError(f"no Dask scheduler answered at {address} within {timeout:.0f} s "
                        f"({type(err).__name__}{': ' if str(err) else ''}{err}); start it first (docs/DEPLOY.md)") from None
    if who.get("type") != "Scheduler":
        raise HallError(f"{address} answered as {who.get('type')!r}, not as a Dask scheduler")
    return who


def dashboard_of(address: str, who: dict) -> str | None:
    """The dashboard's address of the scheduler at `address`, from its identity's services."""
    port = (who.get("services") or {}).get("dashboard")
    host = address.split("://", 1)[-1].rsplit(":", 1)[0]
    return f"http://{host}:{port}/status" if port else None


# ---------------------------------------------------------------- the hall


def _tail(path: Path | None, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except (OSError, AttributeError):
        return ""


def _stop_group(proc: subprocess.Popen | None, grace: float = 10.0) -> None:
    """SIGTERM the process group `proc` leads (its own children too), SIGKILL what is left."""
    if proc is None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        # the leader is gone; make sure no child of the group outlives it
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


class Hall:
    """N replicas of the app behind one HAProxy, on this machine, computing on one Dask cluster.

        with Hall(replicas=3, pack=Path("pack.tar.gz")) as hall:
            print(hall.url, hall.dashboard)

    `cache`: a cache folder to share instead of a fresh one (the pack, if given, is unpacked into
    it); the hall's workers store results there too. `env`: extra environment for the replicas
    and the cluster. `workers`: worker processes of the hall's cluster (lib.cluster's default:
    the cores, at most 4), besides the one kept for pages; `scheduler`: join the cluster there
    instead of starting one (its workers keep results in their own TRANSFER_LAB_CACHE).
    `cluster_host`, `scheduler_port`, `dashboard_port`: where the hall's cluster listens (free
    loopback ports by default). Everything goes into `workdir` (a temporary folder unless
    given): the HAProxy configuration, its stats socket, one log per process.
    """

    def __init__(self, replicas: int = 2, port: int | None = None, bind: str = "127.0.0.1",
                 pack: Path | None = None, cache: Path | None = None, env: dict | None = None,
                 workdir: Path | None = None, root: Path = ROOT, say=lambda *a: None,
                 workers: int | None = None, scheduler: str | None = None, cluster_host: str = "127.0.0.1",
                 scheduler_port: int | None = None, dashboard_port: int | None = None):
        if replicas < 1:
            raise ValueError("a hall needs at least one replica")
        if workers is not None and workers < 1:
            raise ValueError("a hall's cluster needs at least one worker (the kept one takes only pages)")
        self.bind, self.root, self.say = bind, root, say
        self.port = port or free_port()
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="transfer-lab-hall-")
        self.workdir = Path(workdir or self._tmp.name)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pack, self.cache = pack, Path(cache or self.workdir / "cache")
        self.extra_env = dict(env or {})
        self.replicas = [Replica(f"r{i + 1}", "127.0.0.1", free_port()) for i in range(replicas)]
        self.haproxy: subprocess.Popen | None = None
        self.stats_socket = self.workdir / "haproxy.sock"
        self.config = self.workdir / "haproxy.cfg"
        self.haproxy_log = self.workdir / "haproxy.log"
        self.workers, self.cluster_host = workers, cluster_host
        self.scheduler_port = scheduler_port or free_port(cluster_host)
        self.dashboard_port = dashboard_port or free_port(cluster_host)
        self.scheduler: str | None = scheduler  # the cluster's address, once known
        self.joined = scheduler is not None     # a cluster someone else runs: never stopped here
        self.dashboard: str | None = None
        self.cluster: subprocess.Popen | None = None
        self.cluster_log = self.workdir / "cluster.log"
        self._secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32)  # one for all
        self._stopped = False

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "") else self.bind
        return f"http://{host}:{self.port}"

    # ------------------------------------------------------------ starting

    def replica_env(self) -> dict:
        env = dict(os.environ)
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = self._secret  # the same for every replica, restarts too
        env.update(self.extra_env, TRANSFER_LAB_CACHE=str(self.cache))
        if self.scheduler:
            env[SCHEDULER_ENV] = self.scheduler
        return env

    def start(self, timeout: float = 180.0) -> "Hall":
        haproxy = haproxy_binary()
        if haproxy is None:
            raise HallError("haproxy is not installed (Debian: apt-get install haproxy)")
        atexit.register(self.stop)
        try:
            self._unpack()
            self.start_cluster(timeout)  # before the replicas: one that found no cluster would start its own
            env = self.replica_env()
            for r in self.replicas:
                self.start_replica(r, env)
            self.config.write_text(haproxy_config([(r.name, r.host, r.port) for r in self.replicas],
                                                  self.bind, self.port, str(self.stats_socket)))
            check = subprocess.run([haproxy, "-c", "-q", "-f", str(self.config)], capture_output=True, text=True)
            if check.returncode:
                raise HallError(f"haproxy refused {self.config}:\n{check.stdout}{check.stderr}")
            with open(self.haproxy_log, "ab") as log:
                # -db: stay in the foreground, so it is our child and stops with us
                self.haproxy = subprocess.Popen([haproxy, "-db", "-f", str(self.config)], stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
            self.wait_up(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _unpack(self) -> None:
        if self.pack is None:
            return
        sys.path.insert(0, str(ROOT / "scripts"))
        try:
            import prefetch
        finally:
            sys.path.remove(str(ROOT / "scripts"))
        t0 = time.perf_counter()
        try:
            manifest = prefetch.read_pack(Path(self.pack), self.cache)
        except prefetch.PackError as err:
            raise HallError(str(err)) from err
        self.say(f"unpacked {len(manifest)} files from {self.pack} into {self.cache} "
                 f"in {time.perf_counter() - t0:.1f} s (shared by every replica)")

    def start_cluster(self, timeout: float = 180.0) -> None:
        """The hall's Dask cluster (`python -m lib.cluster`, its own process group, on the hall's
        cache folder), or the one `scheduler` names; either way its dashboard's address."""
        if self.joined:
            self.dashboard = dashboard_of(self.scheduler, scheduler_identity(self.scheduler))
            self.say(f"cluster: joined {self.scheduler} (dashboard {self.dashboard or 'not served'})")
            return
        command = [sys.executable, "-m", "lib.cluster", "--host", self.cluster_host,
                   "--port", str(self.scheduler_port), "--dashboard", f"{self.cluster_host}:{self.dashboard_port}"]
        if self.workers is not None:
            command += ["--workers", str(self.workers)]
        env = self.replica_env()
        env.pop(SCHEDULER_ENV, None)
        # the workers spawned by its nannies import lib from the checkout, whatever their folder
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.root), env.get("PYTHONPATH")]))
        out = self.workdir / "cluster.json"
        with open(out, "wb") as stdout, open(self.cluster_log, "ab") as log:
            self.cluster = subprocess.Popen(command, cwd=self.root, env=env, stdout=stdout, stderr=log,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        t0, deadline = time.perf_counter(), time.monotonic() + timeout
        while not out.read_text().strip():  # one JSON line once the scheduler and every worker are up
            if self.cluster.poll() is not None:
                raise HallError(f"the Dask cluster exited with {self.cluster.returncode}:\n{_tail(self.cluster_log)}")
            if time.monotonic() > deadline:
                raise HallError(f"the Dask cluster was not up after {timeout:.0f} s:\n{_tail(self.cluster_log)}")
            time.sleep(0.2)
        found = json.loads(out.read_text().strip().splitlines()[0])
        self.scheduler, self.dashboard = found["scheduler"], found.get("dashboard")
        self.say(f"cluster: scheduler {self.scheduler}, {self.workers or 'default'} workers + 1 kept for pages "
                 f"(pid {self.cluster.pid}, log {self.cluster_log}), up in {time.perf_counter() - t0:.1f} s")

    def start_replica(self, r: Replica, env: dict | None = None) -> None:
        r.log = self.workdir / f"{r.name}.log"
        with open(r.log, "ab") as log:
            r.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(r.port), "--server.address", r.host],
                cwd=self.root, env=env or self.replica_env(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)  # its own group: stopped with its children
        self.say(f"{r.name}: streamlit on {r.host}:{r.port} (pid {r.proc.pid}, log {r.log})")

    def wait_up(self, timeout: float) -> None:
        """Until HAProxy's health checks see every replica up and the hall answers."""
        deadline = time.monotonic() + timeout
        while True:
            for r in self.replicas:
                if r.proc.poll() is not None:
                    raise HallError(f"replica {r.name} exited with {r.proc.returncode}:\n{_tail(r.log)}")
            if self.haproxy.poll() is not None:
                raise HallError(f"haproxy exited with {self.haproxy.returncode}:\n{_tail(self.haproxy_log)}")
            if self.cluster is not None and self.cluster.poll() is not None:
                raise HallError(f"the Dask cluster exited with {self.cluster.returncode}:\n{_tail(self.cluster_log)}")
            try:
                if all(row["status"] == "UP" for row in self.stats().values()):
                    urllib.request.urlopen(self.url + HEALTH, timeout=2).read()
                    self.say(f"hall up: {self.url} ({len(self.replicas)} replicas)")
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise HallError(f"the hall was not up after {timeout:.0f} s: {self.stats_or_why()}")
            time.sleep(0.5)

    # ------------------------------------------------------------ watching

    def stats(self) -> dict:
        """HAProxy's view of each replica (`show stat` on its socket): name -> {status, scur,
        smax, stot, ...}. scur = connections open now (an attendee's websocket is one)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(2)
            s.connect(str(self.stats_socket))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        header, *rows = data.decode().strip().splitlines()
        names = header.lstrip("# ").split(",")
        out = {}
        for row in rows:
            fields = dict(zip(names, row.split(",")))
            if fields.get("pxname") == "replicas" and fields.get("svname") not in ("FRONTEND", "BACKEND"):
                out[fields["svname"]] = fields
        return out

    def stats_or_why(self) -> str:
        try:
            return ", ".join(f"{name} {row['status']}" for name, row in self.stats().items())
        except OSError as err:
            return f"no stats from haproxy ({err})"

    def first_visits(self) -> None:
        """Every replica's home page once, straight to its port: each starts its warm-up."""
        for r in self.replicas:
            t0 = time.perf_counter()
            first_visit(r.host, r.port)
            self.say(f"{r.name}: home page ran in {time.perf_counter() - t0:.1f} s; warm-up started")

    def replica(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)

    def kill_replica(self, name: str) -> None:
        """A server lost mid-lecture: SIGKILL the replica and its children, no goodbye."""
        r = self.replica(name)
        try:
            os.killpg(r.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        r.proc.wait(10)

    def pids(self) -> list[int]:
        """Every process group this hall started (replicas, haproxy and its Dask cluster)."""
        return [p.pid for p in [self.haproxy, *(r.proc for r in self.replicas), self.cluster] if p is not None]

    # ------------------------------------------------------------ stopping

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        _stop_group(self.haproxy, grace=5)
        for r in self.replicas:
            _stop_group(r.proc)
        _stop_group(self.cluster, grace=20)  # last: it closes its workers (lib.cluster waits 10 s for them)
        atexit.unregister(self.stop)
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self):
        return self.start() if self.haproxy is None else self

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------- command line

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, default=2, help="how many app servers on this machine")
    ap.add_argument("--pack", type=Path, help="a prefetch pack (scripts/prefetch.py --write): every replica starts warm")
    ap.add_argument("--port", type=int, default=8500, help="the balancer's port: the address attendees open")
    ap.add_argument("--bind", default="127.0.0.1", help="the balancer's address (0.0.0.0: every interface)")
    ap.add_argument("--workers", type=int,
                    help="worker processes of the hall's Dask cluster, besides the one kept for pages "
                         "(default: the cores, at most 4; each takes about 0.7 GB)")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="join the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786) instead of starting one")
    ap.add_argument("--cluster-host", default="127.0.0.1",
                    help="where the hall's scheduler and dashboard listen (0.0.0.0: workers on other hosts may join)")
    ap.add_argument("--scheduler-port", type=int, default=8786, help="the hall's scheduler's port")
    ap.add_argument("--dashboard-port", type=int, default=8787, help="Dask's dashboard's port (task stream, progress)")
    ap.add_argument("--workdir", type=Path,
                    help="keep the config, stats socket and logs here (default: a temporary folder, removed on exit)")
    ap.add_argument("--no-first-visits", action="store_true",
                    help="do not open each replica's home page at start (it starts that replica's warm-up)")
    ap.add_argument("--print-config", action="store_true",
                    help="only print an HAProxy configuration for --servers (or --replicas local ports) and exit")
    ap.add_argument("--servers", nargs="+", metavar="HOST:PORT", help="with --print-config: replicas on other hosts")
    ap.add_argument("--first-visit", nargs="+", metavar="HOST:PORT",
                    help="only open the home page of each of these replicas once (starts its warm-up) and exit")
    args = ap.parse_args(argv)

    if args.first_visit:
        for server in args.first_visit:
            host, port = server.rsplit(":", 1)
            t0 = time.perf_counter()
            first_visit(host, int(port))
            print(f"{server}: home page ran in {time.perf_counter() - t0:.1f} s; warm-up started", flush=True)
        return 0

    if args.print_config:
        servers = ([(f"r{i + 1}", *s.rsplit(":", 1)) for i, s in enumerate(args.servers)] if args.servers else
                   [(f"r{i + 1}", "127.0.0.1", 8501 + i) for i in range(args.replicas)])
        print(haproxy_config(servers, args.bind, args.port,
                             stats_socket="/run/haproxy/transfer-lab.sock", system=True), end="")
        return 0

    hall = Hall(args.replicas, args.port, args.bind, args.pack, workdir=args.workdir,
                say=lambda *a: print(*a, flush=True), workers=args.workers, scheduler=args.scheduler,
                cluster_host=args.cluster_host, scheduler_port=args.scheduler_port,
                dashboard_port=args.dashboard_port)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through `finally`: everything is stopped

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    try:
        hall.start()
        if not args.no_first_visits:
            hall.first_visits()
        print(f"Open {hall.url} in the room's browsers (haproxy.cfg and logs: {hall.workdir}). "
              f"Ctrl-C stops the hall.", flush=True)
        print(f"Dask's dashboard (task stream, progress: what the room waits for): "
              f"{hall.dashboard or 'not served by this scheduler'}; scheduler {hall.scheduler}", flush=True)
        lost = set()
        while True:
            for r in hall.replicas:
                if r.name not in lost and r.proc.poll() is not None:
                    lost.add(r.name)
                    print(f"replica {r.name} exited ({r.proc.returncode}); haproxy sends its sessions "
                          f"to the others. Log: {r.log}", flush=True)
            if hall.haproxy.poll() is not None:
                print(f"haproxy exited ({hall.haproxy.returncode}):\n{_tail(hall.haproxy_log)}", file=sys.stderr)
                return 1
            if hall.cluster is not None and hall.cluster.poll() is not None:
                # its replicas would each start a cluster of their own: on one machine, too many
                print(f"the Dask cluster exited ({hall.cluster.returncode}):\n{_tail(hall.cluster_log)}",
                      file=sys.stderr)
                return 1
            time.sleep(1)
    except HallError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except SystemExit as stop:
        return int(stop.code or 0)
    finally:
        print("stopping the hall ...", flush=True)
        hall.stop()


if __name__ == "__main__":
    sys.exit(main())
