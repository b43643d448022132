"""Learning-curve sweeps: every (labeled size, seed) cell trained once and kept on disk as CSV.

`sweep` is the public call. A cell is one `compare()` (through lib.stored, so the pages' sliders
find it); its file is keyed by lib.versions.result_key (the task, the cell, the options, a hash of
the engine's source and the device), so a changed line of code trains afresh while an unchanged app
answers a second visit, or a link opened later, from disk. Cells rather than whole sweeps: a sweep
that was stopped keeps what it finished, and a sweep with one more seed reuses the rest.

A named image task's cells are trained by the Dask workers (lib.engine), one way
per job, so a sweep uses both cores and shares its queue with the pages; anything else (an
upload, a text task) is trained in this process.
"""
from pathlib import Path

import pandas as pd

from lib import cache, versions
from lib.stored import compare_stored
from lib.tasks import resolve_options, resolve_task, task_identity, task_kind
from lib.plan import doubling_sizes
from lib.versions import result_key
from lib.engine import PROFILE, current, default_workers

COLUMNS = ["method", "n_per_class", "seed", "test_accuracy", "label", "train_accuracy", "backbone"]


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
    return _rows(c), list(c.notices)


def _rows(c) -> pd.DataFrame:
    rows = [(r.method, c.n_per_class, c.seed, r.test_accuracy, r.label, r.train_accuracy, c.backbone)
            for r in c.runs.values()]
    return pd.DataFrame(rows, columns=COLUMNS)


def run_sweep(task, sizes=DEFAULT_SIZES, seeds=DEFAULT_SEEDS, progress=None, stop=None,
              cached_only: bool = False, **options) -> pd.DataFrame:
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

        def keep(cell, frame, cell_notices):
            notices.extend(m for m in cell_notices if m not in notices)
            found[cell] = frame
            trained.append(cell)
            if not cell_notices:  # a fallback result must not be stored under the asked-for settings
                write_cell(paths[cell], frame, private)
            say(len(found), len(cells), f"trained {cell[0]} per class, seed {cell[1]}")

        if named and task_kind(task) == "image" and default_workers() > 0:
            _in_workers(named, todo, options, keep, stop, say, lambda: len(found), len(cells))
        else:  # in this process: an upload, a text task, or no worker processes
            for cell in todo:
                if stop is not None and stop():
                    break
                say(len(found), len(cells), f"training {cell[0]} per class, seed {cell[1]}")
                keep(cell, *train_cell(t, *cell, options, named))
    frames = [found[c] for c in cells if c in found]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out.attrs.update(complete=len(found) == len(cells), notices=notices, trained=len(trained))
    return out


def _in_workers(task: str, todo, options, keep, stop, say, done, total):
    """Every way of every cell as a Dask task (lib.engine), behind what a slider move asks for
    (PROFILE: a learning curve is hundreds of trainings, and must not hold the worker kept for
    pages); a cell is kept
    once all its ways are back (each way is stored as it finishes, so the pages' sliders find
    them). The default sweep may already be queued by the warm-up: its tasks then read what the
    first one stored instead of training twice."""
    from lib.comparisons import assemble
    from lib.plan import view_jobs
    e = current()
    futures = {cell: {job.method: e.submit(job, PROFILE) for job in view_jobs(task, *cell, options)}
               for cell in sorted(todo)}
    for cell, jobs in futures.items():  # smallest first: the chart fills from the left
        if stop is not None and stop():
            break
        say(done(), total, f"training {cell[0]} per class, seed {cell[1]}")
        runs = {m: f.result() for m, f in jobs.items()}
        c = assemble(task, cell[0], cell[1], runs, options)
        keep(cell, _rows(c), list(c.notices))


def sweep_options(task: str, backbone: str | None = None, control: bool = False,
                  cut: str = "auto") -> dict:
    """The compare() options a page sweeps with, every default written out (the same spelling
    compare() resolves to), so every page finds the others' cells and comparisons on disk."""
    if task_kind(task) == "image":
        return resolve_options("image", {"backbone": backbone or "efficientnet_lite0",
                                         "control": bool(control), "cut": cut})
    return {}


def sweep(task, sizes, seeds, progress=None, stop=None, **options) -> pd.DataFrame:
    """Test accuracy of every way for each labeled size x seed, each cell cached on disk.

    Returns columns method, n_per_class, seed, test_accuracy (plus label, train_accuracy,
    backbone). progress(done, total) is called as cells finish; stop() -> True ends the sweep
    between cells. See run_sweep for the cache, the worker pool and the frame's attrs.
    """
    say = (lambda done, total, note: progress(done, total)) if progress else None
    return run_sweep(task, sizes, seeds, progress=say, stop=stop, **options)
