"""The word-vector heads are fitted together (round 19, ``train_fit._fit_dense_heads``): each head's own L-BFGS in
lockstep with the others, sharing the products with the rows. Each head must be the regression scikit-learn's lbfgs
solver fitted for it alone until then (the same objective, the same stopping rule), on the rows kept for it."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from monitor import train_fit


def _rows(seed=3, n=600, width=12, heads=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, width))
    truth = rng.normal(size=(width, heads)) * 1.5
    y = (rng.random((n, heads)) < 1 / (1 + np.exp(-(x @ truth - [0.0, 1.5, 2.5])))).astype(np.float64)
    return np.hstack([x, np.ones((n, 1))]), y


def _alone(x1, target, C):
    lr = LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", tol=1e-10, max_iter=10000,
                            fit_intercept=False).fit(x1, target)
    return lr.coef_[0][:-1], lr.coef_[0][-1]


@pytest.mark.parametrize("C", [0.03, 1.0])
def test_each_head_is_the_regression_fitted_alone(C):
    x1, y = _rows()
    w, b = train_fit._fit_dense_heads(x1, y, np.ones(y.shape, dtype=bool), C)
    assert w.shape == (x1.shape[1] - 1, y.shape[1]) and b.shape == (y.shape[1],)
    for c in range(y.shape[1]):
        w0, b0 = _alone(x1, y[:, c], C)
        assert np.abs(w[:, c] - w0).max() < 1e-4 * max(1.0, np.abs(w0).max()), c
        assert b[c] == pytest.approx(b0, abs=1e-4)


def test_a_head_reads_only_its_own_rows_and_a_one_class_head_is_its_prior():
    x1, y = _rows(seed=5)
    keep = np.ones(y.shape, dtype=bool)
    keep[::3, 1] = False  # head 1 leaves a third of the rows out (``Settings.extra_negatives``: other heads' rows)
    y[:, 2] = 0.0  # no positive: the smoothed prior's log-odds, no weights
    w, b = train_fit._fit_dense_heads(x1, y, keep, 0.5)
    w1, b1 = _alone(x1[keep[:, 1]], y[keep[:, 1], 1], 0.5)
    assert np.abs(w[:, 1] - w1).max() < 1e-4 and b[1] == pytest.approx(b1, abs=1e-4)
    w_all, _b = _alone(x1, y[:, 1], 0.5)
    assert np.abs(w[:, 1] - w_all).max() > 1e-3  # the rows left out do change the head
    assert not w[:, 2].any() and b[2] == pytest.approx(np.log(0.5 / (len(y) + 0.5)))


def test_fitting_together_gives_the_same_weights_every_time():
    x1, y = _rows(seed=7)
    first = train_fit._fit_dense_heads(x1, y, np.ones(y.shape, dtype=bool), 0.03)
    again = train_fit._fit_dense_heads(x1, y, np.ones(y.shape, dtype=bool), 0.03)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
