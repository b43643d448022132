"""Results kept on disk as JSON, one file per way: a slider position trained once, by anyone on
this machine, by a Dask worker ahead of time (lib.engine) or by `scripts/prefetch.py` before the
workshop, is a file read from then on.

`run_stored(way, ...)` answers one way from `cache_dir("runs")` when it can and otherwise trains
it and keeps the result. A file is keyed by what that way reads and nothing else (lib.way): the
named task, size, seed, the options the way reads, a hash of the engine's code and the device.
So the control toggle trains only the control, and a cut change only the frozen head.
`compare_stored` is `compare` with every way answered so. What is never stored:

- a run with notices (e.g. a backbone that fell back offline): it answers other settings
  than the ones asked for, and must not be served once the network is back;
- anything trained on uploaded data: an attendee's photos stay in their session.

JSON, not pickle: a cache folder may come from someone's pack, and reading an entry can only ever
give numbers and strings. A text way's live model (to classify a typed review) never reaches a
file: `lib.text.ways.plain` keeps it in the process that trained it, and the run is numbers.
"""
import dataclasses
import json
import os
import threading
from collections import OrderedDict

import numpy as np
import pandas as pd

from lib import cache, comparisons
from lib.device import training_slot
from lib.runs import Comparison, Run, draw
from lib.tasks import resolve_options, resolve_task, task_kind
from lib.versions import result_key

_RUN_FIELDS = {f.name for f in dataclasses.fields(Run)}
_memory_lock = threading.Lock()


def _forked() -> None:
    """A forked sweep worker keeps only the thread that forked: a lock another thread held then
    would stay held in the child for ever."""
    global _memory_lock
    _memory_lock = threading.Lock()


os.register_at_fork(after_in_child=_forked)


def run_path(way, identity: str, n_per_class: int, seed: int, options: dict):
    """Where one way's result is kept: keyed by the options that way reads, and nothing else."""
    name = result_key(f"run:{way.method}", identity, n_per_class, int(seed), way.settings(options))
    return cache.cache_dir("runs") / f"{way.method}-{name}.json"


def storable_run(r: Run) -> bool:
    """Plain numbers only: no notices, no live model riding on the run."""
    return not r.notices and set(vars(r)) <= _RUN_FIELDS


def storable(c: Comparison) -> bool:
    return not c.notices and all(storable_run(r) for r in c.runs.values())


def save_run(path, r: Run) -> bool:
    """Write `r` atomically if it is storable; True if written. A cache folder that is full or
    read-only loses nothing but the file: the result is still returned and shown (write_problem
    says what happened)."""
    if not storable_run(r):
        return False
    return _write(path, run_json(r))


write_problem = None  # the last failed write's message, for the page to show (lib.engine sends it)


def _write(path, text: str) -> bool:
    global write_problem
    try:
        cache.save_text(path, text)
        return True
    except OSError as err:
        write_problem = (f"Results could not be saved in the cache folder {path.parent} ({err.strerror or err}): "
                         f"they are shown, but will be computed again next time. Free some disk space, or "
                         f"set {cache.CACHE_ENV} to a writable folder.")
        return False


def run_json(r: Run) -> str:
    """`r` as JSON text: what a stored file and a worker's early card carry (numbers, never code)."""
    return json.dumps(_run_to_json(r), default=_plain)


def run_from_json(text: str) -> Run:
    return _run_from_json(json.loads(text))


_loaded: OrderedDict = OrderedDict()  # (path, mtime, size) -> Run: a stored move re-reads no JSON
LOADED_ENTRIES = 4096


def load_run(path) -> Run | None:
    """The run stored at `path`, or None if missing or unreadable (then it is removed). Runs read
    before are kept in memory by file identity (a slider move back to a position seen reads
    24 files: 1.8 ms each as JSON, measured by benchmarks/stored_move.py). Callers never change
    a Run they are given."""
    try:
        stat = path.stat()
    except OSError:
        return None
    identity = (str(path), stat.st_mtime_ns, stat.st_size)
    with _memory_lock:
        if (found := _loaded.get(identity)) is not None:
            _loaded.move_to_end(identity)
            return found
    try:
        run = _run_from_json(json.loads(path.read_text()))
    except Exception:  # truncated, hand-edited, or from an older layout: recompute
        path.unlink(missing_ok=True)
        return None
    with _memory_lock:
        _loaded[identity] = run
        while len(_loaded) > LOADED_ENTRIES:
            _loaded.popitem(last=False)
    return run


