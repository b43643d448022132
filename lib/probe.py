"""The frozen head's recipe: the field's standard linear probe.

A linear layer on frozen features, trained as L2-regularised logistic regression with
scikit-learn's defaults (C = 1, L-BFGS from zero weights, at most 100 iterations): the objective
is  mean cross-entropy + |W|^2 / (2 C n),  the bias not penalised. It is convex, so there is no
learning rate to pick and nothing for early stopping to decide: every labeled example trains.

Written in torch rather than calling scikit-learn so that the head is an `nn.Linear` with C
outputs, (D + 1) x C weights as the pages count them, and every iteration (one full pass over
the examples, our "epoch") can be drawn. benchmarks/probe_reference.py prints its accuracy beside
scikit-learn's LogisticRegression on the same features.
"""
import time

import numpy as np
import pandas as pd
import torch
from torch import nn

from lib.device import limited_threads

C = 1.0
MAX_ITER = 100

TOLERANCE = 1e-4  # stop when no gradient entry is larger (scikit-learn's tol for lbfgs)


def in_words(examples: str = "labeled examples", standardised: bool = True) -> str:
    """The probe's recipe as a page shows it, written from the constants above."""
    on = f"the features standardised with the {examples}' mean and spread" if standardised else "the features"
    return (f"logistic regression with an L2 penalty (C = {C:g}), L-BFGS from zero weights, at most "
            f"{MAX_ITER} iterations, on {on}; every labeled example trains")


def fit_probe(x: torch.Tensor, y: torch.Tensor, n_classes: int, iterations: int | None = None,
              test=None, stop=None, head: nn.Module | None = None):
    """Train a linear head on (x, y); return (the head, history, seconds).

    iterations=None runs to convergence (at most MAX_ITER); an int runs at most that many.
    history has columns epoch, split, loss, accuracy; split "test" (when `test=(x, y)` is
    given) is for display only. `head`: another linear model to train the same way, any module
    with `weight` and `bias` that maps x to logits (the text ways' bag of words reads word ids);
    by default nn.Linear(D, n_classes).
    """
    if len(x) == 0:
        raise ValueError("the probe needs at least one labeled example, got 0")
    with limited_threads():  # tiny matrices: one thread is fastest (see lib.device)
        return _fit(x, y, n_classes, iterations, test, stop, head)


def _input(a) -> torch.Tensor:
    """Features in double precision; word ids (integers) as they are."""
    a = torch.as_tensor(a)
    return a.double() if a.is_floating_point() else a


def _fit(x, y, n_classes, iterations, test, stop, head):
    start = time.perf_counter()
    x64, y = _input(x), torch.as_tensor(y, dtype=torch.long)
    head = (head if head is not None else nn.Linear(x.shape[1], n_classes)).double()
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    penalty = 1.0 / (2 * C * len(x))
    # max_eval: room for the line search. torch's default is max_iter * 5 // 4 = 1 evaluation per
    # step, which cut every line search short: the probe then never converged and stopped at
    # MAX_ITER short of the optimum (bag-of-words on real review sentences, 64 per class: 2.7
    # points below scikit-learn's LogisticRegression over 5 seeds, 6.2 on one; now within 0.2).
    opt = torch.optim.LBFGS(head.parameters(), lr=1, max_iter=1, max_eval=25, history_size=10,
                            line_search_fn="strong_wolfe")
    ce = nn.CrossEntropyLoss()

    def objective():
        opt.zero_grad()
        loss = ce(head(x64), y) + penalty * head.weight.pow(2).sum()
        loss.backward()
        return loss

    rows = []
    for it in range(1, (iterations or MAX_ITER) + 1):
        opt.step(objective)
        rows += _scores(head, it, x64, y, test, ce)
        grad = max(float(p.grad.abs().max()) for p in head.parameters())
        if (iterations is None and grad < TOLERANCE) or (stop is not None and stop()):
            break
    head = head.float()
    history = pd.DataFrame(rows, columns=["epoch", "split", "loss", "accuracy"])
    return head, history, time.perf_counter() - start


@torch.no_grad()
def _scores(head, epoch, x, y, test, ce):
    out = []
    for split, (a, b) in [("train", (x, y))] + ([("test", test)] if test is not None else []):
        logits = head(_input(a))
        b = torch.as_tensor(b, dtype=torch.long)
        out.append((epoch, split, float(ce(logits, b)), float((logits.argmax(1) == b).double().mean())))
    return out


def sklearn_probe_accuracy(x_train: np.ndarray, y_train, x_test, y_test) -> float:
    """The reference: scikit-learn's LogisticRegression, defaults, on the same features."""
    from sklearn.linear_model import LogisticRegression
    model = LogisticRegression(C=C, max_iter=MAX_ITER).fit(x_train, y_train)
    return float((model.predict(x_test) == np.asarray(y_test)).mean())
