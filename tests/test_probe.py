"""The frozen head is scikit-learn's LogisticRegression (C = 1, as documented), checked
numerically on random data: two classes (where a two-row nn.Linear with L2 on both rows used to
be binary logistic regression with C = 2) and three (where scikit-learn penalises every row)."""
import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from lib import probe


def _data(n_classes, seed, n=60, d=8):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.0, (n_classes, d))
    y = np.arange(n) % n_classes
    x = centres[y] + rng.normal(0, 1.5, (n, d))  # overlapping classes: the penalty matters
    x_test = rng.normal(0, 2.0, (200, d))
    return x, y, x_test


def _ours(x, y, n_classes, x_test, iterations=None):
    """iterations=None: the app's recipe (stops at scikit-learn's tol); an int: that many L-BFGS
    steps, which reach the optimum itself, to compare the objectives' optima to 1e-4."""
    head, _, _ = probe.fit_probe(torch.from_numpy(x), torch.from_numpy(y), n_classes, iterations)
    with torch.no_grad():
        logits = head.double()(torch.from_numpy(x_test)).numpy()
    return logits


def _sklearn(x, y, x_test):
    ref = LogisticRegression(C=probe.C, tol=1e-10, max_iter=10_000).fit(x, y)
    return ref, ref.decision_function(x_test)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_classes_equal_sklearn_binary_logistic_regression_with_the_documented_c(seed):
    x, y, x_test = _data(2, seed)
    logits = _ours(x, y, 2, x_test, iterations=300)
    ref, decision = _sklearn(x, y, x_test)
    ours = logits[:, 1] - logits[:, 0]  # the binary decision function
    assert np.max(np.abs(ours - decision)) < 1e-4
    assert np.array_equal(_ours(x, y, 2, x_test).argmax(1), ref.predict(x_test))  # as the app trains
    # the old penalty (half of this one on each of two rows) is C = 2: visibly different
    c2 = LogisticRegression(C=2 * probe.C, tol=1e-10, max_iter=10_000).fit(x, y).decision_function(x_test)
    assert np.max(np.abs(ours - c2)) > 1e-2


@pytest.mark.parametrize("seed", [0, 1])
def test_three_classes_equal_sklearn_multinomial_logistic_regression(seed):
    x, y, x_test = _data(3, seed)
    logits = _ours(x, y, 3, x_test, iterations=300)
    ref, decision = _sklearn(x, y, x_test)
    centred = logits - logits.mean(1, keepdims=True)  # softmax logits are defined up to a shift
    assert np.max(np.abs(centred - decision)) < 1e-4
    assert np.array_equal(_ours(x, y, 3, x_test).argmax(1), ref.predict(x_test))


def test_the_reference_helper_uses_the_same_c():
    x, y, x_test = _data(2, 5)
    head, _, _ = probe.fit_probe(torch.from_numpy(x), torch.from_numpy(y), 2)
    with torch.no_grad():
        ours = float((head(torch.from_numpy(x_test).float()).argmax(1).numpy() == (x_test[:, 0] > 0)).mean())
    assert probe.sklearn_probe_accuracy(x, y, x_test, (x_test[:, 0] > 0).astype(int)) == pytest.approx(ours, abs=0.01)