def run_stored(way, task, identity, n_per_class, seed, options, progress=None, stop=None,
               on_compute=None) -> Run:
    """`way.run(...)` on the draw of (n_per_class, seed), answered from disk when it was stored.
    At n_per_class == 0 nothing is drawn (empty train and validation indices): the zero-shot way's
    run, stored like any other, keyed by what it reads (the backbone).
    One computation per file at a time, across threads and processes (lib.cache.locked): the
    second asker waits, then reads what the first stored. `on_compute()` hears that it trains
    (instead of reading): how the benchmarks count work done twice."""
    options = resolve_options(way.kind, options)
    path = run_path(way, identity, n_per_class, seed, options)
    if (found := load_run(path)) is not None:
        return found
    with cache.locked(path.name):
        if (found := load_run(path)) is not None:
            return found
        if on_compute is not None:
            on_compute()
        t = resolve_task(task)
        if int(n_per_class) == 0:  # zero labels (the zero-shot way): nothing to draw
            train_index = val_index = np.zeros(0, dtype=np.int64)
        else:
            train_index, val_index = draw(t.pool.labels, int(n_per_class), seed)
        r = comparisons.run_here(way, t, train_index, val_index, seed, options, progress, stop)
        if stop is None or not stop():  # a run cut short is not the way's result
            save_run(path, r)
        return r


def keep_run(way, identity, n_per_class, seed, options, r: Run) -> None:
    """Keep a run that came from the workers in this process's cache folder too: a replica whose
    folder differs from the workers' (another machine) then reads it locally next time."""
    path = run_path(way, identity, n_per_class, seed, resolve_options(way.kind, options))
    if not path.exists():
        save_run(path, r)


def stored_run(way, identity, n_per_class, seed, options) -> Run | None:
    """The run if it is on disk, else None: never trains (a page shows what is ready at once)."""
    return load_run(run_path(way, identity, n_per_class, seed, resolve_options(way.kind, options)))


def _plain(x):
    return x.item() if hasattr(x, "item") else str(x)


def _run_to_json(r: Run) -> dict:
    d = {f: getattr(r, f) for f in _RUN_FIELDS}
    d.update(history=r.history.to_dict("list"), test_pred=r.test_pred.tolist(),
             train_pred=r.train_pred.tolist(), test_interval=list(r.test_interval))
    return d


def _run_from_json(d: dict) -> Run:
    return Run(**{**d, "history": pd.DataFrame(d["history"]), "test_interval": tuple(d["test_interval"]),
                  "test_pred": np.asarray(d["test_pred"], dtype=np.int64),
                  "train_pred": np.asarray(d["train_pred"], dtype=np.int64)})


def compare_stored(task, n_per_class: int, seed: int = 0, progress=None, identity=None, **options):
    """`compare(...)`, each way answered from disk when it was stored before (`run_stored`).

    Only named tasks ("dress", "sentiment") are stored, unless `identity` names the task (the
    sweep passes it). Anything else is simply computed. A text way read from disk is numbers only:
    a page that needs its live model (a typed review) trains the draw in its own process.
    """
    options = resolve_options(task_kind(task), options)  # one key however the options were spelled
    identity = identity or (task if isinstance(task, str) else None)
    if identity is None:
        return comparisons.compare(task, n_per_class, seed, progress=progress, **options)
    keep = lambda way, t, train, val, seed, options, say, stop: run_stored(
        way, t, identity, n_per_class, seed, options, say, stop)
    return comparisons.compare(task, n_per_class, seed, progress=progress, run_way=keep, **options)


def profile_path(task: str, n_per_class: int, options: dict, seeds=None):
    from lib.comparisons import DEPTH_SEEDS
    seeds = [int(s) for s in (DEPTH_SEEDS if seeds is None else seeds)]
    return cache.cache_dir("profiles") / f"{result_key('profile', task, n_per_class, seeds, options)}.csv"


def load_profile(path) -> pd.DataFrame | None:
    try:
        return pd.read_csv(path).astype({"pretrained": bool})
    except (OSError, ValueError, KeyError, pd.errors.EmptyDataError):
        path.unlink(missing_ok=True)
        return None


def stored_profile(task: str, n_per_class: int, options: dict) -> pd.DataFrame | None:
    """The default-seeds depth profile if it is on disk, else None: never trains."""
    path = profile_path(task, n_per_class, options)
    return load_profile(path) if path.exists() else None


def depth_profile_stored(task, n_per_class: int, seeds, progress=None, on_compute=None, **options) -> pd.DataFrame:
    """`depth_profile(...)` of a named task, kept on disk as CSV like a run (same key policy:
    task, size, seeds, options, engine code). Other tasks are simply computed."""
    seeds = [int(s) for s in seeds]
    if not isinstance(task, str):
        return comparisons.depth_profile(task, n_per_class, seeds, progress=progress, **options)
    path = profile_path(task, n_per_class, options, seeds)
    with cache.locked(path.name):
        if path.exists() and (found := load_profile(path)) is not None:
            return found
        if on_compute is not None:
            on_compute()
        with training_slot():
            profile = comparisons.depth_profile(task, n_per_class, seeds, progress=progress, **options)
        if not profile.attrs.get("notices"):
            _write(path, profile.to_csv(index=False))
        return profile
