"""Learning-curve sweeps: every (labeled size, seed) cell trained once and kept on disk as CSV.

`sweep` is the public call. A cell is one `compare()` (through lib.stored, so the pages' sliders
find it); its file is keyed by lib.versions.result_key (the task, the cell, the options, a hash of
the engine's source and the device), so a changed line of code trains afresh while an unchanged app
answers a second visit, or a link opened later, from disk. Cells rather than whole sweeps: a sweep
that was stopped keeps what it finished, and a sweep with one more seed reuses the rest.

Cells can run in a pool of worker processes (one torch thread each); benchmarks/sweep_speed.py
measures whether that beats one process using every core.
"""
import multiprocessing
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import pandas as pd
import torch

from lib import cache, versions
from lib.device import training_slot
from lib.stored import compare_stored
from lib.tasks import resolve_options, resolve_task, task_identity, task_kind
from lib.versions import result_key

COLUMNS = ["method", "n_per_class", "seed", "test_accuracy", "label", "train_accuracy", "backbone"]


def doubling_sizes(hi: int, lo: int = 1, and_hi: bool = False) -> list[int]:
    """1, 2, 4, ... up to hi (and hi itself when and_hi): the labeled sizes a learning curve
    measures and a slider steps through, so every slider position is a measured point."""
    sizes = [2 ** i for i in range(max(int(hi), 1).bit_length()) if lo <= 2 ** i <= hi]
    return sizes + [int(hi)] if and_hi and int(hi) not in sizes else sizes


DEFAULT_SIZES = tuple(doubling_sizes(128))
DEFAULT_SEEDS = tuple(range(5))
def cell_path(identity: str, n: int, seed: int, options: dict, version: str) -> Path:
    return cache.cache_dir("sweeps") / f"{result_key('sweep', identity, n, int(seed), options, version)}.csv"


def read_cell(path, private: dict | None = None) -> pd.DataFrame | None:
    """A stored cell, or None when missing or unreadable (an unreadable file is removed).
    `private`: the store of an upload's cells (lib.cache.store_of), which never go to disk."""
    if private is not None:
        return private.get(path)
    if not path.exists():
        return None
    try:
        frame = pd.read_csv(path)
        if list(frame.columns) != COLUMNS or frame.empty:
            raise ValueError("unexpected columns")
        return frame
    except Exception:
        path.unlink(missing_ok=True)
        return None


def write_cell(path, frame: pd.DataFrame, private: dict | None = None) -> None:
    if private is not None:
        private[path] = frame
        return
    cache.save_text(path, frame.to_csv(index=False))  # atomic: a reader never sees half a file


def train_cell(task, n: int, seed: int, options: dict, identity: str | None = None):
    """One compare() as rows of the sweep's table, plus any notices (e.g. a backbone fallback).
    The whole comparison is kept too (lib.stored), so the pages' sliders find it."""
    c = compare_stored(task, int(n), int(seed), identity=identity, **options)
    rows = [(r.method, int(n), int(seed), r.test_accuracy, r.label, r.train_accuracy, c.backbone)
            for r in c.runs.values()]
    return pd.DataFrame(rows, columns=COLUMNS), list(c.notices)


_worker_task = _worker_identity = None
# One pool of worker processes per server: on a classroom server, a second session's sweep runs
# in its own process instead of forking two more workers (each ~0.5 GB, each wanting a core).
_one_pool = threading.Lock()


def _worker_start(task, identity, threads: int):
    global _worker_task, _worker_identity
    _worker_task, _worker_identity = task, identity
    torch.set_num_threads(threads)


def _worker_cell(n, seed, options):
    return train_cell(_worker_task, n, seed, options, _worker_identity)


