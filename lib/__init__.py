"""Transfer Lab's engine: plain Python + torch and scikit-learn, never Streamlit.

    from lib import compare, sweep, depth_profile, load_images, TASKS
    c = compare("dress", n_per_class=8, seed=0)        # every way side by side on one draw
    c.runs["transfer"].test_accuracy

The public API is importable from here; each name is imported when first used, so `import lib.cache`
stays light (the home page shows without loading torch). Layers, top to bottom (lower never
imports higher): experiments (the API) -> sweeps -> stored -> comparisons -> image/, text/ (the
ways) -> runs, train, probe, models -> data/, tasks, cache, device. docs/ARCHITECTURE.md draws
them from the code.
"""
import importlib

_API = {"compare": "lib.experiments", "depth_profile": "lib.experiments", "sweep": "lib.experiments",
        "TASKS": "lib.experiments", "load_images": "lib.data", "load_texts": "lib.data"}
__all__ = list(_API)


def __getattr__(name):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'lib' has no attribute {name!r}")
