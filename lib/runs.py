"""What one way of learning produced (`Run`), what a side-by-side produced (`Comparison`), and the
small steps every way shares: drawing the labeled examples, training, scoring with an interval,
and McNemar's test between two ways (lib.stats.mcnemar; ui.words.verdict puts it in words).
"""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import torch
from scipy.stats import binomtest
from sklearn.preprocessing import StandardScaler

from lib.models import count_params
from lib.train import TrainConfig, fit, predict_proba


@dataclass
class Run:
    method: str                 # "scratch", "transfer", "control", or an extra way such as "bow"
    label: str                  # in words, for the page
    test_accuracy: float
    train_accuracy: float
    trainable_params: int
    total_params: int
    history: pd.DataFrame       # epoch, split, loss, accuracy
    train_seconds: float
    test_interval: tuple        # 95% Wilson interval of test_accuracy
    n_test: int
    test_pred: np.ndarray       # predicted class of every test example
    train_pred: np.ndarray      # predicted class of every labeled example (train then validation)
    formula: str = ""           # how trainable_params was counted, written out
    extra_tests: dict = field(default_factory=dict)  # name -> accuracy on another test set
    n_train: int = 0            # how many labeled examples it trained on (train_accuracy's count)
    details: dict = field(default_factory=dict)  # e.g. where a head was cut, and why
    notices: list = field(default_factory=list)  # e.g. a backbone that fell back: never stored


@dataclass
class Comparison:
    task: str
    n_per_class: int
    seed: int
    classes: list
    runs: dict                  # method -> Run, scratch first, transfer second
    backbone: str               # which pretrained model, and what it was pretrained on
    train_index: np.ndarray     # positions in the task's pool used to train (every labeled one)...
    val_index: np.ndarray       # ...and held out to validate: empty (no way holds any out)
    test_labels: np.ndarray
    notices: list = field(default_factory=list)  # fallbacks and other things the page must say
    settings: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)  # e.g. where the head was cut, and why

    @property
    def scratch(self) -> Run:
        return self.runs["scratch"]

    @property
    def transfer(self) -> Run:
        return self.runs["transfer"]

    @property
    def control(self) -> Run | None:
        return self.runs.get("control")

    @property
    def finetune(self) -> Run | None:
        return self.runs.get("finetune")


def draw(labels: np.ndarray, n_per_class: int, seed: int):
    """Pick n_per_class examples of each class; return (train_index, val_index).

    Each class is shuffled by (seed, class) and its first n taken, so for one seed a smaller
    draw is part of a larger one: a learning curve adds data instead of swapping it. Every drawn
    example trains (no way holds any out, issue 20: lib.train's docstring says why); val_index is
    empty, kept only because the ways' `run(task, train_index, val_index, ...)` still take it.
    """
    counts = np.bincount(labels)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2 ** 32:
        raise ValueError(f"seed must be a whole number from 0 to {2 ** 32 - 1}, got {seed!r}")
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be at least 1, got {n_per_class}")
    if n_per_class > counts.min():
        raise ValueError(f"n_per_class={n_per_class} is more than the smallest class has "
                         f"({counts.min()}); choose at most {counts.min()}")
    train = []
    for c in range(len(counts)):
        mine = np.flatnonzero(labels == c)
        train.extend(np.random.default_rng([seed, c]).permutation(mine)[:n_per_class])
    return np.array(train, dtype=np.int64), np.zeros(0, dtype=np.int64)


