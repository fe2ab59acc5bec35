"""Is it us? A name match is only a candidate; the whole text decides (issue 15).

Our name, "New Baby Network", is also an online baby shop, hospital programmes abroad,
a podcast, an app, a wi-fi camera and an ordinary phrase. ``matching.Matcher`` finds
the candidates; this package decides from the text around the name, in three steps:

1. **Strong evidence for us** (rules, ``features.strong_evidence``): our handle, our web
   address, or "CIC" next to our name. Then it is us, whatever else the text says.
2. **Namesakes we already know**: the profile's ``namesakes`` (written by the volunteer)
   and the namesakes the watch *learned* from a director's "not about us" correction
   (``learned.py``): a later post whose sentences around the name read like one of them
   (sentence vectors close), or that names it the same way ("New Baby Network Ltd",
   "new baby network camera"), is not us.
3. **A learned classifier** (``monitor/model/identity.npz``, numpy only, ``classifier.Model``)
   reads the sentences that name us, the whole text, their likeness to the profile's
   description and to kinds of namesake (``words.KINDS``), and a few word groups. It gives
   P(us). Below ``low``: not us. Between ``low`` and ``high``: unsure, so it is treated as
   us but at no more than ``watch`` (never an SMS). It is trained by ``monitor
   train-identity`` (``training.py``) from the labelled files, deterministically. A product of
   ours (the profile's ``products``: podcast, shop, sling library...) beside the name keeps a
   "not us" unsure (``products.py``, round 16).

Every decision comes with a reason in words. The model and the sentence vectors load only
when a text names us; importing this package imports neither numpy nor the model.

Where things live: ``words`` (word lists and patterns), ``features`` (what is read in a
text), ``products`` (our own named things), ``classifier`` (the trained model's file read),
``decide`` (the run-time decision), ``learned`` (namesakes learned from corrections),
``training`` (training and cross-validation).
"""

from __future__ import annotations

import sys
import types

from . import decide
from .decide import HIGH, L2, LOW, NOT_US, UNSURE, US, Decision, Judge, Learned, Model, model
from .features import FEATURES, profile_text, strong_evidence
from .learned import lazy_learned, learn, learned_from_db, would_hide
from .training import ROOT, TRAINING_FILES, candidates, cross_validate, cv_report, featurise, train
from .words import KINDS

__all__ = ["HIGH", "KINDS", "FEATURES", "L2", "LOW", "NOT_US", "ROOT", "TRAINING_FILES", "UNSURE", "US", "Decision",
           "Judge", "Learned", "Model", "candidates", "cross_validate", "cv_report", "featurise", "lazy_learned", "learn",
           "learned_from_db", "model", "profile_text", "strong_evidence", "train", "would_hide"]


class _Package(types.ModuleType):
    """``identity.MODEL_PATH`` and ``identity._model`` read and set the ones ``decide.model()`` uses
    (so a test or a tool can point the check at another file, as before the split)."""

    MODEL_PATH = property(lambda self: decide.MODEL_PATH, lambda self, v: setattr(decide, "MODEL_PATH", v))
    _model = property(lambda self: decide._model, lambda self, v: setattr(decide, "_model", v))


sys.modules[__name__].__class__ = _Package
