"""What a trained way got right and wrong: confusion matrix, per-class accuracy, and which split
its history is read against (the overfitting page's words are ui.words.overfitting_reading).

The confusion matrix and per-class recall are scikit-learn's; every page that shows them comes
through here.
"""
import numpy as np
import pandas as pd
from sklearn import metrics as sk


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """counts[i, j] = examples of true class i predicted as class j (zeros included)."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    return sk.confusion_matrix(y_true, y_pred, labels=np.arange(n_classes)).astype(np.int64)


def confusion_cells(y_true, y_pred, classes, method: str | None = None) -> pd.DataFrame:
    """The matrix as long rows (true, predicted, count), what charts.confusion_chart draws."""
    counts = confusion_matrix(y_true, y_pred, len(classes))
    rows = [(classes[i], classes[j], int(counts[i, j])) for i in range(len(classes))
            for j in range(len(classes))]
    cells = pd.DataFrame(rows, columns=["true", "predicted", "count"])
    return cells.assign(method=method) if method else cells


def per_class_accuracy(y_true, y_pred, classes) -> pd.DataFrame:
    """Share of each true class predicted right (scikit-learn's recall; NaN for a class with no
    examples), with the counts behind it."""
    counts = confusion_matrix(y_true, y_pred, len(classes))
    acc = sk.recall_score(y_true, y_pred, labels=np.arange(len(classes)), average=None,
                          zero_division=np.nan)
    return pd.DataFrame({"class": list(classes), "correct": np.diag(counts), "examples": counts.sum(1),
                         "accuracy": acc})


def held_out(history: pd.DataFrame) -> str:
    """The split read against "train": the test set (for reading only) where the history has
    it, else the validation split."""
    return "test" if (history["split"] == "test").any() else "validation"
