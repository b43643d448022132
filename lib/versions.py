"""What made a stored result, and so what its cache key must hold: the engine's code (a hash of
its sources and assets) and the device kind it ran on. `result_key` is the one key of every
stored result (comparisons, sweep cells, depth profiles), so a changed line of engine code, or a
GPU, never reuses a number computed otherwise.
"""
import functools
import hashlib
from pathlib import Path

from lib import cache

ROOT = Path(__file__).resolve().parents[1]
# Engine files that cannot change a stored number: statistics read off results for display,
# architecture counts for the parameters page, the import lock, and the plumbing that stores,
# schedules and gathers results (a changed layout fails to read and is recomputed). Editing
# them keeps the cache.
PRESENTATION = {"curves.py", "zoo.py", "imports.py", "stored.py", "sweeps.py", "engine.py",
                "cluster.py", "plan.py", "experiments.py"}


def engine_files() -> list:
    """The files whose bytes define the results: lib/ (less PRESENTATION) and assets/."""
    files = sorted(p for p in (ROOT / "lib").rglob("*.py") if p.name not in PRESENTATION)
    return files + sorted(p for p in (ROOT / "assets").rglob("*") if p.is_file())


def code_version() -> str:
    """Hash of every engine source and asset file that can change a result, read once per process
    (about 1.5 ms a read, and a waiting page asked for it twice per way every 150 ms). A server
    runs the code it imported: an edit of lib/ takes a restart to run, and so to be keyed."""
    return _hashed(ROOT)


@functools.lru_cache(maxsize=None)
def _hashed(root: Path) -> str:
    h = hashlib.sha256()
    for path in engine_files():
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def forget() -> None:
    """Read the sources again at the next code_version() (a test that edits them)."""
    _hashed.cache_clear()


def computed_on() -> str:
    """"cpu" or "cuda": float sums run in another order on a GPU, so its numbers are its own."""
    from lib.device import device
    return device().type


def result_key(kind: str, identity: str, n_per_class: int, seeds, options: dict, version: str | None = None) -> str:
    """The cache key of one stored result: what it is, of which task, at which size and seed(s),
    with which options, from which code, on which device."""
    return cache.key(kind, identity, int(n_per_class), seeds, options, version or code_version(), computed_on())
