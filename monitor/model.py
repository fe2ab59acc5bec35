"""The learned judgement: how serious a mention is and which policy families it touches.

``predict(title, body) -> Prediction`` is the one entry point (``load()`` it once per
process; it is imported only when a run has new text). It reads every sentence on its
own and the text as a whole, so one risk sentence in a long, friendly post still counts:

* **features** of a piece of text: its sentences' word-embedding vectors (the static
  vectors shipped in the wordllama wheel, :mod:`monitor.embed`), their mean and their max over
  sentences (``dense_max`` False would read the mean alone: tried in round 13, not kept), and
  hashed word and character n-grams weighted by TF-IDF;
* **heads**: one logistic regression per question (at least watch? at least alert?
  crisis? and one per policy family) on each kind of feature, the two averaged;
* **sentence-aware**: each sentence (with its neighbour) is scored like a short post;
  a head's chance for the text is the higher of the whole text's and its best sentence's.
  That sentence is the one that *drove* the grade, and it is quoted in alerts;
* **agreement**: the alert and crisis chances are multiplied by the "at least watch" chance
  to the power ``watch_agreement`` (:func:`agree`), so a raise needs the harmless-or-not head
  to agree;
* **what a crisis is made of**: the crisis chance also reads, at ``crisis_mix``, the higher of the
  safeguarding and amplification heads' (:func:`agree`; round 15);
* **levels**: crisis when the crisis chance reaches its threshold, else alert, else watch;
  a family when its own chance reaches its own threshold. The thresholds were chosen by
  cross-validation on the training data (``monitor train``), aiming at crisis recall
  >= 0.95 and crises graded alert or worse >= 0.985;
* **nearest example**: the labelled training example the text reads most like, to show
  a director why.

The features are :mod:`monitor.model_features`. Everything here is numpy; ``monitor.train`` builds the artefact (``monitor/model/judge.npz``
and ``judge.json``), which this module loads by path.

Adding a head: append its name to ``HEADS``, give ``train.targets`` its labels, read its chance
from ``Prediction``; features, thresholds by cross-validation and the artefact format stay as they are.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import embed, languages, model_rows
# The features (how a text is cut into pieces and read) live in monitor.model_features; they are
# named here too, as the rest of the code and the tests read them from this module.
from .model_features import (  # noqa: F401
    CHAR_NGRAMS, HASH_BITS, N_HASH, NEGATION_REACH, dense_rows, gram_hashes, negated_words, piece_counts,
    pieces_of, sentence_counts, split, text_rows, tfidf, units, units_of)

# One BLAS thread: every product here is small, and a threaded BLAS burns CPU waking threads
# (3x the CPU per mention on a busy two-core machine). Takes effect when numpy is first
# imported after this module, as in a run; the caller's own setting wins.
embed.one_blas_thread()

MODEL_DIR = Path(__file__).parent / "model"
LEVELS = ("info", "watch", "alert", "crisis")
FAMILIES = ("complaint", "press", "safeguarding", "consent_privacy", "legal", "political", "discrimination",
            "fraud", "impersonation", "amplification")
# The severity heads answer "at least this level?"; the family heads "does this family apply?".
SEVERITY_HEADS = ("watch", "alert", "crisis")
HEADS = SEVERITY_HEADS + FAMILIES
# A model chance at or above this is confident: the rules' guards (negation, "not"
# phrases, near-miss words, "unless") cannot veto it.
CONFIDENT = 0.9
# "Alert or worse" is read from both heads, 0.6 the alert head's chance and 0.4 the crisis head's: a
# text both heads find some risk in is raised before one only the alert head does (round 10, by writer:
# fewer crises below alert and 3-7% fewer harmless texts raised; README "Measuring it").
ALERT_MIX = 0.4
# The crisis level reads the crisis head and, at ``crisis_mix`` (``judge.json``; 0 in older artefacts), the
# higher of the safeguarding and amplification heads: in every labelled file a crisis is a text with
# safeguarding or a spreading concern (amplification), and nothing else (2,987 of 2,988 crises; no
# safeguarding text is labelled below crisis). One regression for "crisis" must learn two unrelated things at
# once (a person at risk, a concern that is spreading); the two family heads each learn one, on the same
# features, and make different mistakes. Round 15, by writer: alerts, watch and info texts graded crisis 1,008
# -> 930, crisis precision 0.741 -> 0.756 at the same recall, no crisis more below alert (README, round 15).
# "Alert or worse" still reads the crisis head itself (ALERT_MIX); only crisis or alert (an SMS or an email) moves.


# --------------------------------------------------------------------------- prediction


@dataclass
class Example:
    """A labelled training example, shown to explain a grade."""

    id: str
    file: str
    severity: str
    families: list[str]
    text: str
    similarity: float

    def describe(self) -> str:
        fams = f", {', '.join(self.families)}" if self.families else ""
        return (f"reads most like a labelled example ({self.severity}{fams}; {self.file} {self.id}, "
                f"similarity {self.similarity:.2f}): \"{self.text}\"")


@dataclass
class Prediction:
    level: str                      # info / watch / alert / crisis, from the thresholds
    at_least: dict[str, float]      # chance of at least watch / alert / crisis
    families: dict[str, float]      # chance of each policy family
    proposed: list[str]             # families at or above their thresholds
    sentence: int                   # index (in ``split(title, body)``) of the sentence that drove the grade
    sentences: list[str]
    nearest: Example | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    family_sentences: dict[str, int] = field(default_factory=dict)  # proposed family -> its best sentence
    other_language: bool = False  # written in another language: read at ``alert_other`` (``Model.level_of``)

    @property
    def confidence(self) -> float:
        """The model's chance for the level it chose (1 - chance of watch, for info)."""
        return 1.0 - self.at_least["watch"] if self.level == "info" else self.at_least[self.level]

    @property
    def driving_sentence(self) -> str:
        return self.sentences[self.sentence] if self.sentences else ""

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "at_least": {k: round(v, 3) for k, v in self.at_least.items()},
            "family_chances": {k: round(v, 3) for k, v in self.families.items() if v >= 0.05},
            "proposed_families": self.proposed,
            "driving_sentence": self.driving_sentence,
            "nearest_example": None if self.nearest is None else {
                "id": self.nearest.id, "file": self.nearest.file, "severity": self.nearest.severity,
                "families": self.nearest.families, "text": self.nearest.text,
                "similarity": round(self.nearest.similarity, 3)},
        }


