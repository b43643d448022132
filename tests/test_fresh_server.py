"""A page opened on a fresh server while the background warm-up (ui/warmup.py) is importing.

Two threads importing the same packages at once can hand one of them a partially initialised
module (`ImportError: cannot import name 'clone' from partially initialized module
'sklearn.base'`, seen on "Your own data"). The app must never let a page import the engine while
another thread does. The check runs in a fresh interpreter (this one has imported everything
already): it starts the real app with the warm-up on, opens the page at once, and records every
import of torch, scikit-learn, scipy, transformers and lib, by thread. Two threads executing such
imports at the same time is the race, whether or not this run happened to crash on it.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # fresh Python processes and servers (issue 24: the slow tier)

CHILD = r'''
import importlib.abc, json, os, sys, threading, time
WATCHED = {"torch", "torchvision", "sklearn", "scipy", "transformers", "sentence_transformers", "lib"}
spans = []  # (thread, module, start, end) of each watched module's execution


class Timed:
    """A loader that times create_module and exec_module and delegates everything else."""
    def __init__(self, loader, name):
        self._loader, self._name = loader, name

    def __getattr__(self, attr):
        return getattr(self._loader, attr)

    def _timed(self, what, *args):
        start = time.perf_counter()
        try:
            return getattr(self._loader, what)(*args)
        finally:
            spans.append((threading.current_thread().name, self._name, start, time.perf_counter()))

    def create_module(self, spec):
        return self._timed("create_module", spec)

    def exec_module(self, module):
        return self._timed("exec_module", module)


class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in WATCHED:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = Timed(spec.loader, name)
                return spec
        return None


sys.meta_path.insert(0, Watch())
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=600)
(at if sys.argv[2] == "home" else at.switch_page(sys.argv[2])).run()
watched = sorted(spans, key=lambda s: s[2])
overlaps = [(a[1], a[0], b[1], b[0]) for i, a in enumerate(watched) for b in watched[i + 1:]
            if b[2] < a[3] and a[0] != b[0]]
from ui import warmup
print("RESULT " + json.dumps({"exceptions": [e.message + " " + "".join(e.stack_trace)[-600:] for e in at.exception], "overlaps": overlaps[:5],
                              "n_overlaps": len(overlaps), "threads": sorted({s[0] for s in spans}),
                              "warmup": warmup._started.is_set()}))
sys.stdout.flush()
os._exit(0)  # the warm-up thread may still be training: leave without waiting for it
'''


# Home needs no torch unless ResNet-50's weight count is not on disk yet (a fresh cache, as here);
# every other page goes through the same line of app.py as this one.
@pytest.mark.parametrize("page", ["home", "app_pages/your_data.py"])
def test_a_page_opened_during_the_warmup_never_imports_alongside_it(page, tmp_path):
    env = dict(os.environ, TRANSFER_LAB_WARMUP="1", TRANSFER_LAB_CACHE=str(tmp_path / "cache"),
               TRANSFER_LAB_OFFLINE="1", HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "app.py"), page], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    lines = [l for l in done.stdout.splitlines() if l.startswith("RESULT ")]
    assert lines, done.stdout[-2000:] + done.stderr[-4000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["exceptions"] == []
    assert result["warmup"] and result["threads"]   # the warm-up started; imports were seen
    assert result["n_overlaps"] == 0, result["overlaps"]


def test_the_warmup_imports_first_through_the_same_function_pages_wait_on():
    from ui import warmup
    from lib import imports
    assert warmup.STEPS[0] is warmup.ready
    warmup.ready()
    assert imports._imported.is_set() and warmup._ready.is_set() and not imports._importing._is_owned()
