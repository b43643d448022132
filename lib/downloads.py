"""Downloading a file once into the cache: pretrained weights and the real-photo data set.

One code path for both, so they share the same timeout, progress, checks and failure message:
- `urllib` with a short timeout (torch.hub sets none, so a dead network could hang a page);
- the file is streamed to `NAME.part` and renamed only after its checks pass, so nothing
  half-written is ever found in the cache;
- a failure raises `Unavailable` with what happened and what to do; the caller falls back.
"""
import hashlib
import os
import urllib.request
from pathlib import Path

from lib import cache

TIMEOUT_S = 3.0


class Unavailable(RuntimeError):
    """The file could not be had; the message says why and what to do."""


def fetch(url: str, dest: Path, what: str, check=None, progress=None, timeout: float | None = None) -> Path:
    """`dest` if it is there, else download `url` to it. `check(tmp_path, sha256_hex)` raises
    Unavailable (or anything) when the file that arrived is not what was expected."""
    if dest.exists():
        return dest
    if cache.offline():
        raise Unavailable(f"TRANSFER_LAB_OFFLINE is set, so {what} cannot be downloaded. Unset it on "
                          f"a machine with network, or run `python scripts/prefetch.py` there "
                          f"before the workshop")
    try:
        _stream(url, dest, timeout or TIMEOUT_S, progress, check)
    except Unavailable:
        raise
    except Exception as err:
        raise Unavailable(f"downloading {what} from {url} failed ({err}). Check the network, or "
                          f"run `python scripts/prefetch.py` where there is one") from err
    return dest


def _stream(url: str, dest: Path, timeout: float, progress, check) -> None:
    tmp, sha = dest.with_name(f"{dest.name}.{os.getpid()}.part"), hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
            total, done = int(response.headers.get("Content-Length") or 0), 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                sha.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        if check:
            check(tmp, sha.hexdigest())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
