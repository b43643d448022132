"""Load the slow parts once per server process, in the background, while the first visitor reads
the home page: torch and the engine, the two example tasks, the sentence encoder, the
movie-review page's default comparison and EfficientNet-Lite0. Without it, whichever page is opened first waits for all of that (about 10 s
on a 2-core laptop; benchmarks/offline_pack.py measures the pages).

Nothing depends on it: every page loads what it needs itself, and the loaders are shared and
locked, so a page that asks first simply does the work and the warm-up then finds it done.
TRANSFER_LAB_WARMUP=0 turns it off (the tests do, to keep their timing their own).

Imports are the one thing two threads must never do at the same time (lib/imports.py says why).
So `ready()` imports the engine (`lib.imports.engine()`) and this package under one process-wide
lock, once: it is the warm-up's first step, and app.py calls it before running any page but home.
Whichever thread comes first imports; the other waits for it, then finds everything loaded. Home
needs no torch (when it must count a network, lib.counts calls `engine()` too), and app.py starts
the warm-up once home has drawn, so home's few light imports never run beside the warm-up's.
"""
import gc
import os
import threading

from lib import import_all, import_engine


ENV = "TRANSFER_LAB_WARMUP"
_started = threading.Event()
_ready = threading.Event()  # ready() has finished once


def loaded() -> bool:
    """ready() has finished: nothing left to wait for."""
    return _ready.is_set()


def ready() -> None:
    """The engine (lib.imports.engine) and every module of this app package, imported once, one
    thread at a time: a page that runs after this imports nothing the warm-up might be importing."""
    if _ready.is_set():
        return
    import_engine()
    import_all("ui")
    _ready.set()


def _reviews():
    """Start downloading the real movie reviews (0.5 MB) in a thread of its own, so they are
    there before anyone asks; a failure is the page's to say."""
    from lib import start_background_fetch
    start_background_fetch()


def _dress():
    from lib import dress_task
    dress_task()


def _sentiment():
    from lib import sentiment_task
    sentiment_task()


def _encoder():
    from lib import load_encoder
    load_encoder()


def sentiment_default() -> dict:
    """The movie-review page's default view (tests/test_page_sentiment.py checks they agree): the
    real reviews when they are on this computer, else the generated ones."""
    from lib import ROTTEN_NAME, UNLABELED, rotten_available
    if rotten_available():
        return dict(task=ROTTEN_NAME, n_per_class=16, seed=0, encoder=True, zero_shot=True)
    return dict(task="sentiment", n_per_class=16, seed=0, unlabeled=UNLABELED, encoder=True, zero_shot=True)


def _sentiment_view():
    """The movie-review page's default view. Its heavy parts (skip-gram's pretraining on the
    unlabeled reviews, the encoder's embeddings, fine-tuning) run on the workers, each kept in
    the cache they share (issue 25: the pretraining no longer runs in the server beside the first
    visit); then the comparison the page shows is read back from those files."""
    from lib import NEXT, compare_stored, view_jobs
    view = sentiment_default()
    options = {k: v for k, v in view.items() if k not in ("task", "n_per_class", "seed")}
    jobs = view_jobs(view["task"], view["n_per_class"], view["seed"], options)
    # behind what a page asks (its view, draws and profile): asked ahead, like the next positions
    for future in _the_asks().want("sentiment", [(job, NEXT) for job in jobs]).values():
        future.exception()  # waits; a way that failed there is the page's to say
    compare_stored(**view)


def _lite0():
    from lib import get_backbone
    get_backbone("efficientnet_lite0")


_asks = None  # the warm-up's futures: held for the server's life (Dask forgets what nobody holds)


def _the_asks():
    global _asks
    from lib import Asks
    _asks = _asks or Asks()
    return _asks


def _dress_view():
    """The dress page's default view, asked of the Dask workers first (lib.engine): its ways,
    then the same on the other draws (lib.draws), then its depth profile, then what a presenter
    does next there (lib.plan), while the room settles. The cluster starts here, once per server,
    with the engine loaded in each worker."""
    from lib import NOW, POOL_PER_CLASS, PROFILE, Job, draw_jobs, next_jobs, not_stored, view_jobs
    from ui.images import DEFAULT_N
    n, seed = DEFAULT_N["dress"], 0
    _the_asks().want("dress", [(job, NOW) for job in view_jobs("dress", n, seed, {})] +
               not_stored((job, PROFILE) for job in draw_jobs("dress", n, {}, but=seed)) +
               [(Job.profile("dress", n, "efficientnet_lite0"), PROFILE)] +
               not_stored(next_jobs("dress", n, seed, POOL_PER_CLASS, {})))


def _learning_curves():
    """The learning-curve page's default sweep, behind everything a page asks for: a server
    started before the talk has it on disk when the presenter gets there."""
    from lib import DEFAULT_SEEDS, DEFAULT_SIZES, not_stored, sweep_jobs, sweep_options
    jobs = sweep_jobs("dress", DEFAULT_SIZES, DEFAULT_SEEDS, sweep_options("dress"))
    _the_asks().want("learning_curves", not_stored(jobs))


def _freeze():
    """Everything loaded so far lives as long as the server. Streamlit runs a full garbage
    collection after every script run (runner.postScriptGC); over the ~580,000 objects torch and
    the models bring, that took 0.3 s of every slider move (measured). Frozen objects are never
    scanned again, and forked sweep workers share them without copying."""
    gc.collect()
    gc.freeze()


# In the order a presenter's guided path needs them; freezing last.
STEPS = [ready, _reviews, _dress_view, _learning_curves, _dress, _lite0, _sentiment, _encoder,
         _sentiment_view, _freeze]


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
