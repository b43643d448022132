"""Confusion matrix and per-class accuracy against scikit-learn; the overfitting reading."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion, recall_score

from lib.metrics import confusion_cells, confusion_matrix, overfitting_reading, per_class_accuracy


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


def _history(train, val):
    rows = [(e + 1, "train", 0.0, a) for e, a in enumerate(train)]
    rows += [(e + 1, "validation", 0.0, a) for e, a in enumerate(val)]
    return pd.DataFrame(rows, columns=["epoch", "split", "loss", "accuracy"])


def test_overfitting_reading_is_computed_from_the_history():
    text = overfitting_reading(_history([0.5, 0.8, 1.0, 1.0], [0.5, 0.61, 0.55, 0.5]), 16, "Scratch", "images")
    assert text.startswith("Scratch reaches 100 % on its 16 training images by epoch 3")
    assert "the validation set stays at most 61 % (epoch 2) and ends at 50 %" in text
    assert "gap of 50 points after 4 epochs" in text


def test_overfitting_reading_prefers_the_test_set_where_it_was_measured():
    history = _history([0.5, 0.8, 1.0, 1.0], [0.5, 0.61, 0.55, 0.5])
    test = history[history.split == "validation"].assign(split="test", accuracy=[0.5, 0.7, 0.72, 0.7])
    text = overfitting_reading(pd.concat([history, test]), 16, "Scratch", "images")
    assert "the test set stays at most 72 % (epoch 3) and ends at 70 %" in text


def test_overfitting_reading_without_validation():
    text = overfitting_reading(_history([0.5, 1.0], []), 2, "Transfer")
    assert "by epoch 2" in text and "none is held back" in text


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
