"""Every test runs with its own cache folder and with the network declared off."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest.from_file and the app resolve paths from the repository root


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """A fresh cache per test session, shared by its tests (features computed once)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSFER_LAB_CACHE", str(tmp_path_factory.mktemp("cache")))
    mp.setenv("TRANSFER_LAB_OFFLINE", "1")
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("TRANSFER_LAB_WARMUP", "0")  # no background loading racing the tests' own patches
    mp.setenv("TRANSFER_LAB_WORKERS", "0")  # ways train in this process, where tests can patch them
    yield
    mp.undo()


def toy_images(n_per_class: int, seed: int):
    """Tiny noisy images where class 1 is brighter: fast to train on, not trivial at 1 example."""
    import numpy as np
    from lib.data.datasets import ImageDataset
    rng = np.random.default_rng(seed)
    labels = np.arange(2 * n_per_class) % 2
    images = rng.integers(0, 200, (len(labels), 16, 16, 3)) + 40 * labels[:, None, None, None]
    return ImageDataset(images.astype(np.uint8), labels, ["dark", "bright"], name="toy")


@pytest.fixture(scope="module")
def toy_task():
    from lib.data.datasets import Task
    return Task("toy", toy_images(8, 0), toy_images(10, 1))


@pytest.fixture
def steady(monkeypatch):
    """One torch thread (these nets are tiny; a busy 2-core box slows 2 threads ~20x), and a fixed
    code version, so an edit elsewhere in lib/ during the run does not look like a cache miss."""
    import torch
    from lib import versions
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    monkeypatch.setattr(versions, "code_version", lambda: "test")
    yield
    torch.set_num_threads(threads)