def accuracy_interval(correct: int, n: int, level: float = 0.95) -> tuple:
    """Wilson score interval for a proportion: honest even at 0 % or 100 % on few examples."""
    if n == 0:
        return (0.0, 1.0)
    ci = binomtest(int(correct), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return (float(ci.low), float(ci.high))


def scaler(train: np.ndarray) -> StandardScaler:
    """scikit-learn's StandardScaler fitted on the training examples only (never the test set),
    in float64: a random network's features are ~1e-9, and float32 would lose their spread.
    A feature constant over the training examples is left unscaled (its scale is 1)."""
    return StandardScaler().fit(np.asarray(train, dtype=np.float64))


def standardise(train: np.ndarray, *others: np.ndarray):
    """z-score features with the training examples' statistics (`scaler`), as float32.

    Frozen features differ wildly in scale between backbones; putting them on one scale lets
    one learning rate mean the same thing for every head.
    """
    s = scaler(train)
    return [s.transform(np.asarray(a, dtype=np.float64)).astype(np.float32) for a in (train, *others)]


def train_and_score(method, label, model, x, y, train_index, val_index, x_test, y_test,
                    seed, frozen_params=0, formula="", config=TrainConfig(), stop=None,
                    trainer=None) -> Run:
    """Train `model` on x[train_index] and score it on the test set (val_index is always empty:
    `draw`).

    Pass `model` as a zero-argument factory (e.g. `lambda: ScratchCNN(2)`) so that its initial
    weights are drawn under `seed` and depend on nothing that ran before. `trainer(x, y, test,
    stop) -> (model, history, seconds)` replaces lib.train.fit for a way with its own recipe
    (the linear probe). Test accuracy at lib.train.CURVE_EPOCHS goes into the history, for
    display only, scored after the run's numbers are announced (`announce`).
    """
    as_t = lambda a: a if isinstance(a, torch.Tensor) else torch.as_tensor(a)
    x, x_test = as_t(x), as_t(x_test)
    y, y_test = torch.as_tensor(y, dtype=torch.long), torch.as_tensor(y_test, dtype=torch.long)
    labeled = np.concatenate([train_index, val_index])

    def score(model, history, seconds) -> Run:
        test_pred = predict_proba(model, x_test).argmax(1)
        train_pred = predict_proba(model, x[labeled]).argmax(1)
        correct = int((test_pred == y_test.numpy()).sum())
        trainable = count_params(model, trainable_only=True)
        return Run(method, label, correct / len(y_test),
                   float((train_pred[:len(train_index)] == y[train_index].numpy()).mean()),
                   trainable, trainable + frozen_params, history, seconds,
                   accuracy_interval(correct, len(y_test)), len(y_test), test_pred, train_pred, formula,
                   n_train=len(train_index))

    if trainer is not None:
        model, history, seconds = trainer(x[train_index], y[train_index], (x_test, y_test), stop)
        run = score(model, history, seconds)
        announce(run)
        return run
    if not isinstance(model, torch.nn.Module):
        torch.manual_seed(seed)
        model = model()
    scored = {}

    def trained(model, history, seconds):  # the card, before the display-only test curve
        scored["run"] = score(model, history, seconds)
        announce(scored["run"])

    model, history, seconds = fit(model, x[train_index], y[train_index], config=config, seed=seed,
                                  stop=stop, test=(x_test, y_test), on_trained=trained)
    return replace(scored["run"], history=history)  # the announced run stays as it was announced


_announce: ContextVar = ContextVar("transfer_lab_card_ready", default=None)


def announce(run: Run) -> None:
    """Tell whoever listens (lib.engine: the page waiting for this card) that `run`'s numbers
    are known; its history may still gain the display-only test curve."""
    listener = _announce.get()
    if listener is not None:
        listener(run)


@contextmanager
def announcing(listener):
    """Within the block, every trained run is passed to `listener(run)` as soon as it is known."""
    token = _announce.set(listener)
    try:
        yield
    finally:
        _announce.reset(token)


def disagreements(a: Run, b: Run, y_true: np.ndarray) -> tuple:
    """(test examples only `a` got right, test examples only `b` got right)."""
    a_right, b_right = a.test_pred == y_true, b.test_pred == y_true
    return int((a_right & ~b_right).sum()), int((b_right & ~a_right).sum())


def paired_difference(a: Run, b: Run, y_true: np.ndarray) -> tuple:
    """(accuracy of a minus b, two-sided p-value) on the same test examples: McNemar's exact test
    on the examples only one of the two got right (lib.stats.mcnemar, which says what it assumes)."""
    from lib.stats import mcnemar
    return a.test_accuracy - b.test_accuracy, mcnemar(*disagreements(a, b, y_true))


def clearly_ahead(comparison: Comparison, a: str = "transfer", b: str = "scratch") -> bool:
    """`a` beats `b` on this draw by more than chance (McNemar's test, as ui.words.verdict words it)."""
    from lib.stats import SIGNIFICANT
    diff, p = paired_difference(comparison.runs[a], comparison.runs[b], comparison.test_labels)
    return diff > 0 and p < SIGNIFICANT
