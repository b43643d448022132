"""What the pages call: `compare` (one labeled draw, every way side by side) and `sweep`
(test accuracy over labeled sizes and seeds, for learning curves).

A task is "dress", "sentiment", a `Task`, or a dataset from `lib.data.load_images` /
`lib.data.load_texts` (then a stratified quarter is held out as its test set).
"""
import numpy as np
import pandas as pd

from .data.datasets import ImageDataset, Task, TextDataset, split_task
from .device import training_slot
from .runs import Comparison, draw

TASKS = ("dress", "sentiment")


def resolve_task(task, **options) -> Task:
    """A task name, Task or dataset -> Task."""
    if isinstance(task, Task):
        return task
    if isinstance(task, (ImageDataset, TextDataset)):
        return split_task(task)
    if task == "dress":
        from .data.dress import dress_task
        return dress_task()
    if task == "sentiment":
        from .data.reviews import sentiment_task
        return sentiment_task()
    raise ValueError(f"task must be one of {TASKS}, a Task, or a dataset from lib.data.load_images"
                     f"/load_texts; got {task!r}")


def compare(task, n_per_class: int, seed: int = 0, progress=None, stop=None, **options) -> Comparison:
    """Learn the same `n_per_class` labeled examples per class every way, side by side.

    options for images: backbone="efficientnet_lite0" (or "resnet50", "resnet18",
    "mobilenet_v3_large"), control=False, epochs=None (an int: run exactly that many epochs,
    no early stopping, keep the last weights). For text, see lib.text_ways.
    progress(message, fraction) is called as work proceeds; stop() -> True ends training early.
    """
    t = resolve_task(task)
    if not isinstance(n_per_class, (int, np.integer)) or isinstance(n_per_class, bool):
        raise TypeError(f"n_per_class must be an int, got {type(n_per_class).__name__}")
    train_index, val_index = draw(t.pool.labels, int(n_per_class), seed)
    if t.kind == "image":
        from .image_ways import image_runs as ways
    else:
        from .text_ways import text_runs as ways
    # One training at a time per process: torch's random generator is shared by all sessions,
    # so this is what makes the same seed give the same numbers on a classroom server.
    wait = lambda: progress and progress("Waiting for another session's training to finish", 0.0)
    with training_slot(wait):
        runs, backbone, notices = ways(t, train_index, val_index, seed, progress=progress,
                                       stop=stop, **options)
    return Comparison(t.name, int(n_per_class), seed, list(t.classes), runs, backbone, train_index,
                      val_index, t.test.labels, notices, dict(options))


def sweep(task, sizes, seeds, progress=None, stop=None, workers: int = 1, **options) -> pd.DataFrame:
    """Test accuracy of every way for each labeled size x seed, each cell cached on disk.

    Returns columns method, n_per_class, seed, test_accuracy (plus label, train_accuracy,
    backbone). progress(done, total) is called as cells finish; stop() -> True ends the sweep
    between cells. See lib.sweeps for the cache, the worker pool and the frame's attrs.
    """
    from .sweeps import run_sweep
    say = (lambda done, total, note: progress(done, total)) if progress else None
    return run_sweep(task, sizes, seeds, progress=say, stop=stop, workers=workers, **options)
