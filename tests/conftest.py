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
    yield
    mp.undo()
