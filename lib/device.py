"""Where training runs, and how much of the machine one training may take.

- `device()`: CUDA when it is there, else the CPU (TRANSFER_LAB_DEVICE=cpu forces the CPU).
  Nothing requires a GPU; training moves to it when there is one (lib.train).
- `training_slot()`: one training at a time per process. torch has a single, process-wide
  random generator; two sessions training at once in one `streamlit run` server would draw from
  it in turn and get different numbers for the same seed. Holding the slot keeps every result
  reproducible; trainings queue, each with all of torch's threads, instead of fighting over the
  cores (benchmarks/load_test.py measures what that costs a classroom).
"""
import os
import threading
from contextlib import contextmanager

import torch

_slot = threading.RLock()  # re-entrant: sweep() -> compare() -> training may nest


DEVICE_ENV = "TRANSFER_LAB_DEVICE"


def device() -> torch.device:
    """Where training runs: TRANSFER_LAB_DEVICE if set (e.g. "cpu"), else cuda if available.
    A setting torch does not know, or cuda where there is no GPU, is a ValueError that names the
    variable (rather than a torch error from deep inside the first training)."""
    chosen = os.environ.get(DEVICE_ENV, "").strip()
    if not chosen:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(chosen)
    except RuntimeError:
        raise ValueError(f"{DEVICE_ENV}={chosen!r} is not a device torch knows; use cpu or cuda") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{DEVICE_ENV}={chosen!r} but torch sees no CUDA GPU here; unset it or use cpu")
    return dev


@contextmanager
def training_slot(waiting=None):
    """Hold the process's one training slot; `waiting()` is called first if someone else has it."""
    if not _slot.acquire(blocking=False):
        if waiting:
            waiting()
        _slot.acquire()
    try:
        yield
    finally:
        _slot.release()


THREADS_ENV = "TRANSFER_LAB_THREADS"


@contextmanager
def limited_threads():
    """Run torch on TRANSFER_LAB_THREADS threads (default 1) inside the block.

    The models here are small: measured on a 2-core machine, one thread trained the dress models
    10-25x faster than two (compare("dress", 64): 6.3 s vs 91.7 s, identical numbers) and
    computed Lite0 features 3.4x faster (51 vs 15 img/s). One thread per training also keeps one
    classroom session from taking every core. On a many-core laptop, raise it.
    """
    before = torch.get_num_threads()
    try:
        wanted = max(1, int(os.environ.get(THREADS_ENV, "1")))
    except ValueError:
        wanted = 1
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(before)