def run_sweep(task, sizes=DEFAULT_SIZES, seeds=DEFAULT_SEEDS, progress=None, stop=None,
              workers: int = 1, cached_only: bool = False, **options) -> pd.DataFrame:
    """Test accuracy of every way for each size x seed: columns COLUMNS, one row per run.

    progress(done, total, note) is called as cells finish (note says what was trained);
    stop() -> True ends the sweep between cells (a cell is never cut short, so nothing stored is
    partial). cached_only=True trains nothing and returns the cells already on disk.
    frame.attrs: "complete" (every cell present), "notices" (fallbacks seen), "trained" (cells run now).
    """
    options = resolve_options(task_kind(task), options)  # one key however the options were spelled
    sizes, seeds = [int(s) for s in sizes], [int(s) for s in seeds]
    if not sizes or not seeds:
        raise ValueError("a sweep needs at least one size and one seed")
    if min(sizes) < 1:
        raise ValueError(f"sizes must be at least 1 example per class, got {min(sizes)}")
    identity, version = task_identity(task), versions.code_version()
    named = identity if isinstance(task, str) else None  # only named tasks' comparisons are stored
    cells = [(n, s) for n in sizes for s in seeds]
    private = cache.store_of(task)  # an upload's cells stay with it (lib.cache), never on disk
    paths = {c: cell_path(identity, *c, options, version) if private is None else
             ("sweep", identity, *c, cache.key(options), version) for c in cells}
    found = {c: f for c in cells if (f := read_cell(paths[c], private)) is not None}
    todo = [c for c in cells if c not in found]
    notices, trained = [], []
    say = progress or (lambda *a: None)
    say(len(found), len(cells), f"{len(found)} of {len(cells)} runs read from the cache")
    if todo and not cached_only:
        t = resolve_task(task)
        too_big = sorted({n for n, _ in todo if n > t.max_per_class()})
        if too_big:
            raise ValueError(f"sizes {too_big} need more examples per class than the pool has "
                             f"({t.max_per_class()})")
        todo.sort(key=lambda c: -c[0])  # the slowest cells first, so workers finish together

        def keep(cell, frame, cell_notices):
            notices.extend(m for m in cell_notices if m not in notices)
            found[cell] = frame
            trained.append(cell)
            if not cell_notices:  # a fallback result must not be stored under the asked-for settings
                write_cell(paths[cell], frame, private)
            say(len(found), len(cells), f"trained {cell[0]} per class, seed {cell[1]}")

        # The first cell runs here: it loads the backbone and features that workers then inherit.
        first = todo.pop(0)
        say(len(found), len(cells), f"training {first[0]} per class, seed {first[1]} (and loading the backbone)")
        keep(first, *train_cell(t, *first, options, named))
        if workers > 1 and len(todo) > 1 and _one_pool.acquire(blocking=False):
            try:
                _in_pool(t, named, todo, options, workers, keep, stop)
            finally:
                _one_pool.release()
        else:  # one process; also when another session's sweep has the server's pool
            for cell in todo:
                if stop is not None and stop():
                    break
                say(len(found), len(cells), f"training {cell[0]} per class, seed {cell[1]}")
                keep(cell, *train_cell(t, *cell, options, named))
    frames = [found[c] for c in cells if c in found]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out.attrs.update(complete=len(found) == len(cells), notices=notices, trained=len(trained))
    return out


def _in_pool(task, identity, todo, options, workers, keep, stop):
    """Run cells in `workers` processes with one torch thread each; the parent stores results."""
    context = multiprocessing.get_context("fork")  # children inherit the loaded task and features
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                               initargs=(task, identity, 1))
    try:
        # Fork while holding the training slot: a child must not inherit it locked by another
        # session's thread, which does not exist in the child and would never release it.
        with training_slot():
            pending = {pool.submit(_worker_cell, *cell, options): cell for cell in todo}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                keep(pending.pop(future), *future.result())
            if stop is not None and stop():
                break
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def sweep_options(task: str, backbone: str | None = None, control: bool = False,
                  cut: str = "auto") -> dict:
    """The compare() options a page sweeps with, every default written out (the same spelling
    compare() resolves to), so every page finds the others' cells and comparisons on disk."""
    if task_kind(task) == "image":
        return resolve_options("image", {"backbone": backbone or "efficientnet_lite0",
                                         "control": bool(control), "cut": cut})
    return {}


def sweep(task, sizes, seeds, progress=None, stop=None, workers: int = 1, **options) -> pd.DataFrame:
    """Test accuracy of every way for each labeled size x seed, each cell cached on disk.

    Returns columns method, n_per_class, seed, test_accuracy (plus label, train_accuracy,
    backbone). progress(done, total) is called as cells finish; stop() -> True ends the sweep
    between cells. See run_sweep for the cache, the worker pool and the frame's attrs.
    """
    say = (lambda done, total, note: progress(done, total)) if progress else None
    return run_sweep(task, sizes, seeds, progress=say, stop=stop, workers=workers, **options)
