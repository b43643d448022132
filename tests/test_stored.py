"""lib.stored: each way's result kept on disk as JSON, keyed by what that way reads, read back
exactly, and never when it shouldn't be."""
import numpy as np
import pytest

from lib import comparisons, stored, sweeps, versions
from lib.image.ways import CONTROL, SCRATCH, TRANSFER
from lib.runs import Comparison
from lib.tasks import resolve_options


@pytest.fixture(scope="module")
def task(toy_task):
    return toy_task


pytestmark = pytest.mark.usefixtures("quick_training")  # flows and keys, not accuracy


def _trained(monkeypatch) -> list:
    """Record which ways actually train (a stored one is a file read and trains nothing)."""
    calls, real = [], comparisons.run_here
    monkeypatch.setattr(comparisons, "run_here", lambda way, *a, **k: calls.append(way.method) or real(way, *a, **k))
    return calls


def _same(a: Comparison, b: Comparison):
    assert (a.task, a.n_per_class, a.seed, a.classes, a.backbone) == (b.task, b.n_per_class, b.seed, b.classes, b.backbone)
    assert np.array_equal(a.train_index, b.train_index) and np.array_equal(a.test_labels, b.test_labels)
    assert a.details == b.details and list(a.runs) == list(b.runs)
    for m in a.runs:
        x, y = a.runs[m], b.runs[m]
        assert (x.test_accuracy, x.train_accuracy, x.test_interval, x.trainable_params, x.formula) == \
               (y.test_accuracy, y.train_accuracy, y.test_interval, y.trainable_params, y.formula)
        assert np.array_equal(x.test_pred, y.test_pred) and x.history.equals(y.history)


def test_a_stored_comparison_is_read_back_exactly_without_training(task, monkeypatch):
    first = stored.compare_stored(task, 4, 3, identity="toy-a")
    calls = _trained(monkeypatch)
    _same(first, stored.compare_stored(task, 4, 3, identity="toy-a"))
    assert calls == []


def test_each_way_is_keyed_by_what_it_reads_alone(task, monkeypatch):
    """The control toggle trains only the control; a cut change only the frozen heads; the
    network from scratch reads neither, so neither retrains it."""
    stored.compare_stored(task, 2, 0, identity="toy-g", finetune=False)
    calls = _trained(monkeypatch)
    stored.compare_stored(task, 2, 0, identity="toy-g", finetune=False, control=True)
    assert calls == ["control"]
    calls.clear()
    stored.compare_stored(task, 2, 0, identity="toy-g", finetune=False, control=True, cut="stage3")
    assert sorted(calls) == ["control", "transfer"]
    options = resolve_options("image", {"cut": "stage3"})
    assert SCRATCH.settings(options) == {} and TRANSFER.settings(options) == CONTROL.settings(options)
    assert stored.run_path(SCRATCH, "toy-g", 2, 0, options) == stored.run_path(SCRATCH, "toy-g", 2, 0, {})


def test_other_settings_or_other_code_are_not_served_from_the_store(task, monkeypatch):
    stored.compare_stored(task, 2, 0, identity="toy-b", finetune=False)
    calls = _trained(monkeypatch)
    stored.compare_stored(task, 2, 1, identity="toy-b", finetune=False)             # another seed
    stored.compare_stored(task, 2, 0, identity="toy-b", finetune=False, epochs=3)   # another option
    monkeypatch.setattr(versions, "code_version", lambda: "edited")
    stored.compare_stored(task, 2, 0, identity="toy-b", finetune=False)             # edited engine code
    assert calls == ["pixels", "scratch", "transfer"] * 3


def test_a_corrupt_entry_is_recomputed_and_replaced(task, monkeypatch):
    good = stored.compare_stored(task, 2, 5, identity="toy-c", finetune=False)
    path = stored.run_path(SCRATCH, "toy-c", 2, 5, resolve_options("image", {"finetune": False}))
    path.write_text('{"method": "scratch", "history": ')  # truncated
    calls = _trained(monkeypatch)
    _same(good, stored.compare_stored(task, 2, 5, identity="toy-c", finetune=False))
    assert calls == ["scratch"]
    _same(good, stored.compare_stored(task, 2, 5, identity="toy-c", finetune=False))
    assert calls == ["scratch"]


def test_unnamed_data_fallbacks_and_live_models_are_never_stored(task, monkeypatch):
    folder = stored.run_path(SCRATCH, "x", 1, 0, {}).parent
    before = set(folder.iterdir())
    c = stored.compare_stored(task, 2, 0, finetune=False)   # an uploaded dataset: no name, no identity
    assert set(folder.iterdir()) == before
    path = folder / "toy-d.json"
    run = c.scratch
    run.notices = ["ResNet-50 fell back to EfficientNet-Lite0 offline"]
    assert not stored.save_run(path, run) and not path.exists()
    run.notices = []
    run.predict = lambda texts: None                      # a text way's live model
    assert not stored.save_run(path, run) and not path.exists()


def test_the_sweep_fills_the_store_for_named_tasks(task, monkeypatch):
    sweeps.train_cell(task, 2, 7, {}, identity="toy-e")
    calls = _trained(monkeypatch)
    assert stored.compare_stored(task, 2, 7, identity="toy-e").n_per_class == 2
    assert calls == []


def test_a_stored_text_view_is_read_back_without_training_again(tiny_text_task, monkeypatch):
    """What the workers trained and stored (lib.engine.work: run_stored, way by way), the
    movie-review page reads back as numbers: it once trained every way again in its own process
    (text comparisons were answered from a memory of this process only)."""
    from lib.text.ways import text_ways_for
    options = resolve_options("text", {})
    by_worker = {w.method: stored.run_stored(w, tiny_text_task, "toy-text", 3, 1, options)
                 for w in text_ways_for(tiny_text_task, options)}
    calls = _trained(monkeypatch)
    page = stored.compare_stored(tiny_text_task, 3, 1, identity="toy-text")
    assert calls == [] and list(page.runs) == list(by_worker) and len(by_worker) >= 3
    for m, run in by_worker.items():
        assert page.runs[m].test_accuracy == run.test_accuracy
        assert np.array_equal(page.runs[m].test_pred, run.test_pred)
