"""sweep(): its table, its disk cache (per cell, invalidated by a code change), stop, and the pool."""
import numpy as np
import pandas as pd
import pytest

from lib import sweeps, versions
from lib.sweeps import sweep


@pytest.fixture(scope="module")
def task(toy_task):
    return toy_task


pytestmark = pytest.mark.usefixtures("quick_training")  # flows and keys, not accuracy


def test_code_version_hashes_the_sources(tmp_path, monkeypatch):
    monkeypatch.undo()  # the real one
    monkeypatch.setattr(versions, "ROOT", tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("x = 1")
    before = versions.code_version()
    assert versions.code_version() == before
    (tmp_path / "lib" / "a.py").write_text("x = 2")
    assert versions.code_version() == before  # read once per process: a server runs what it imported
    versions.forget()
    assert versions.code_version() != before


def test_sweep_contract_one_row_per_method_size_seed(task):
    calls = []
    frame = sweep(task, [1, 4], [0, 1], progress=lambda done, total: calls.append((done, total)))
    assert {"method", "n_per_class", "seed", "test_accuracy"} <= set(frame.columns)
    # the pixel model, scratch and transfer at every cell; fine-tuning from 2 per class (left out
    # at 1, with a reason)
    assert len(frame) == 3 * 2 * 2 + 2 and set(frame.method) == {"pixels", "scratch", "transfer", "finetune"}
    assert frame.groupby(["method", "n_per_class", "seed"]).size().eq(1).all()
    assert frame.test_accuracy.between(0, 1).all()
    assert calls[-1] == (4, 4) and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_second_sweep_reads_every_cell_from_disk(task, monkeypatch):
    first = sweep(task, [1, 4], [0, 1])
    monkeypatch.setattr(sweeps, "train_cell", lambda *a: pytest.fail("trained a cached cell"))
    again = sweep(task, [4, 1], [1, 0])  # same cells, another order
    key = ["method", "n_per_class", "seed"]
    pd.testing.assert_frame_equal(first.sort_values(key).reset_index(drop=True),
                                  again.sort_values(key).reset_index(drop=True))
    assert again.attrs["trained"] == 0 and again.attrs["complete"]


def test_changed_code_or_options_train_afresh(task, monkeypatch):
    sweep(task, [2], [0])
    assert sweep(task, [2], [0]).attrs["trained"] == 0
    assert sweep(task, [2], [0], control=True).attrs["trained"] == 1  # other settings, other cell
    monkeypatch.setattr(versions, "code_version", lambda: "edited")
    assert sweep(task, [2], [0]).attrs["trained"] == 1


def test_control_adds_its_rows(task):
    assert set(sweep(task, [2], [0], control=True).method) == {"pixels", "scratch", "transfer", "finetune",
                                                               "control"}


def test_stop_ends_between_cells_and_a_later_sweep_finishes_the_rest(task):
    seen = []  # progress: once at the start, then after each cell
    stopped = sweep(task, [1, 2, 4], [5], progress=lambda done, total: seen.append(done),
                    stop=lambda: len(seen) > 1)
    assert stopped.attrs["complete"] is False and stopped.attrs["trained"] == 1
    rest = sweep(task, [1, 2, 4], [5])
    assert rest.attrs["complete"] and rest.attrs["trained"] == 2
    cached = sweeps.run_sweep(task, [1, 2, 4, 8], [5], cached_only=True)
    assert cached.attrs["complete"] is False and sorted(set(cached.n_per_class)) == [1, 2, 4]


def test_corrupt_cell_is_retrained_and_bad_sizes_say_why(task):
    sweep(task, [3], [0])
    for path in (sweeps.cache.cache_dir("sweeps")).glob("*.csv"):
        path.write_text("not,a\ncell")
    assert sweep(task, [3], [0]).attrs["trained"] == 1
    with pytest.raises(ValueError, match=r"sizes \[50\] need more examples per class than the pool has \(8\)"):
        sweep(task, [2, 50], [0])
    with pytest.raises(ValueError, match="at least one size"):
        sweep(task, [], [0])


def test_code_version_ignores_files_that_only_draw(tmp_path, monkeypatch):
    monkeypatch.setattr(versions, "ROOT", tmp_path)
    for folder in ("lib", "ui"):
        (tmp_path / folder).mkdir()
    (tmp_path / "lib" / "train.py").write_text("x = 1")
    (tmp_path / "lib" / "curves.py").write_text("y = 1")
    (tmp_path / "ui" / "charts.py").write_text("z = 1")
    before = versions.code_version()
    (tmp_path / "lib" / "curves.py").write_text("y = 2")
    (tmp_path / "ui" / "charts.py").write_text("z = 2")
    versions.forget()
    assert versions.code_version() == before
