"""Analysis on the spare core while fetching goes on (a cold run of many feeds).

A cold run is CPU-bound in one process: the fetch threads parse feeds, the main thread stores
items, and analysing the texts that name us (the rules, the is-it-us check and the learned
model, a few milliseconds each) adds to the same interpreter lock. With many sources due and a
second core, ``Background`` forks one worker process before the fetch threads start; each
poll's items are sent to it as plain text and its analyses come back before the poll is stored.
The main process then never imports numpy or loads the model; the worker loads them while the
first feeds are still being fetched.

The results are the same as analysing in the main process: the worker holds a copy of the same
``Analyser`` (forked, so with the same config and the namesakes learned from corrections, read
before the fork). A worker that dies or fails costs nothing: its polls are analysed in the main
process as before. ``MONITOR_ANALYSIS_WORKER=0`` turns it off; ``=1`` turns it on for any number
of sources (tests).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

# Below this many sources due, a run is short and analysing in the main process is cheaper than
# starting a process.
MIN_SOURCES = 40

_analyser = None  # the worker's copy, set in the parent just before the fork


def outlet(item) -> str:
    """What ``Analyser.analyse`` is told about where an item was published."""
    return f"{item.publisher} {urlsplit(item.canonical_url).hostname or ''}"


def _key(title, body, reach, where):
    return title, body, where, tuple(sorted((reach or {}).items()))


def _warm() -> bool:
    """In the worker: load VADER, the is-it-us model and the judgement model now, not on the first poll."""
    org = _analyser.config.organisation
    if org.terms:
        _analyser.analyse(f"{org.terms[0]} helped us.", f"Thank you {org.terms[0]}.")
    return True


def _analyse_batch(payload):
    out = []
    for title, body, reach, where in payload:
        try:
            out.append((True, _analyser.analyse(title, body, reach, where)))
        except Exception as exc:  # reported against its own entry by the main process
            out.append((False, f"{type(exc).__name__}: {str(exc)[:300]}"))
    return out


class Ready:
    """Stands in for the analyser when a poll is stored: the worker's answers, by text."""

    def __init__(self, answers: dict, fallback):
        self._answers = answers
        self._fallback = fallback

    def analyse(self, title, body, reach=None, outlet=""):
        answer = self._answers.get(_key(title, body, reach, outlet))
        if answer is None:
            return self._fallback.analyse(title, body, reach, outlet)
        ok, value = answer
        if not ok:
            raise RuntimeError(value)
        return value


class Background:
    """One worker process analysing polls; ``submit(items)`` gives a future, ``ready(future, items)``
    the stand-in analyser for storing them."""

    def __init__(self, analyser, pool):
        self.analyser = analyser
        self.pool = pool

    @classmethod
    def start(cls, analyser, sources_due: int) -> "Background | None":
        """A started worker, or None when it would not pay (few sources, one core, turned off)."""
        setting = os.environ.get("MONITOR_ANALYSIS_WORKER", "")
        if setting == "0" or (setting != "1" and (sources_due < MIN_SOURCES or (os.cpu_count() or 1) < 2)):
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _analyser
        try:
            analyser.identity.learned()  # read the learned namesakes here: the worker never opens the database
            _analyser = analyser
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            pool.submit(_warm)  # forks now, before any fetch thread exists
        except Exception:
            return None
        return cls(analyser, pool)

    def submit(self, items):
        payload = [(it.title, it.text, it.reach, outlet(it)) for it in items]
        future = self.pool.submit(_analyse_batch, payload)
        future.payload = payload
        return future

    def ready(self, future) -> Ready | object:
        """The stand-in analyser for the poll behind ``future`` (the main process's own if the worker failed)."""
        try:
            results = future.result()
        except Exception:  # the worker died: analyse here, as without it
            return self.analyser
        return Ready({_key(*p): r for p, r in zip(future.payload, results)}, self.analyser)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
