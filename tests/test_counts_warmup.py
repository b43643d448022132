"""lib.counts (weight counts kept on disk) and ui.warmup (background loading, once, never fatal)."""
import threading

import pytest

from lib import counts, heads, zoo

from ui import warmup


def test_resnet50_is_counted_once_then_read_from_disk(monkeypatch):
    assert counts.total_weights("resnet50") == 25_557_032   # torchvision's ResNet-50, 1,000 classes
    monkeypatch.setattr(zoo, "build", lambda name: pytest.fail("counted again"))
    assert counts.total_weights("resnet50") == 25_557_032


def test_an_unreadable_count_is_counted_again(monkeypatch):
    counts.total_weights("resnet18")
    [path] = [p for p in (counts.cache.cache_dir("counts")).iterdir() if p.name.startswith("resnet18-")]
    path.write_text("not json")
    assert counts.total_weights("resnet18") == 11_689_512


def test_head_formula_writes_the_arithmetic_out():
    assert heads.head_formula(2048, 2) == "(2,048 + 1) × 2 = 4,098"
    assert heads.head_formula(50, 2, hidden=16) == "(50 + 1) × 16 + (16 + 1) × 2 = 850"


def _run_warmup(monkeypatch, steps, env="1"):
    monkeypatch.setenv(warmup.ENV, env)
    monkeypatch.setattr(warmup, "_started", threading.Event())
    monkeypatch.setattr(warmup, "STEPS", steps)
    started = [warmup.start(), warmup.start()]
    for t in threading.enumerate():
        if t.name == "transfer-lab-warmup":
            t.join(10)
    import gc
    gc.unfreeze()  # _run froze this test process's objects after each step
    return started


def test_warmup_starts_once_and_a_failing_step_does_not_stop_the_rest(monkeypatch):
    done = []
    broken = lambda: 1 / 0
    assert _run_warmup(monkeypatch, [lambda: done.append("a"), broken, lambda: done.append("b")]) == [True, False]
    assert done == ["a", "b"]


def test_warmup_can_be_turned_off(monkeypatch):
    done = []
    assert _run_warmup(monkeypatch, [lambda: done.append("a")], env="0") == [False, False]
    assert done == []


def test_the_warmup_ends_by_freezing_what_it_loaded():
    import gc
    assert warmup.STEPS[-1] is warmup._freeze
    try:
        warmup._freeze()
        assert gc.get_freeze_count() > 0   # full collections no longer scan these objects
    finally:
        gc.unfreeze()
