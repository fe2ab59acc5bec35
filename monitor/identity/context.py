"""The second look (issue 15, round 8): for a candidate the first model is unsure of, what our name refers to *in
its sentence*, read by a small contextual encoder (``monitor/encoder.py``: all-MiniLM-L6-v2's first four layers,
numpy), weighed by a tiny head trained with the rest of the model (``monitor train-identity``).

P(us) is then the two log-odds mixed: ``(1 - WEIGHT) * first + WEIGHT * head``. The look runs only when the first
model's P(us) is inside ``BAND`` (chosen by cross-validation held out by file, so few texts pay for it); outside it
the first model's P(us) stands. Without the encoder package the first model decides alone, and the reason says so
once per run in the log (``monitor check`` says it too).
"""

from __future__ import annotations

import logging
import math

# chosen by cross-validation held out by file (bench/identity_cv.py --context; README "Is it us?")
WEIGHT, HEAD_L2 = 0.4, 100.0
BAND = (0.03, 0.7)
# What the head reads of the encoder's pass: "name" (the mean at the name's own word pieces, round 8), "pooled" (the
# mean over the whole window of word pieces: what the text around the name is about), or "both". Round 9 measured all
# three on writers the model never saw (bench/identity_newwriter.py) and by cross-validation: at the threshold that
# keeps recall 0.99 in cross-validation, "pooled" and "both" let in as many new writers' namesakes as "name" and more
# in cross-validation (README "Is it us?"), so the name's own pieces stay.
READS = "name"
_COLUMNS = {"name": slice(0, 384), "pooled": slice(384, 768), "both": slice(0, 768)}

log = logging.getLogger(__name__)
_missing_said: set[str] = set()


def head_input(readings, reads: str = READS):
    """What the head reads from the encoder's readings (``Encoder.name_vectors(..., pooled=True)``: n x 768 or 768,
    the name's vector then the window's)."""
    return readings[..., _COLUMNS[reads]]


def head_logit(head, vector) -> float:
    """The head's log-odds of 'us' for one name vector; ``head``: (mean, scale, w, b)."""
    mean, scale, w, b = head
    return float(((vector - mean) / scale) @ w + b)


def mixed(p: float, h: float, weight: float = WEIGHT) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    z = (1 - weight) * math.log(p / (1 - p)) + weight * h
    return 1.0 / (1.0 + math.exp(-z))


def second_look(mdl, p: float, sents, mentioned, matches_by_sentence) -> tuple[float, bool]:
    """(P(us), whether the encoder read it). Never raises for a missing package: the first P(us) stands."""
    head = getattr(mdl, "context_head", None)
    if head is None or not (mdl.context_band[0] <= p <= mdl.context_band[1]):
        return p, False
    from .. import encoder as enc

    try:
        e = enc.encoder()
    except (enc.Missing, OSError) as exc:
        if str(exc) not in _missing_said:
            _missing_said.add(str(exc))
            log.warning("is-it-us second look unavailable, the first model decides alone: %s", exc)
        return p, False
    reads = getattr(mdl, "context_reads", "name")
    v = e.name_vectors([enc.window_text(sents, mentioned, matches_by_sentence)], pooled=reads != "name")[0]
    return mixed(p, head_logit(head, v if reads == "name" else head_input(v, reads)), mdl.context_weight), True
