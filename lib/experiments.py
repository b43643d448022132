"""What the pages and a notebook call, in one place (the contract DESIGN.md promises):

- `compare(task, n_per_class, seed=0, **options)`: one labeled draw, every way side by side;
- `sweep(task, sizes, seeds)`: `compare` over sizes x seeds, each cell kept on disk;
- `depth_profile(task, n_per_class, seeds)`: the frozen head after every stage of a backbone;
- `TASKS`, `resolve_task`, `resolve_options`: the task names and the options, spelled one way.

This file only gathers them; each lives where its work is (lib.comparisons, lib.sweeps, lib.tasks).
It sits on the engine's top floor, so nothing in lib imports it.
"""
from lib.comparisons import DEPTH_SEEDS, compare, depth_profile
from lib.sweeps import sweep
from lib.tasks import TASKS, resolve_options, resolve_task, task_kind

__all__ = ["compare", "sweep", "depth_profile", "DEPTH_SEEDS", "TASKS", "resolve_task",
           "resolve_options", "task_kind"]
