"""`monitor train` fits its heads in two processes and reads its texts in two (round 16: the same model in less
time). Each regression runs alone in its process with its own seed, so which process runs it changes nothing: the
features and every weight are the same, to the last bit, as when one process does it all."""

from __future__ import annotations

import numpy as np
import pytest

from monitor import embed, train, train_fit, train_pool
from monitor.train_data import TRAINING_DIR

pytestmark = pytest.mark.model


def _items():
    # Two real labelled files (every level, most families), a few hundred texts: quick, and real writing.
    return [it for it in train.read_items([TRAINING_DIR / "t15_wirral.jsonl", TRAINING_DIR / "t16_norfolk.jsonl"])
            if it.mention and it.severity in train.M.LEVELS]


def test_two_processes_give_the_same_features_and_weights_as_one(monkeypatch):
    items = _items()
    y, rows = train.targets(items), list(range(len(items)))
    built = {}
    for workers in (1, 2):
        monkeypatch.setattr(train_pool, "WORKERS", workers)
        feat = train.featurise(items, embed.load())
        built[workers] = feat, train.fit(feat, y, rows, train.Settings())
    (f1, m1), (f2, m2) = built[1], built[2]
    assert np.array_equal(f1.whole_dense, f2.whole_dense) and np.array_equal(f1.text_vec, f2.text_vec)
    assert f1.sentences == f2.sentences and len(f1.unit_rows) == len(f2.unit_rows) == len(items)
    for a, b in zip(f1.whole_sparse + [u for us in f1.unit_rows for u in us],
                    f2.whole_sparse + [u for us in f2.unit_rows for u in us]):
        assert a[0].dtype == b[0].dtype == np.int64 and np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert all(np.array_equal(a, b) for a, b in zip(f1.unit_dense, f2.unit_dense))
    for name in ("idf", "w_sparse", "b_sparse", "w_dense", "b_dense", "dense_mean", "dense_scale"):
        assert np.array_equal(getattr(m1, name), getattr(m2, name)), name
    assert np.abs(m2.w_sparse).max() > 0 and np.abs(m2.w_dense).max() > 0  # fitted, not left at zero


def test_the_features_handed_back_are_those_of_each_text():
    """What the processes hand back, packed (the hashes in 16 bits) and unpacked, is each text's own reading,
    made here one text at a time as a run makes it (``model.piece_counts``, ``model.dense_rows``)."""
    items = _items()
    feat = train.featurise(items, embed.load())
    m = train.M
    for r in range(0, len(items), 7):
        sents = [s for _f, s in m.split(items[r].title, items[r].body)]
        pieces = m.pieces_of(len(sents))
        counts = [train_fit._tf(c) for c in m.piece_counts(m.sentence_counts(sents), pieces)]
        dense = m.dense_rows(embed.load().embed(sents), pieces)
        assert feat.sentences[r] == sents
        for got, want in zip([feat.whole_sparse[r]] + feat.unit_rows[r], counts, strict=True):
            assert got[0].dtype == np.int64 and np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
        assert np.array_equal(feat.whole_dense[r], dense[0]) and np.array_equal(feat.unit_dense[r], dense[1:])
        assert np.array_equal(feat.text_vec[r], dense[0, :256])
    assert max(int(row[0].max()) for row in feat.whole_sparse if len(row[0])) > 1 << 15  # high hashes survive


def test_a_head_fitted_in_a_process_is_the_head_fitted_here():
    """The job a forked process runs is the one this process would: one head of one view, the same numbers."""
    items = _items()
    feat = train.featurise(items, embed.load())
    y = train.targets(items)
    rows = list(range(len(items)))
    whole = train.fit(feat, y, rows, train.Settings())
    crisis = train.M.HEADS.index("crisis")
    x = train_fit._csr([feat.whole_sparse[r] for r in rows], whole.idf)
    w, b = train_fit._fit_sparse_head(train_fit.C_SPARSE, x, y[:, crisis])
    assert np.array_equal(whole.w_sparse[:, crisis], w.astype(np.float32)) and whole.b_sparse[crisis] == np.float32(b)



def test_the_folds_and_the_final_model_fitted_in_one_pool_are_each_fitted_alone(monkeypatch):
    """``train_fit.fit_all`` (round 17: every fit's heads jobs of one pool, not a pool per fit) gives each set of rows
    the weights ``fit`` gives it alone, to the last bit; and the pieces' chances scored many texts at a time are
    the chances scored one text at a time."""
    monkeypatch.setattr(train_pool, "WORKERS", 2)
    items = _items()
    feat, y = train.featurise(items, embed.load()), train.targets(items)
    row_sets = [list(range(0, len(items), 2)), list(range(1, len(items), 2)), list(range(len(items)))]
    together = train_fit.fit_all(feat, y, row_sets, train.Settings())
    for rows, got in zip(row_sets, together, strict=True):
        alone = train.fit(feat, y, rows, train.Settings())
        for name in ("idf", "w_sparse", "b_sparse", "w_dense", "b_dense", "dense_mean", "dense_scale"):
            assert np.array_equal(getattr(alone, name), getattr(got, name)), name
    assert not np.array_equal(together[0].w_sparse, together[1].w_sparse)  # each its own rows
    m, rows = together[2].model({}), list(range(len(items)))
    batched = dict(train_fit.pieces_chances(m, together[2].idf, feat, rows, batch=7))
    for k in rows:
        units = feat.unit_rows[k]
        assert (k in batched) == bool(units)
        if units:
            one = m._probabilities([train_fit._normalised(u, together[2].idf) for u in units], feat.unit_dense[k])
            assert np.array_equal(one, batched[k])


def test_the_folds_looser_tolerance_leaves_the_model_written_unchanged():
    """Round 23: cross-validation's folds fit their n-gram heads at ``FOLD_TOL_SPARSE``, the model written at
    ``TOL_SPARSE``. Fitted beside a fold at the looser tolerance, the whole-data fit has the same weights to the
    last bit as fitted alone; the fold itself stops earlier, so its weights differ (the tolerance is used)."""
    assert train_fit.FOLD_TOL_SPARSE > train_fit.TOL_SPARSE
    items = _items()
    y, rows = train.targets(items), list(range(len(items)))
    feat = train.featurise(items, embed.load())
    half = rows[::2]
    alone = train_fit.fit_all(feat, y, [half, rows], train.Settings())
    mixed = train_fit.fit_all(feat, y, [half, rows], train.Settings(),
                              [train_fit.FOLD_TOL_SPARSE, train_fit.TOL_SPARSE])
    for name in ("w_sparse", "b_sparse", "w_dense", "b_dense"):
        assert np.array_equal(getattr(alone[1], name), getattr(mixed[1], name)), name
    assert not np.array_equal(alone[0].w_sparse, mixed[0].w_sparse)
    assert np.array_equal(alone[0].w_dense, mixed[0].w_dense)  # the word-vector heads have their own stopping rule
