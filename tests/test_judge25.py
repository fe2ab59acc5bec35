"""Texts counted more by their label in the heads that raise a text (round 25, ``train_fit.Settings``'
``harmless_weight`` and ``crisis_weight``): each head must be the regression scikit-learn fits with those sample
weights, and only the heads named read them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from monitor import model as M
from monitor import train_fit, train_weights
from tests.test_dense_heads import _rows


def test_a_word_vector_head_weighs_each_text_as_scikit_learn_does_with_sample_weights():
    x1, y = _rows(seed=11)
    more = np.ones(y.shape)
    more[y[:, 0] == 0, 1:] = 2.0  # texts negative on head 0 count twice in heads 1 and 2
    w, b = train_fit._fit_dense_heads(x1, y, np.ones(y.shape, dtype=bool), 0.5, None, more)
    plain, _b = train_fit._fit_dense_heads(x1, y, np.ones(y.shape, dtype=bool), 0.5)
    for c in range(y.shape[1]):
        lr = LogisticRegression(C=0.5, class_weight="balanced", solver="lbfgs", tol=1e-10, max_iter=10000,
                                fit_intercept=False).fit(x1, y[:, c], sample_weight=more[:, c])
        assert np.abs(w[:, c] - lr.coef_[0][:-1]).max() < 1e-4 * max(1.0, np.abs(lr.coef_[0]).max()), c
        assert b[c] == pytest.approx(lr.coef_[0][-1], abs=1e-4)
    assert np.array_equal(w[:, 0], plain[:, 0])  # a head whose weights are all 1 is fitted as before
    assert np.abs(w[:, 1] - plain[:, 1]).max() > 1e-3  # and the weights do move the others


def test_each_text_counts_as_its_label_says_in_the_heads_named():
    how = train_fit.Settings(harmless_weight=3.0, harmless_heads=("alert", "crisis"), crisis_weight=2.0,
                             crisis_heads=("alert",))
    y = np.zeros((3, len(M.HEADS)))  # info, watch, crisis
    y[1, M.HEADS.index("watch")] = 1
    y[2, [M.HEADS.index("watch"), M.HEADS.index("alert"), M.HEADS.index("crisis")]] = 1
    w = train_weights.row_weights(y, how)
    alert, crisis = M.HEADS.index("alert"), M.HEADS.index("crisis")
    assert w[:, alert].tolist() == [3.0, 1.0, 2.0] and w[:, crisis].tolist() == [3.0, 1.0, 1.0]
    assert all((w[:, i] == 1.0).all() for i in range(len(M.HEADS)) if i not in (alert, crisis))
    assert train_weights.row_weights(y, train_fit.Settings(harmless_weight=1.0, crisis_weight=1.0)) is None


def test_an_ngram_head_fitted_with_harmless_weights_reads_harmless_texts_lower():
    rng = np.random.default_rng(5)
    n, width = 400, 30
    x = csr_matrix((rng.random((n, width)) < 0.2).astype(np.float64))
    target = (rng.random(n) < 0.3).astype(np.int64)
    harmless = (target == 0) & (rng.random(n) < 0.5)
    weights = np.where(harmless, 4.0, 1.0)
    w1, b1 = train_fit._fit_sparse_head(1.0, x, target)
    w4, b4 = train_fit._fit_sparse_head(1.0, x, target, sample_weight=weights)
    lr = LogisticRegression(C=1.0, class_weight="balanced", solver="liblinear", dual=True, max_iter=2000,
                            random_state=0, tol=train_fit.TOL_SPARSE).fit(x, target, sample_weight=weights)
    assert np.allclose(w4, lr.coef_[0]) and b4 == pytest.approx(lr.intercept_[0])
    assert (x[harmless] @ w4 + b4).mean() < (x[harmless] @ w1 + b1).mean()
