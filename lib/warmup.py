"""Load the slow parts once per server process, in the background, while the first visitor reads
the home page: torch and the engine, the two example tasks, the sentence encoder, the
movie-review page's default comparison and EfficientNet-Lite0. Without it, whichever page is opened first waits for all of that (about 10 s
on a 2-core laptop; benchmarks/offline_pack.py measures the pages).

Nothing depends on it: every page loads what it needs itself, and the loaders are shared and
locked, so a page that asks first simply does the work and the warm-up then finds it done.
TRANSFER_LAB_WARMUP=0 turns it off (the tests do, to keep their timing their own).
"""
import gc
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


def sentiment_default() -> dict:
    """The movie-review page's default view (tests/test_page_sentiment.py checks they agree)."""
    from .data.reviews import UNLABELED
    return dict(n_per_class=16, seed=0, unlabeled=UNLABELED, encoder=True)


def _sentiment_view():
    """Its comparison carries live models, so it cannot come from disk: compute it now."""
    from .stored import compare_stored
    compare_stored("sentiment", **sentiment_default())


def _lite0():
    from .image_ways import get_backbone
    get_backbone("efficientnet_lite0")


def _freeze():
    """Everything loaded so far lives as long as the server. Streamlit runs a full garbage
    collection after every script run (runner.postScriptGC); over the ~580,000 objects torch and
    the models bring, that took 0.3 s of every slider move (measured). Frozen objects are never
    scanned again, and forked sweep workers share them without copying."""
    gc.collect()
    gc.freeze()


# In the order a presenter's guided path needs them; freezing last.
STEPS = [_engine, _dress, _sentiment, _encoder, _sentiment_view, _lite0, _freeze]


def _run(steps):
    for step in steps:
        try:
            step()
        except Exception:  # e.g. the encoder is not installed: the page that needs it says so
            pass
        gc.freeze()  # what a step loaded stays: keep it out of every later collection (_freeze)


def start() -> bool:
    """Start the warm-up thread, once per process; True if this call started it."""
    if os.environ.get(ENV, "1").strip().lower() in {"0", "false", "no", "off"} or _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_run, args=(list(STEPS),), name="transfer-lab-warmup", daemon=True).start()
    return True
