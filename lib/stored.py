"""Comparisons kept on disk as JSON: a slider position trained once, by anyone on this machine or
by `scripts/prefetch.py` before the workshop, is a file read from then on.

`compare_stored` answers from `cache_dir("comparisons")` when it can and otherwise runs
`lib.comparisons.compare` and keeps the result. An entry is keyed like a sweep cell (the named
task, size, seed, options and a hash of the engine's code), so a changed line of engine code
trains afresh. What is never stored:

- a comparison with notices (e.g. a backbone that fell back offline): it answers other settings
  than the ones asked for, and must not be served once the network is back;
- a comparison whose runs carry live models (the text ways' `.predict`): keeping those would mean
  pickle, and a pickle read from a cache folder, which may come from someone's pack, can run code;
- anything trained on uploaded data: an attendee's photos stay in their session.

JSON, not pickle, for the same reason: reading an entry can only ever give numbers and strings.
What cannot go to disk is kept in this process's memory (the last MEMORY_ENTRIES), so the
warm-up (ui/warmup.py) can prepare the movie-review page's default view before anyone asks.
"""
import dataclasses
import json
import os
import threading
from collections import OrderedDict

import numpy as np
import pandas as pd

from lib import cache, comparisons
from lib.runs import Comparison, Run
from lib.tasks import resolve_options, task_kind
from lib.versions import result_key

_RUN_FIELDS = {f.name for f in dataclasses.fields(Run)}
_ARRAYS = ("train_index", "val_index", "test_labels")
MEMORY_ENTRIES = 16
_memory: OrderedDict = OrderedDict()  # path -> Comparison, for those that cannot be stored
_memory_lock = threading.Lock()
_computing: dict = {}  # path -> lock: one computation of a result at a time


def _one_at_a_time(path):
    """The lock for computing the result at `path`. The warm-up (ui/warmup.py) and the first
    visitor ask for the same default view at once on a fresh server: the second waits, then reads
    what the first stored, instead of training it all again (measured: it did, twice)."""
    with _memory_lock:
        return _computing.setdefault(path, threading.Lock())


def _forked() -> None:
    """A forked sweep worker keeps only the thread that forked: a lock another thread held then
    would stay held in the child for ever."""
    global _memory_lock
    _memory_lock = threading.Lock()
    _computing.clear()


os.register_at_fork(after_in_child=_forked)


def entry_path(identity: str, n_per_class: int, seed: int, options: dict):
    name = result_key("comparison", identity, n_per_class, int(seed), options)
    return cache.cache_dir("comparisons") / f"{name}.json"


def storable(c: Comparison) -> bool:
    """Plain numbers only: no notices, no live models riding on a run."""
    return not c.notices and all(set(vars(r)) <= _RUN_FIELDS for r in c.runs.values())


def _run_to_json(r: Run) -> dict:
    d = {f: getattr(r, f) for f in _RUN_FIELDS}
    d.update(history=r.history.to_dict("list"), test_pred=r.test_pred.tolist(),
             train_pred=r.train_pred.tolist(), test_interval=list(r.test_interval))
    return d


def _run_from_json(d: dict) -> Run:
    return Run(**{**d, "history": pd.DataFrame(d["history"]), "test_interval": tuple(d["test_interval"]),
                  "test_pred": np.asarray(d["test_pred"], dtype=np.int64),
                  "train_pred": np.asarray(d["train_pred"], dtype=np.int64)})


def save(path, c: Comparison) -> bool:
    """Write `c` atomically if it is storable; True if written."""
    if not storable(c):
        return False
    d = {f.name: getattr(c, f.name) for f in dataclasses.fields(Comparison)}
    d.update(runs={m: _run_to_json(r) for m, r in c.runs.items()},
             **{a: np.asarray(getattr(c, a)).tolist() for a in _ARRAYS})
    cache.save_text(path, json.dumps(d, default=lambda x: x.item() if hasattr(x, "item") else str(x)))
    return True


def load(path) -> Comparison | None:
    """The comparison stored at `path`, or None if missing or unreadable (then it is removed)."""
    if not path.exists():
        return None
    try:
        d = json.loads(path.read_text())
        d["runs"] = {m: _run_from_json(r) for m, r in d["runs"].items()}
        d.update({a: np.asarray(d[a], dtype=np.int64) for a in _ARRAYS})
        return Comparison(**d)
    except Exception:  # truncated, hand-edited, or from an older layout: recompute
        path.unlink(missing_ok=True)
        return None


def compare_stored(task, n_per_class: int, seed: int = 0, progress=None, identity=None, **options):
    """`compare(...)`, answered from disk when this exact comparison was stored before.

    Only named tasks ("dress", "sentiment") are stored, unless `identity` names the task (the
    sweep passes it). Anything else is simply computed.
    """
    options = resolve_options(task_kind(task), options)  # one key however the options were spelled
    identity = identity or (task if isinstance(task, str) else None)
    path = entry_path(identity, n_per_class, seed, options) if identity else None
    if path is None:
        return comparisons.compare(task, n_per_class, seed, progress=progress, **options)
    with _one_at_a_time(path):
        return _stored_or_computed(path, task, n_per_class, seed, progress, options)


def _stored_or_computed(path, task, n_per_class, seed, progress, options):
    with _memory_lock:
        if path in _memory:
            return _memory[path]
    if (found := load(path)) is not None:
        return found
    c = comparisons.compare(task, n_per_class, seed, progress=progress, **options)
    if not save(path, c) and not c.notices:
        with _memory_lock:
            _memory[path] = c
            while len(_memory) > MEMORY_ENTRIES:
                _memory.popitem(last=False)
    return c


def depth_profile_stored(task, n_per_class: int, seeds, progress=None, **options) -> pd.DataFrame:
    """`depth_profile(...)` of a named task, kept on disk as CSV like a comparison (same key
    policy: task, size, seeds, options, engine code). Other tasks are simply computed."""
    seeds = [int(s) for s in seeds]
    if not isinstance(task, str):
        return comparisons.depth_profile(task, n_per_class, seeds, progress=progress, **options)
    name = result_key("profile", task, n_per_class, seeds, options)
    path = cache.cache_dir("profiles") / f"{name}.csv"
    with _one_at_a_time(path):
        try:
            return pd.read_csv(path).astype({"pretrained": bool})
        except (OSError, ValueError, KeyError, pd.errors.EmptyDataError):
            path.unlink(missing_ok=True)
        profile = comparisons.depth_profile(task, n_per_class, seeds, progress=progress, **options)
        if not profile.attrs.get("notices"):
            cache.save_text(path, profile.to_csv(index=False))
        return profile
