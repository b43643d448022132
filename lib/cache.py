"""Where caches live on disk, how entries are keyed, and reads that survive a broken file.

Set TRANSFER_LAB_CACHE to move the folder. A cache entry that cannot be read is deleted and
reported as a miss, so a corrupt file costs a recomputation, never a crash.
"""
import hashlib
import json
import os
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


def _replace_atomically(path: Path, write) -> None:
    """write(tmp) beside `path`, then rename: a crash mid-write leaves no half file behind to be
    read later, and two processes writing one entry never share a temporary file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def save_array(path: Path, array: np.ndarray) -> None:
    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.save would add ".npy" to a bare name
            np.save(f, array, allow_pickle=False)
    _replace_atomically(path, write)


def save_text(path: Path, text: str) -> None:
    _replace_atomically(path, lambda tmp: tmp.write_text(text))
