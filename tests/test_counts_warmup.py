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
    gc.unfreeze()
    loaded = [object()]  # a container made before the freeze, still alive: a collection would scan it
    assert any(o is loaded for o in gc.get_objects())
    try:
        warmup._freeze()
        # in the permanent generation now, which no collection scans (and gc.get_objects skips)
        assert gc.get_freeze_count() > 0 and not any(o is loaded for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_lite0_stages_are_counted_once_then_read_without_torch(monkeypatch):
    first = counts.stage_weights(3)
    monkeypatch.setattr(counts, "_count_stages", lambda classes: pytest.fail("counted again"))
    assert counts.stage_weights(3) == first and first["scratch"] > 0


def test_lite0_stages_are_the_backbones_own_and_fine_tuning_trains_what_it_says():
    from lib.image.backbones import load_backbone
    from lib.image.finetune import FineTuned, unfrozen_stages
    from lib.models import count_params
    found = counts.stage_weights(2)
    bb = load_backbone("efficientnet_lite0", pretrained=False)
    assert [(s["cut"], s["weights"], s["features"]) for s in found["stages"]] == \
        [(c, count_params(s), d) for c, s, d in zip(bb.cuts, bb.stages, bb.dims)]
    assert found["finetuned"] == unfrozen_stages(bb) == ["stage7", "head"]
    by_way = counts.trained_by_way(found, 2)
    assert by_way["finetune"] == count_params(FineTuned(bb, 2), trainable_only=True)  # the live model
    assert by_way["transfer"] == heads.head_weights(bb.feature_dim, 2) == 2_562
    assert by_way["pixels"] == heads.head_weights(16 * 16 * 3, 2)
    assert by_way["scratch"] == count_params(zoo.build("scratch_cnn", 2))


def test_an_unreadable_stage_count_is_counted_again():
    counts.stage_weights(4)
    path = counts.cache.cache_dir("counts") / f"{counts._stages_key()}-4.json"
    path.write_text('{"stages": []}')             # a file from before "finetuned" was kept
    assert len(counts.stage_weights(4)["stages"]) == 8
