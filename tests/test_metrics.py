"""Confusion matrix and per-class accuracy against scikit-learn."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion, recall_score

from lib.metrics import confusion_cells, confusion_matrix, per_class_accuracy


def test_confusion_matrix_equals_scikit_learns_including_an_unpredicted_class():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 3, 200), rng.integers(0, 2, 200)  # class 2 never predicted
    ours = confusion_matrix(y_true, y_pred, 3)
    assert np.array_equal(ours, sk_confusion(y_true, y_pred, labels=[0, 1, 2]))
    assert ours[:, 2].sum() == 0 and ours.sum() == 200


def test_confusion_cells_are_long_rows_with_zeros_and_method():
    cells = confusion_cells([0, 0, 1], [0, 1, 1], ["a", "b"], method="scratch")
    assert list(cells.columns) == ["true", "predicted", "count", "method"]
    assert cells.set_index(["true", "predicted"])["count"].to_dict() == {
        ("a", "a"): 1, ("a", "b"): 1, ("b", "a"): 0, ("b", "b"): 1}


def test_per_class_accuracy_is_scikit_learns_recall():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 3, 100), rng.integers(0, 3, 100)
    ours = per_class_accuracy(y_true, y_pred, ["x", "y", "z"])
    assert np.allclose(ours.accuracy, recall_score(y_true, y_pred, average=None))
    assert ours.examples.sum() == 100


def test_mismatched_lengths_say_so():
    with pytest.raises(ValueError, match="3 true labels but 2 predictions"):
        confusion_matrix([0, 1, 1], [0, 1], 2)


def test_the_upload_pages_tables_are_the_same_scikit_learn_numbers():
    from types import SimpleNamespace
    from ui import upload as ui_upload
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.integers(0, 3, 60), rng.integers(0, 3, 60)
    run = SimpleNamespace(method="scratch", test_pred=y_pred)
    c = SimpleNamespace(classes=["x", "y", "z"], test_labels=y_true, runs={"scratch": run})
    table = ui_upload.per_class({"comparison": c})
    assert table["from scratch"].tolist() == [f"{100 * r:.1f} %" for r in recall_score(y_true, y_pred, average=None)]
    cells = ui_upload.confusion(run, c).pivot(index="true", columns="predicted", values="count")
    assert np.array_equal(cells.loc[["x", "y", "z"], ["x", "y", "z"]].to_numpy(), sk_confusion(y_true, y_pred))


def test_a_class_with_no_test_examples_has_no_accuracy_rather_than_zero():
    table = per_class_accuracy([0, 0, 1], [0, 1, 1], ["a", "b", "c"])
    assert table.examples.tolist() == [2, 1, 0] and np.isnan(table.accuracy.iloc[2])
