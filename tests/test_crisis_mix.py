"""The crisis level reads what a crisis is made of (round 15): the crisis head and, at ``crisis_mix``, the
higher of the safeguarding and amplification heads (``model.agree``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from monitor import embed, model, train

pytestmark = pytest.mark.model

TEXT = ("Thank you for the coffee morning. Some nights I think they'd all be better off without me. "
        "The baby was floppy and hard to wake this morning.")


def test_every_labelled_crisis_is_safeguarding_or_spreading():
    """The reason for the mix: in the labelled files a crisis carries safeguarding or amplification (a
    concern that is spreading), and a safeguarding text is always a crisis. If new labels stop saying so,
    this fails and the mix must be measured again."""
    crises = odd = safeguarding_below = 0
    for it in train.read_items(train.training_files()):
        if not it.mention or it.severity not in model.LEVELS:
            continue
        fams = set(it.families)
        if it.severity == "crisis":
            crises += 1
            odd += not fams & {"safeguarding", "amplification"}
        elif "safeguarding" in fams:
            safeguarding_below += 1
    assert crises > 2500
    assert odd <= crises // 1000
    assert safeguarding_below <= crises // 1000


def test_the_committed_model_reads_its_crisis_mix_and_an_older_artefact_reads_none():
    m = model.load()
    assert m.crisis_mix == 0.25
    sents = [s for _f, s in model.split("", TEXT)]
    whole, pieces = m.score_texts(sents)[:2]
    raw = np.maximum(whole, m.sentence_weight * pieces.max(axis=0))
    c, a = model.HEADS.index("crisis"), model.HEADS.index("alert")
    made_of = max(raw[model.HEADS.index("safeguarding")], raw[model.HEADS.index("amplification")])
    pred = m.predict("", TEXT)
    assert pred.at_least["crisis"] == pytest.approx(0.75 * raw[c] + 0.25 * made_of, abs=1e-5)
    assert pred.at_least["alert"] == pytest.approx((1 - model.ALERT_MIX) * raw[a] + model.ALERT_MIX * raw[c], abs=1e-5)
    # judge.json without the key (an artefact from before round 15): the crisis head alone, as before.
    meta = json.loads((model.MODEL_DIR / "judge.json").read_text(encoding="utf-8"))
    meta.pop("crisis_mix")
    old = model.Model(embed.read_npz(model.MODEL_DIR / "judge.npz"), meta, m.embedder)
    assert old.crisis_mix == 0.0
    assert old.predict("", TEXT).at_least["crisis"] == pytest.approx(float(raw[c]), abs=1e-5)
