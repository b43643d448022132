"""lib.stored: comparisons kept on disk as JSON, read back exactly, and never when they shouldn't be."""
import numpy as np
import pytest

from lib import comparisons, stored, sweeps, versions
from lib.runs import Comparison


@pytest.fixture(scope="module")
def task(toy_task):
    return toy_task


pytestmark = pytest.mark.usefixtures("steady")


def _no_training(monkeypatch):
    monkeypatch.setattr(comparisons, "compare", lambda *a, **k: pytest.fail("trained a stored comparison"))


def _same(a: Comparison, b: Comparison):
    assert (a.task, a.n_per_class, a.seed, a.classes, a.backbone) == (b.task, b.n_per_class, b.seed, b.classes, b.backbone)
    assert np.array_equal(a.train_index, b.train_index) and np.array_equal(a.test_labels, b.test_labels)
    for m in a.runs:
        x, y = a.runs[m], b.runs[m]
        assert (x.test_accuracy, x.train_accuracy, x.test_interval, x.trainable_params, x.formula) == \
               (y.test_accuracy, y.train_accuracy, y.test_interval, y.trainable_params, y.formula)
        assert np.array_equal(x.test_pred, y.test_pred) and x.history.equals(y.history)


def test_a_stored_comparison_is_read_back_exactly_without_training(task, monkeypatch):
    first = stored.compare_stored(task, 4, 3, identity="toy-a")
    _no_training(monkeypatch)
    _same(first, stored.compare_stored(task, 4, 3, identity="toy-a"))


def test_other_settings_or_other_code_are_not_served_from_the_store(task, monkeypatch):
    stored.compare_stored(task, 2, 0, identity="toy-b")
    calls = []
    real = comparisons.compare
    monkeypatch.setattr(comparisons, "compare", lambda *a, **k: calls.append(a) or real(*a, **k))
    stored.compare_stored(task, 2, 1, identity="toy-b")             # another seed
    stored.compare_stored(task, 2, 0, identity="toy-b", epochs=3)   # another option
    monkeypatch.setattr(versions, "code_version", lambda: "edited")
    stored.compare_stored(task, 2, 0, identity="toy-b")             # edited engine code
    assert len(calls) == 3


def test_a_corrupt_entry_is_recomputed_and_replaced(task, monkeypatch):
    good = stored.compare_stored(task, 2, 5, identity="toy-c")
    path = stored.entry_path("toy-c", 2, 5, {})
    path.write_text('{"runs": {"scratch": ')  # truncated
    again = stored.compare_stored(task, 2, 5, identity="toy-c")
    _same(good, again)
    _no_training(monkeypatch)
    _same(good, stored.compare_stored(task, 2, 5, identity="toy-c"))


def test_unnamed_data_fallbacks_and_live_models_are_never_stored(task, monkeypatch):
    before = set(stored.entry_path("x", 1, 0, {}).parent.iterdir())
    c = stored.compare_stored(task, 2, 0)           # an uploaded dataset: no name, no identity
    assert set(stored.entry_path("x", 1, 0, {}).parent.iterdir()) == before
    path = stored.entry_path("toy-d", 2, 0, {})
    c.notices.append("ResNet-50 fell back to EfficientNet-Lite0 offline")
    assert not stored.save(path, c) and not path.exists()
    c.notices.clear()
    c.scratch.predict = lambda texts: None          # a text way's live model
    assert not stored.save(path, c) and not path.exists()


def test_the_sweep_fills_the_store_for_named_tasks(task, monkeypatch):
    sweeps.train_cell(task, 2, 7, {}, identity="toy-e")
    _no_training(monkeypatch)
    assert stored.compare_stored(task, 2, 7, identity="toy-e").n_per_class == 2


def test_what_cannot_go_to_disk_is_kept_in_memory(task, monkeypatch):
    c = comparisons.compare(task, 2, 0)
    c.scratch.predict = lambda texts: None  # like a text way: not storable
    calls = []
    monkeypatch.setattr(comparisons, "compare", lambda *a, **k: calls.append(1) or c)
    assert stored.compare_stored(task, 2, 0, identity="toy-f") is c
    assert stored.compare_stored(task, 2, 0, identity="toy-f") is c
    assert calls == [1] and not stored.entry_path("toy-f", 2, 0, {}).exists()
