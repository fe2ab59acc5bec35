"""How much each labelled text counts in each head's regression (round 25; ``train_fit.Settings``' ``harmless_weight``
and ``crisis_weight``; both 1: held out by writer each traded crises below alert for harmless texts raised,
``docs/history/judgement.md``, round 25)."""

from __future__ import annotations

from . import model as M


def row_weights(yy, how):
    """Each text's weight in each head (``(texts, heads)``), or None when every one is 1: a text labelled info (no
    "at least watch") counts ``harmless_weight`` in ``harmless_heads``, a crisis ``crisis_weight`` in
    ``crisis_heads``. Each head's classes are then balanced on these weights, as scikit-learn balances them."""
    import numpy as np

    if how.harmless_weight == 1.0 and how.crisis_weight == 1.0:
        return None
    out = np.ones((len(yy), len(M.HEADS)))
    for c, h in enumerate(M.HEADS):
        if h in how.harmless_heads:
            out[yy[:, M.HEADS.index("watch")] == 0, c] *= how.harmless_weight
        if h in how.crisis_heads:
            out[yy[:, M.HEADS.index("crisis")] == 1, c] *= how.crisis_weight
    return out
