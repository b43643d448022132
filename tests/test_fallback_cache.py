"""The page caches keep a result made with a fallback backbone only as long as lib.image.ways
keeps the fallback itself (RETRY_S); then it is computed again, which retries the download.
Before, Streamlit's cache served the fallback's numbers for the life of the server."""
from types import SimpleNamespace

import streamlit as st

from ui import cards


def _counted(notices):
    calls = []

    @st.cache_data(show_spinner=False)
    def compute(task: str, n: int, _progress=None, **options):
        calls.append((task, n))
        return SimpleNamespace(notices=list(notices))

    return compute, calls


def test_a_fallback_result_is_computed_again_once_the_download_may_work(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cards.time, "monotonic", lambda: now[0])
    compute, calls = _counted(["ResNet-50 could not be downloaded; using EfficientNet-Lite0"])
    for _ in range(3):
        cards.until_back(compute, "dress", 4, _progress=print, backbone="resnet50")
    assert len(calls) == 1                       # within RETRY_S: answered from the cache
    now[0] += cards.RETRY_S
    cards.until_back(compute, "dress", 4, _progress=print, backbone="resnet50")
    assert len(calls) == 2                       # then computed again: the download is retried
    cards.until_back(compute, "dress", 8, backbone="resnet50")
    assert len(calls) == 3                       # other settings are their own entry


def test_a_real_result_stays_cached(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cards.time, "monotonic", lambda: now[0])
    compute, calls = _counted([])
    cards.until_back(compute, "dress", 4, backbone="efficientnet_lite0")
    now[0] += 100 * cards.RETRY_S
    cards.until_back(compute, "dress", 4, backbone="efficientnet_lite0")
    assert len(calls) == 1