class Model:
    """The trained heads, loaded from ``judge.npz`` + ``judge.json``."""

    def __init__(self, arrays: dict, meta: dict, embedder=None):
        import numpy as np

        self._np = np
        self.meta = meta
        self.heads = list(meta["heads"])
        self.idf = arrays["idf"].astype(np.float32)
        # (N_HASH, heads), stored as one byte per weight (:func:`quantise`), or in half precision by an
        # older artefact; float32 here: a half-precision gather-and-multiply costs up to twice as much.
        if "w_sparse_q" in arrays:
            self.w_sparse = dequantise(np, arrays["w_sparse_q"], arrays["w_sparse_scale"])
        else:
            self.w_sparse = arrays["w_sparse"].astype(np.float32)
        self.b_sparse = arrays["b_sparse"].astype(np.float32)
        self.w_dense = arrays["w_dense"].astype(np.float32)        # (512 or 256, heads): mean and max, or mean
        self.b_dense = arrays["b_dense"].astype(np.float32)
        self.dense_mean = arrays["dense_mean"].astype(np.float32)
        self.dense_scale = arrays["dense_scale"].astype(np.float32)
        # The nearest-example bank and the examples' texts only explain a grade: read from ``arrays`` (where
        # ``load_from`` leaves them unread) the first time a grade needs explaining (:meth:`_explaining`).
        self._arrays, self._meta = arrays, meta
        self._bank = self._examples = self._levels = self._families = None
        self.thresholds = dict(meta["thresholds"])
        self.sentence_weight = float(meta.get("sentence_weight", 1.0))
        # The word vectors' share: one for every head, or one per head (``train_fit.Settings.dense_heads``).
        w = meta.get("dense_weight", 0.5)
        self.dense_weight = np.asarray(w, dtype=np.float32) if isinstance(w, list) else float(w)
        self.watch_agreement = float(meta.get("watch_agreement", 0.0))
        self.crisis_mix = float(meta.get("crisis_mix", 0.0))  # the note under ALERT_MIX, :func:`agree`
        self._embedder = embedder
        self._banks: dict[str, tuple] = {}  # level -> its examples (``_level_bank``)

    @property
    def bank(self):
        """(examples, 256), about unit length; explains only (``model_rows.unpack_bank``)."""
        if self._bank is None:
            arrays = {k: embed.member(v) for k, v in self._arrays.items() if k in _BANK}
            self._bank = model_rows.unpack_bank(self._np, arrays)
        return self._bank

    @bank.setter
    def bank(self, vectors):
        self._bank, self._banks = vectors, {}

    @property
    def examples(self) -> list:
        """[[id, file, severity, families, text]]: in judge.json (older artefacts, and a fold's model) or in
        judge.npz as the JSON's UTF-8 bytes, xz-compressed since round 14 (``examples_xz``: 0.29 MB against
        0.40), deflated before it (``examples``); as columns since round 36 (``model_rows.pack_examples``)."""
        if self._examples is None:
            meta, arrays = self._meta, self._arrays
            self._examples = meta["examples"] if isinstance(meta.get("examples"), list) else model_rows.unpack_examples(
                json.loads(_unxz(embed.member(arrays["examples_xz"])).decode("utf-8")) if "examples_xz" in arrays else
                json.loads(embed.member(arrays["examples"]).tobytes().decode("utf-8")) if "examples" in arrays else [])
        return self._examples

    def _explaining(self):
        """``(levels, families)`` of the examples (int8 level index, bool (examples, families)), made on first use."""
        if self._levels is None:
            np = self._np
            self._levels = np.array([LEVELS.index(ex[2]) for ex in self.examples], dtype=np.int8)
            self._families = np.zeros((len(self.examples), len(FAMILIES)), dtype=bool)
            column = {f: k for k, f in enumerate(FAMILIES)}
            for row, ex in enumerate(self.examples):
                for f in ex[3]:
                    if f in column:
                        self._families[row, column[f]] = True
        return self._levels, self._families

    @property
    def embedder(self):
        if self._embedder is None:
            from . import embed

            self._embedder = embed.load()
        return self._embedder

    # -- scoring --------------------------------------------------------------------

    def _probabilities(self, sparse_rows, dense):
        """Chance per head for each row: the weighted mean of the n-gram and the embedding regressions."""
        np = self._np
        idx = np.concatenate([r[0] for r in sparse_rows])
        val = np.concatenate([r[1] for r in sparse_rows])
        sizes = np.array([len(r[0]) for r in sparse_rows])
        return self._probabilities_of(idx, val, sizes, dense)

    def _probabilities_of(self, idx, val, sizes, dense):
        """:meth:`_probabilities` of rows given concatenated (``idx``, ``val``, rows' ``sizes``)."""
        np = self._np
        contrib = np.take(self.w_sparse, idx, axis=0)  # the rows w_sparse[idx] gives, gathered twice as fast
        contrib *= val[:, None]
        z_s = np.zeros((len(sizes), len(self.heads)), dtype=np.float32)
        nonempty = sizes > 0
        if nonempty.any():
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[nonempty]
            z_s[nonempty] = np.add.reduceat(contrib, starts, axis=0)
        z_s += self.b_sparse
        # einsum, not @: these products are small, and a threaded BLAS spends more CPU waking its
        # threads than it saves (3x the CPU per mention on a busy two-core machine).
        dense = dense[:, :len(self.w_dense)]  # a model of the mean vectors alone reads the first half of each row
        z_d = np.einsum("ij,jk->ik", (dense - self.dense_mean) * self.dense_scale, self.w_dense) + self.b_dense
        w = self.dense_weight
        return (1.0 - w) * _sigmoid(np, z_s) + w * _sigmoid(np, z_d)

    def score_texts(self, sents: list[str]):
        """``(whole, pieces, unit_list, vectors)``: chances for the whole text and for each piece."""
        return self._score(sents)[:4]

    def _score(self, sents: list[str]):
        """:meth:`score_texts`, and the pieces' dense rows (row 0: the whole text's)."""
        np = self._np
        vectors = self.embedder.embed(sents) if sents else np.zeros((0, 256), dtype=np.float32)
        pieces = pieces_of(len(sents))
        dense = dense_rows(vectors, pieces)
        probs = self._probabilities_of(*text_rows(sents, self.idf), dense)
        return probs[0], probs[1:], pieces[1:], vectors, dense

    def combine(self, whole, pieces):
        """A head's chance for the text: the higher of the whole text's and its best piece's (weighted),
        then the alert and crisis chances tempered by the "at least watch" chance (:func:`agree`)."""
        np = self._np
        if len(pieces) == 0:
            return agree(np, whole[None, :], self.watch_agreement, self.crisis_mix)[0]
        return agree(np, np.maximum(whole, self.sentence_weight * pieces.max(axis=0))[None, :],
                     self.watch_agreement, self.crisis_mix)[0]

    def level_of(self, chances: dict[str, float], other_language: bool = False) -> str:
        """``other_language``: the text is written in another language (``monitor.languages``), read at
        its own alert threshold (``alert_other``, never above ``alert``) when the model has one."""
        th = self.thresholds
        for level in ("crisis", "alert", "watch"):
            need = th.get("alert_other", th[level]) if other_language and level != "crisis" else th[level]
            if chances[level] >= min(need, th[level]):
                return level
        return "info"

    def predict(self, title: str, body: str) -> Prediction:
        parts = split(title, body)
        sents = [s for _f, s in parts]
        whole, pieces, unit_list, vectors, dense = self._score(sents)
        combined = self.combine(whole, pieces)
        chance = {h: float(combined[i]) for i, h in enumerate(self.heads)}
        at_least = {h: chance[h] for h in SEVERITY_HEADS}
        families = {h: chance[h] for h in FAMILIES}
        other = languages.reads_other_language(sents)
        level = self.level_of(at_least, other)
        proposed = sorted((f for f in FAMILIES if families[f] >= self.thresholds.get(f, self.thresholds["family"])),
                          key=lambda f: -families[f])
        # The driving sentence: the best-scoring single sentence on the head that set the level
        # (or on the strongest family, or on "at least watch" for a text graded info).
        head = level if level != "info" else (proposed[0] if proposed else "watch")
        col = self.heads.index(head)
        singles = [k for k, u in enumerate(unit_list) if len(u) == 1]
        sentence = max(singles, key=lambda k: (pieces[k, col], -k)) if singles else 0
        family_sentences = {}
        for f in proposed:  # where each proposed family's evidence is (read by the rules' guards)
            c = self.heads.index(f)
            family_sentences[f] = max(singles, key=lambda k: (pieces[k, c], -k)) if singles else 0
        nearest = None
        if level != "info" or proposed:  # only a grade the model made needs explaining
            text_vec = dense[0, :vectors.shape[1]]  # the whole text's mean vector (dense_rows of the whole text)
            nearest = self.nearest(vectors[sentence] if len(vectors) else None, text_vec, level, proposed)
        return Prediction(level=level, at_least=at_least, families=families, proposed=proposed,
                          sentence=sentence, sentences=sents, nearest=nearest, thresholds=self.thresholds,
                          family_sentences=family_sentences, other_language=other)

    def _level_bank(self, level: str):
        """``(rows, their vectors, their families)`` of the examples at ``level``, made on first use."""
        if level not in self._banks:
            levels, families = self._explaining()
            rows = self._np.flatnonzero(levels == LEVELS.index(level))
            self._banks[level] = (rows, self.bank[rows], families[rows])
        return self._banks[level]

    def nearest(self, sentence_vec, text_vec, level: str, proposed: list[str]) -> Example | None:
        """The labelled example at the same level (sharing a family, if any) closest to the text or its sentence."""
        np = self._np
        if sentence_vec is None or not len(self.examples):
            return None
        # Only the examples at the level (each row's product is the same whichever rows are taken).
        rows, bank, families = self._level_bank(level)
        if not len(rows):  # none at the level: all of them, whatever their families
            rows, bank, families, proposed = np.arange(len(self.examples)), self.bank, None, []
        sims = np.maximum(np.einsum("ij,j->i", bank, sentence_vec), np.einsum("ij,j->i", bank, text_vec))
        if proposed:
            wanted = families[:, [FAMILIES.index(f) for f in proposed]].any(axis=1)
            if wanted.any():
                sims = np.where(wanted, sims, -np.inf)
        at = int(np.argmax(sims))  # the first of equals: deterministic
        ex = self.examples[int(rows[at])]
        return Example(id=ex[0], file=ex[1], severity=ex[2], families=list(ex[3]), text=ex[4],
                       similarity=float(sims[at]))


