"""The word vectors' max over sentences is a setting: the max grows with the number of sentences whatever the
label, so a long harmless post can read like a crisis to the word-vector head (a candidate's polite visit request
at 95%, a café review at 94%). A model fitted with ``Settings(dense_max=False)`` keeps only the mean's weights, and
its chances do not move with the max half. Round 13 tried it and kept both halves: held out by writer the mean
alone left 87 crises below alert against 74 (README, "The whole system, cross-validated")."""

from __future__ import annotations

import numpy as np
import pytest

from monitor import embed, model, train
from monitor.train_data import Item
from monitor.train_fit import _normalised

pytestmark = pytest.mark.model

TEXTS = [  # (body, level): enough of each level for every severity head to have both answers
    ("Lovely stay and play at New Baby Network this morning, thank you to the volunteers.", "info"),
    ("What time does the New Baby Network group start on Tuesdays?", "info"),
    ("The New Baby Network cafe had cake and a singing session, my baby loved it.", "info"),
    ("New Baby Network never called me back about the home visit, really let down.", "watch"),
    ("The group was cancelled again with no notice, not impressed with New Baby Network.", "watch"),
    ("A New Baby Network volunteer posted a photo of my baby online without asking me.", "alert"),
    ("A reporter from the Echo wants a comment from New Baby Network by five tonight.", "alert"),
    ("I can't keep myself safe tonight, please tell someone at New Baby Network.", "crisis"),
    ("My baby's lips went blue and he is floppy, the New Baby Network group is still going on around us.", "crisis"),
]


def _fitted(dense_max: bool):
    items = [Item(f"d{k}", "t_dense.jsonl", "", body, True, level, [])
             for k, (body, level) in enumerate(TEXTS)]
    feat = train.featurise(items, embed.load())
    return train.fit(feat, train.targets(items), list(range(len(items))), train.Settings(dense_max=dense_max)), feat


@pytest.mark.parametrize("dense_max, width", [(False, 256), (True, 512)])
def test_the_word_vector_head_reads_the_max_only_when_told_to(dense_max, width):
    fitted, feat = _fitted(dense_max)
    assert fitted.w_dense.shape == (width, len(model.HEADS))
    assert fitted.dense_mean.shape == fitted.dense_scale.shape == (width,)
    m = fitted.model({"thresholds": {"crisis": 0.5, "alert": 0.5, "watch": 0.5, "family": 0.5}})
    rows = [_normalised(feat.whole_sparse[r], fitted.idf) for r in range(len(TEXTS))]
    dense = feat.whole_dense.copy()
    before = m._probabilities(rows, dense)
    dense[:, 256:] += 3.0  # a longer text's larger maxima
    after = m._probabilities(rows, dense)
    # The mean-only model does not see the max at all; a model of both does (so this test can fail).
    assert np.array_equal(before, after) is (not dense_max)


def test_the_committed_model_reads_the_mean_and_the_max():
    m = model.load()
    assert m.w_dense.shape[0] == 512 == len(m.dense_mean)
    assert m.meta["settings"]["dense_max"] is True


def test_some_heads_read_the_word_vectors_at_their_own_share():
    """Round 14: the word-vector half reads risk into ordinary texts (a Doric "who's going tomorrow?" at 96% crisis)
    where the n-grams do not, so "crisis" and "alert or worse" read it at 0.15, the other heads at 0.3. Each head's
    chance is its own mix of the two regressions, and the other heads are as before."""
    items = [Item(f"d{k}", "t_dense.jsonl", "", body, True, level, []) for k, (body, level) in enumerate(TEXTS)]
    feat = train.featurise(items, embed.load())
    y, rows = train.targets(items), list(range(len(items)))
    own = train.fit(feat, y, rows, train.Settings(dense_max=True))
    one = train.fit(feat, y, rows, train.Settings(dense_max=True, dense_heads=()))
    assert one.dense_weight == 0.3
    assert own.dense_weight == [0.15 if h in ("alert", "crisis") else 0.3 for h in model.HEADS]
    meta = {"thresholds": {"crisis": 0.5, "alert": 0.5, "watch": 0.5, "family": 0.5}}
    sparse = [_normalised(feat.whole_sparse[r], own.idf) for r in rows]
    p_own = own.model(meta)._probabilities(sparse, feat.whole_dense)
    p_one = one.model(meta)._probabilities(sparse, feat.whole_dense)
    crisis, watch = model.HEADS.index("crisis"), model.HEADS.index("watch")
    assert np.allclose(p_own[:, watch], p_one[:, watch])  # same fit, same share
    assert not np.allclose(p_own[:, crisis], p_one[:, crisis])
    # the crisis chance is 0.85 of the n-grams' and 0.15 of the word vectors': recover the two from the 0.3 mix
    only_sparse = own.model({**meta})
    only_sparse.dense_weight = np.float32(0.0)
    s = only_sparse._probabilities(sparse, feat.whole_dense)[:, crisis]
    d = (p_one[:, crisis] - 0.7 * s) / 0.3
    assert np.allclose(p_own[:, crisis], 0.85 * s + 0.15 * d, atol=1e-5)


def test_the_committed_model_reads_crisis_and_alert_at_their_own_share():
    m = model.load()
    w = dict(zip(m.heads, np.broadcast_to(m.dense_weight, (len(m.heads),)).tolist()))
    assert w["crisis"] == pytest.approx(0.15) and w["alert"] == pytest.approx(0.15)
    assert w["watch"] == pytest.approx(0.3) and w["safeguarding"] == pytest.approx(0.3)
