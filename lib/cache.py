"""Where caches live on disk, how entries are keyed, and reads that survive a broken file.

Set TRANSFER_LAB_CACHE to move the folder. A cache entry that cannot be read is deleted and
reported as a miss, so a corrupt file costs a recomputation, never a crash.

Private data (an upload: `lib.data.load_images` / `load_texts` and the your-data page mark their
datasets `private=True`) is never cached here, nor in memory that outlives it. Work on it runs inside `scope(data)`, and every
cache (features, embeddings, skip-gram vectors, sweep cells, tokens) then keeps what it derives in
`private_store()`, a dict that lives on the dataset itself (`dataset.derived`): nothing goes to
disk or to memory shared by the process, and it all goes when the dataset is let go.
"""
import hashlib
import json
import os
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import numpy as np

CACHE_ENV = "TRANSFER_LAB_CACHE"
OFFLINE_ENV = "TRANSFER_LAB_OFFLINE"


def cache_dir(*parts: str) -> Path:
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "transfer-lab")
    path = Path(root, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def offline() -> bool:
    """True when the user asked for no network at all."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def key(*parts) -> str:
    """A short stable hash of anything JSON can write (dicts are sorted, so order never matters)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def code_of(*files) -> str:
    """Hash of the source files that compute a cached thing: changed code never reads old results."""
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:12]


def fingerprint(array: np.ndarray) -> str:
    """Content hash of an array: the same pixels give the same key, whatever made them."""
    h = hashlib.sha256(str((array.shape, str(array.dtype))).encode())
    h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()[:20]


def load_array(path: Path) -> np.ndarray | None:
    """The array stored at `path`, or None if it is missing or unreadable (then it is removed)."""
    if not path.exists():
        return None
    try:
        return np.load(path, allow_pickle=False)
    except Exception:
        path.unlink(missing_ok=True)
        return None


try:
    import fcntl
except ImportError:  # Windows: threads of one server still take turns; processes may both compute
    fcntl = None
_thread_locks: dict = {}
_thread_locks_guard = threading.Lock()


@contextmanager
def locked(name: str, wait: bool = True):
    """Hold `name` alone, across the threads and the worker processes of every server on this
    machine: the second asker of a result waits, then reads what the first stored, instead of
    computing it again. A lock file under the cache folder (`locks/`), released by the OS if its
    holder dies; a thread lock in front of it keeps threads of one process in line too.
    wait=False: yields False at once, holding nothing, when someone else has it."""
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(name, threading.Lock())
    if not lock.acquire(blocking=wait):
        yield False
        return
    try:
        if fcntl is None:
            yield True
            return
        with open(cache_dir("locks") / f"{name}.lock", "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        lock.release()


def _forked() -> None:
    """A forked child keeps only the thread that forked: a lock another thread held would stay held."""
    global _thread_locks_guard
    _thread_locks_guard = threading.Lock()
    _thread_locks.clear()


os.register_at_fork(after_in_child=_forked)


def replace_atomically(path: Path, write) -> None:
    """write(tmp) beside `path`, then rename: a crash mid-write leaves no half file behind to be
    read later, and two processes writing one entry never share a temporary file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def save_array(path: Path, array: np.ndarray) -> None:
    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.save would add ".npy" to a bare name
            np.save(f, array, allow_pickle=False)
    replace_atomically(path, write)


def save_text(path: Path, text: str) -> None:
    replace_atomically(path, lambda tmp: tmp.write_text(text))


# ---------------------------------------------------------------- private data: never cached here

_private: ContextVar = ContextVar("transfer_lab_private_store", default=None)


def persistent(data) -> bool:
    """May what is derived from `data` (a dataset or a Task) be cached on disk and in memory
    shared by the process? False for private data: an upload, or a task made from one."""
    return not getattr(data, "private", False)


def private_store() -> dict | None:
    """Inside `scope()` of private data: the dict every cache must use instead of disk and
    process-wide memory. None otherwise (then caches work as usual)."""
    return _private.get()


@contextmanager
def using(store: dict | None):
    """Make `store` the private store within the block; None changes nothing (an enclosing
    scope stays in force)."""
    if store is None:
        yield
        return
    token = _private.set(store)
    try:
        yield
    finally:
        _private.reset(token)


def store_of(data) -> dict | None:
    """Where what is derived from private `data` (a dataset or Task) is kept: its own `derived`
    dict, shared by the subsets a Task is split into. None for data that may be cached as usual."""
    if persistent(data):
        return None
    return (data.pool if hasattr(data, "pool") else data).derived


@contextmanager
def scope(data):
    """Work on `data` (a dataset or Task): if it is private, every cache keeps what it derives
    in `store_of(data)`, for as long as the data lives, and nowhere else. Yields that store."""
    store = store_of(data)
    with using(store):
        yield store
