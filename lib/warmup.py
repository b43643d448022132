"""Load the slow parts once per server process, in the background, while the first visitor reads
the home page: torch and the engine, the two example tasks, the sentence encoder and
EfficientNet-Lite0. Without it, whichever page is opened first waits for all of that (about 10 s
on a 2-core laptop; benchmarks/offline_pack.py measures the pages).

Nothing depends on it: every page loads what it needs itself, and the loaders are shared and
locked, so a page that asks first simply does the work and the warm-up then finds it done.
TRANSFER_LAB_WARMUP=0 turns it off (the tests do, to keep their timing their own).
"""
import os
import threading

ENV = "TRANSFER_LAB_WARMUP"
_started = threading.Event()


def _engine():
    from . import experiments, image_ways, stored, text_ways  # noqa: F401


def _dress():
    from .data.dress import dress_task
    dress_task()


def _sentiment():
    from .data.reviews import sentiment_task
    sentiment_task()


def _encoder():
    from . import encoders
    encoders.load()


def _lite0():
    from .image_ways import get_backbone
    get_backbone("efficientnet_lite0")


# In the order a presenter's guided path needs them.
STEPS = [_engine, _dress, _sentiment, _encoder, _lite0]


def _run(steps):
    for step in steps:
        try:
            step()
        except Exception:  # e.g. the encoder is not installed: the page that needs it says so
            pass


def start() -> bool:
    """Start the warm-up thread, once per process; True if this call started it."""
    if os.environ.get(ENV, "1").strip().lower() in {"0", "false", "no", "off"} or _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_run, args=(list(STEPS),), name="transfer-lab-warmup", daemon=True).start()
    return True