def agree(np, p, k: float, crisis_mix: float = 0.0):
    """``p`` (rows, heads) with the alert and crisis chances multiplied by the "at least watch" chance to
    the power ``k`` (chosen by cross-validation; 0: unchanged), then the "alert or worse" chance read as
    ALERT_MIX of the crisis head's with the rest the alert head's (see ALERT_MIX), and the crisis chance as
    ``crisis_mix`` of the higher of the safeguarding and amplification heads' with the rest the crisis head's."""
    out = p.copy()
    w = p[:, HEADS.index("watch")] ** k if k else 1.0
    for h in ("alert", "crisis"):
        out[:, HEADS.index(h)] = p[:, HEADS.index(h)] * w
    a, c = HEADS.index("alert"), HEADS.index("crisis")
    out[:, a] = (1 - ALERT_MIX) * out[:, a] + ALERT_MIX * out[:, c]
    if crisis_mix:
        made_of = np.maximum(p[:, HEADS.index("safeguarding")], p[:, HEADS.index("amplification")]) * w
        out[:, c] = (1 - crisis_mix) * out[:, c] + crisis_mix * made_of
    return out


# The n-gram weights as the artefact stores them, one byte each (model_rows.quantise, dequantise).
quantise, dequantise = model_rows.quantise, model_rows.dequantise


def _unxz(array) -> bytes:
    import lzma

    return lzma.decompress(array.tobytes())


def _sigmoid(np, z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


# The example bank's members in judge.npz (``model_rows.pack_bank``; ``bank`` in older files): read only to explain.
_BANK = ("bank", "bank_t", "bank_mean", "bank_scale", "bank_trits", "bank_far_step", "bank_far_val", "bank_shape")


def load_from(directory: Path, embedder=None) -> Model:
    # The same arrays as np.load; the bank and the examples' texts left unread until a grade needs explaining.
    data = embed.read_npz(directory / "judge.npz", later=_BANK + ("examples_xz", "examples"))
    meta = json.loads((directory / "judge.json").read_text(encoding="utf-8"))
    return Model(data, meta, embedder)


@lru_cache(maxsize=1)
def load() -> Model:
    """The committed model (cached per process)."""
    return load_from(MODEL_DIR)


def predict(title: str, body: str) -> Prediction:
    return load().predict(title, body)


def plain_chance(p: float) -> str:
    return f"{math.floor(p * 100 + 0.5):d}%"
