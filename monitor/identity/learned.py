"""Namesakes learned from one "not about us" correction: read from the database once per run,
compared with later posts by ``Judge.same_namesake``, proposed by ``suggest-excludes``."""

from __future__ import annotations

from ..text import fold
from .decide import Judge, Learned, model
from .features import _name_as_written, strong_evidence
from .words import KINDS


def learn(judge: Judge, analyser, mention_id: int, marked: str, title: str, body: str) -> Learned | None:
    """What a "not about us" mention teaches: its name as written, its kind, its sentence vectors."""
    import numpy as np

    sents = analyser.split(title or "", body or "")
    mbs = {i: analyser.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, ms in mbs.items() if ms}
    if not mentioned:  # round 29: a post naming our product but not us learns at the product's name
        from .product_learned import product_matches

        mbs = product_matches(judge, sents, analyser.names_product(" \n".join(s for _f, s in sents)))
        mentioned = set(mbs)
    if not mentioned:
        return None
    judge.embedder()
    _x, ctx, doc, kinds_ctx, after = judge.features(sents, mentioned, mbs)
    kind = list(KINDS)[int(np.argmax(kinds_ctx))]
    i = min(mentioned)
    label = sents[i][1] if len(sents[i][1]) <= 120 else sents[i][1][:119] + "…"
    return Learned(mention_id, marked, _name_as_written(sents, mentioned, mbs), kind, label, ctx, doc, after)


LEARNED_LIMIT = 500  # the most recent corrections are remembered


def learned_from_db(db, config) -> list[Learned]:
    """Every mention a director marked "not about us", as learned namesakes (newest first)."""
    from .. import store

    return learned_from_rows(config, store.marked_not_about_us(db, LEARNED_LIMIT))


def learned_from_rows(config, rows) -> list[Learned]:
    """The learned namesakes from rows of ``store.marked_not_about_us`` (a run's analysis worker reads
    the rows before it forks and learns from them here, as ``learned_from_db`` does)."""
    if not rows:
        return []
    from ..analyse import Analyser

    analyser = Analyser(config, [], model=None)
    judge = analyser.identity
    out = []
    for r in rows:
        ln = learn(judge, analyser, r["id"], r["marked"], r["title"], r["text"])
        if ln is not None:
            out.append(ln)
    return out


def would_hide(db, config, learned: list[Learned], limit: int = 2000) -> dict[int, list[dict]]:
    """For each learned namesake, the stored mentions (not marked) it would keep out today."""
    from ..analyse import Analyser

    out: dict[int, list[dict]] = {ln.mention_id: [] for ln in learned}
    if not learned:
        return out
    analyser = Analyser(config, [], model=None)
    judge = analyser.identity
    mdl = model()
    from .. import store

    rows = store.unmarked_texts(db, limit)
    for r in rows:
        sents = analyser.split(r["title"] or "", r["text"] or "")
        mbs = {i: analyser.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
        mentioned = {i for i, ms in mbs.items() if ms}
        if not mentioned or strong_evidence(config, fold(" \n".join(s for _f, s in sents)),
                                            [m for i in mentioned for m in mbs[i]]):
            continue
        _x, ctx, doc, _k, after = judge.features(sents, mentioned, mbs)
        for ln in learned:
            why = judge.same_namesake(ln, ctx, doc, after, mdl)
            if why:
                out[ln.mention_id].append({**r, "why": why})
                break
    return out


def lazy_learned(db, config):
    """A callable for ``Judge``: reads the database only when a text first needs it (once per run)."""
    def load() -> list[Learned]:
        return learned_from_db(db, config)

    return load

