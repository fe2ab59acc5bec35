"""Analysis on the spare core while fetching goes on (a cold run of many feeds).

A cold run is CPU-bound in one process: the fetch threads parse feeds, the main thread stores
items, and analysing the texts that name us (the rules, the is-it-us check and the learned
model, a few milliseconds each) adds to the same interpreter lock. With many sources due and a
second core, ``Background`` forks one worker process when the first poll brings items; each
poll's items are sent to it as plain text and its analyses come back before the poll is stored.
The main process then never loads the model; the worker loads it while the other feeds are
still being fetched. A run with nothing new never starts the worker; a first run (``MIN_SOURCES``
due sources never read) forks it at once and has it load VADER, the is-it-us check and the model
before the first poll is back (``Background.warm_up``). The worker is what such a
run waits for: with ``MONITOR_ANALYSIS_WORKERS=2``, a worker with a backlog of polls forks a warm
twin of itself to share them (``analyse_twin``).

Each fetch thread sends its poll's items to the worker as soon as it has parsed them (``send``), and
only those that could name us (``could_name_us``: ``analyse``'s own first check; the others are answered
None, as ``analyse`` answers them); the worker's queue holds up to ``QUEUED`` polls, so it is never left
waiting for the main process's threads. The worker closes its copy of the run's lock and ends when the run
ends, however the run ends (``_worker_start``).

The results are the same as analysing in the main process: the worker holds a copy of the same
``Analyser`` (forked, so with the same config and the namesakes learned from corrections, read
before the fork). A worker that dies or fails costs nothing: its polls are analysed in the main
process as before. ``MONITOR_ANALYSIS_WORKER=0`` turns it off; ``=1`` turns it on for any number
of sources (tests).

A run hands ``Background`` a ``Deferred`` analyser: the ``Analyser`` compiled on first use (its
category keywords, about 0.05 s). The main process needs only its name matcher (``could_name_us``:
a few milliseconds) until it analyses a text itself, so a cold run's first request is not held up
by compiling, and the worker, forked with the ``Deferred`` before compiling anything, compiles its
own copy from the same config and the same correction rows (read before the fork) on the other core.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

# Below this many sources due, a run is short and analysing in the main process is cheaper than
# starting a process.
MIN_SOURCES = 40

# Worker processes at most (``MONITOR_ANALYSIS_WORKERS`` overrides). Analysis is what a cold run of
# many feeds waits for. Two workers from the start measured slower on a busy 2-core machine (they
# took CPU from the fetching and storing); a second one forked from the main process once every poll
# was back measured slower too (it loaded everything again, ~0.5 s). ``=2`` now has the warm worker
# fork a twin of itself once it has a backlog (``analyse_twin``: no loads); paired against one worker
# at load 2-5 the same medians, fewer slow runs (bench/NOTES.md, round speed8): off until measured idle.
WORKERS = 1

_analyser = None  # the worker's copy, set in the parent just before the fork
_done = None  # tasks the worker has finished (``_tallied``), in memory shared with the parent
_twin = False  # in the worker: it has forked its twin (once a run)
_twin_task = None  # the work id the twin is on (0: none), shared by the worker and its twin


def _tallied(fn, *args):
    """In the worker: ``fn(*args)``, then one more task done (``Background.in_hand``)."""
    try:
        return fn(*args)
    finally:
        _done.value += 1  # (the twin too: two writers may lose a count; a worker then looks busy, parses less)


def outlet(item) -> str:
    """What ``Analyser.analyse`` is told about where an item was published."""
    return f"{item.publisher} {_host(item.canonical_url)}"


def _host(canonical: str) -> str:
    """``urlsplit(canonical).hostname or ''`` for a canonical URL (``https://host[:port]/path?query``), without
    splitting the whole URL; anything else (an IPv6 literal, no URL at all) goes to urlsplit."""
    if canonical.startswith("https://") and not canonical.startswith("https://["):
        netloc = canonical[8:].partition("/")[0]
        if "@" not in netloc and "?" not in netloc and "#" not in netloc:
            return netloc.partition(":")[0].lower()
    return urlsplit(canonical).hostname or ""


def analysis(analyser, item):
    """``analyser.analyse`` of one item; the worker's answer when ``analyser`` is a ``Ready``."""
    if isinstance(analyser, Ready):
        return analyser.answer(item)
    if item.to_us:  # written to us (imap_inbox, replies under our posts); only then, so stand-ins need not know it
        return analyser.analyse(item.title, item.text, item.reach, outlet(item), to_us=True)
    if getattr(item, "local", False):  # from a source of our own area (``local: true``); stand-ins may lack it
        return analyser.analyse(item.title, item.text, item.reach, outlet(item), local=True)
    return analyser.analyse(item.title, item.text, item.reach, outlet(item))


def _warm_up() -> None:
    """In the worker: analyse one text that names us, which compiles the analyser (a ``Deferred``) and
    loads VADER, the is-it-us check and the model (each loads on the first text that needs it); its
    result is thrown away."""
    try:
        term = _analyser.config.organisation.terms[0]
        _analyser.analyse(f"{term} volunteers", f"Parents thanked {term} for the help. {term} replied.")
    except Exception:  # a text that breaks analysis breaks it again, against its own entry
        pass
    getattr(_analyser, "compiled", _analyser).last_identity = None


class Deferred:
    """The run's ``Analyser``, compiled on first use; until then only its name matcher (made as
    ``Analyser`` makes it), which is all ``Background.could_name_us`` needs.

    ``correction_rows``: reads the mentions marked "not about us" (``store.marked_not_about_us``), called
    once, in the main process (``rows``: before the worker is forked, so the worker never reads the
    database); the learned namesakes are made from those rows by whichever process compiles the
    analyser (``identity.learned_from_rows``: what ``identity.learned_from_db`` makes of the same rows)."""

    def __init__(self, config, correction_rows):
        from .matching import Matcher

        org = config.organisation
        self.config = config
        self.matcher = Matcher(org.terms, org.exclude, org.short_names)
        self._read_rows = correction_rows
        self._rows = None  # the rows, or the exception reading them raised
        self._compiled = None
        self._products = None
        self._short_hint = None

    def names_product(self, text: str, local: bool = False):
        """As ``Analyser.names_product``, without compiling the analyser: the profile's products named without our name
        (round 16; ``products.Products.alone``); ``local``: our work named plainly too (``identity.local_work``)."""
        if local:
            from .identity.local_work import local_work

            return self.names_product(text) or local_work(text)
        from .matching import short_form_hint

        org = self.config.organisation
        if self._short_hint is None:
            self._short_hint = short_form_hint(org.profile.places)
        if not org.profile.products and not self._short_hint(text):
            return None  # nothing listed, no short form of us (round 20): the check's package is not imported
        if self._products is None:
            from .identity import shortforms
            from .identity.products import for_organisation, places_regex

            self._products = (for_organisation(org), places_regex(org.profile.places)[1],
                              shortforms.reader(org.profile.products, org.profile.places))
        reader, places_rx, short = self._products
        return (reader.alone(text, places_rx) if org.profile.products else None) or short(text)  # round 20

    def rows(self):
        """The correction rows, read once (a failure is kept and raised again where they are used)."""
        if self._rows is None:
            try:
                self._rows = list(self._read_rows())
            except Exception as exc:  # e.g. a busy database: the is-it-us check decides without them
                self._rows = exc
        return self._rows

    def learned(self) -> list:
        """For the is-it-us check (``identity.Judge``, which reports a failure and goes on without them)."""
        rows = self.rows()
        if isinstance(rows, Exception):
            raise rows
        from .identity.learned import learned_from_rows

        return learned_from_rows(self.config, rows)

    @property
    def compiled(self):
        """The ``Analyser`` itself, compiled now if it was not yet."""
        if self._compiled is None:
            from .analyse import Analyser

            self._compiled = Analyser(self.config, learned=self.learned)
        return self._compiled

    def analyse(self, *args, **kwargs):
        return self.compiled.analyse(*args, **kwargs)

    def __getattr__(self, name):  # identity, last_identity, ...: the compiled analyser's
        if name.startswith("__") or name in ("_compiled", "_rows", "_read_rows", "config", "matcher", "_products"):
            raise AttributeError(name)
        return getattr(self.compiled, name)


def _could_name_us(analyser, item) -> bool:
    """False only when ``Analyser.analyse`` would answer None at its first line (no name, no look-alike)."""
    try:
        text = f"{item.title or ''}\n{item.text or ''}"
        return bool(item.to_us or analyser.matcher.could_mention(text)
                    or analyser.names_product(text, getattr(item, "local", False)))
    except Exception:  # the worker meets the same error and reports it against the entry
        return True


def mark_local(source, items):
    """``items``, each marked ``local`` when ``source`` is of our own area (its ``local: true``): our work named
    plainly ("the baby group") is read there too (``identity.local_work``)."""
    local = bool(getattr(getattr(source, "config", None), "local", False))
    for it in items:
        it.local = local
    return items


def _payload(item) -> tuple:
    return item.title, item.text, item.reach, outlet(item), item.to_us, getattr(item, "local", False)


def _parse_and_analyse(source, unparsed):
    """In the worker: a feed's body parsed into items (``RssSource.parse``, as ``RssSource.parsed`` does), and
    the analyses of those that could name us. A failure comes back as the fields of the ``SourceFailed`` the
    poll fails with (the same fields ``pipeline._poll`` gives any other exception)."""
    _maybe_twin()
    try:
        items, warning = source.parse(*unparsed)
    except Exception as exc:
        if hasattr(exc, "outcome"):  # SourceFailed
            return "failed", (exc.outcome.value, exc.status, exc.bytes, exc.retry_after, exc.duration, str(exc))
        return "failed", ("failed", None, 0, None, 0.0, f"unexpected {type(exc).__name__}: {str(exc)[:300]}")
    flags = [_could_name_us(_analyser, it) for it in mark_local(source, items)]
    return "parsed", items, warning, flags, _analyse_batch([_payload(it) for it, flag in zip(items, flags) if flag])


def _maybe_twin() -> None:
    """In the worker, before each task, with ``MONITOR_ANALYSIS_WORKERS=2``: once ``TWIN_BACKLOG`` polls or more
    wait in its queue (the first time is right after its loads: the first polls queued behind them), fork a
    warm twin to share them (``analyse_twin``; once a run)."""
    global _twin
    if _twin or _twin_task is None or workers() < 2:
        return
    _twin = True
    try:
        from .analyse_twin import fork_twin

        fork_twin(TWIN_BACKLOG, _twin_task)
    except Exception:  # no twin: the worker carries on alone
        pass


def _analyse_batch(payload):
    _maybe_twin()
    out = []
    for title, body, reach, where, to_us, local in payload:  # to_us: sent to our own mailbox (imap_inbox)
        try:
            more = {"to_us": True} if to_us else {"local": True} if local else {}
            out.append((True, _analyser.analyse(title, body, reach, where, **more)))
        except Exception as exc:  # reported against its own entry by the main process
            out.append((False, f"{type(exc).__name__}: {str(exc)[:300]}"))
    return out


# Polls queued to the worker ahead of the one it is analysing. concurrent.futures keeps one
# (``EXTRA_QUEUED_CALLS``): each next poll then waited for the pool's manager and queue feeder threads,
# which run in the main process and wait for the interpreter lock behind the fetch threads; in a cold
# run of 1,000 feeds the worker sat idle for seconds while fetching and still had over half the polls
# to analyse when the last feed was read. At most this many run after a failed run's ``close``.
QUEUED = 64


def _worker_start(parent: int, lock_fd: int | None) -> None:
    """First thing in a worker: close its copy of the run's lock (so a run killed with SIGKILL leaves the lock
    free, as the kernel promises: the worker held it, and every later run said another run was going on) and
    end when the run ends, however it ends (a killed run's worker waited for its next poll for ever)."""
    if lock_fd is not None:
        try:
            os.close(lock_fd)  # (closing, not unlocking: the lock is shared with the run, which keeps it)
        except OSError:
            pass
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="watch-run", daemon=True).start()


def _pool(queued: int, lock_fd: int | None = None):
    """A one-process pool (forked) that keeps up to ``queued`` polls in the worker's queue."""
    import concurrent.futures.process as cf_process
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    saved = getattr(cf_process, "EXTRA_QUEUED_CALLS", None)
    cf_process.EXTRA_QUEUED_CALLS = queued  # read once, by the constructor, for its call queue's size
    try:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_start, initargs=(os.getpid(), lock_fd))
    finally:
        if saved is not None:
            cf_process.EXTRA_QUEUED_CALLS = saved


# A fetch thread leaves a feed's parsing to the worker (``Background.parse``) while the worker has at most this
# many tasks in hand (parses, analyses, its warm-up): the main process fetches, parses and stores for every feed
# under one interpreter lock, and is what a cold run waits for when the worker keeps up (an idle machine, the
# rules alone). 0: only to a worker that would otherwise wait, so a worker still loading, or behind with its
# analyses (the learned parts on a busy machine), is given nothing more (2 measured 1.12x at 200 feeds, load 5:
# the first polls queued behind the warm-up). The same ``RssSource.parse`` of the same body: the same items.
PARSE_AHEAD = 0

# Polls in the worker's queue from which it forks its twin (``_maybe_twin``): the fork of a warm worker
# costs a few milliseconds, a poll of 20 farm entries 5-15 ms of analysis.
TWIN_BACKLOG = 8


def workers() -> int:
    try:
        return max(1, int(os.environ.get("MONITOR_ANALYSIS_WORKERS", "") or WORKERS))
    except ValueError:
        return WORKERS


class Ready:
    """Stands in for the analyser when a poll is stored: the worker's answers, by item."""

    def __init__(self, items, answers, fallback, unsent=()):
        """``unsent``: the poll's items not sent to the worker because they cannot name us (``could_name_us``)."""
        self._answers = {id(item): answer for item, answer in zip(items, answers)}
        self._answers.update((id(item), (True, None)) for item in unsent)  # what ``analyse`` answers for them
        self._items = (items, unsent)  # kept alive: the answers are looked up by identity
        self._fallback = fallback

    def answer(self, item):
        found = self._answers.get(id(item))
        if found is None:
            return analysis(self._fallback, item)
        ok, value = found
        if not ok:
            raise RuntimeError(value)
        return value


class Background:
    """One worker process analysing polls; ``submit(items)`` gives a future (None: analyse here),
    ``ready(future)`` the stand-in analyser for storing them. The worker is forked on the first poll
    that brings items, so a run with nothing new never starts it."""

    def __init__(self, analyser, lock_fd: int | None = None):
        self.analyser = analyser
        self.lock_fd = lock_fd  # the run's lock: each worker closes its copy
        self.pool = None
        self.failed = False
        self.sent = 0  # tasks sent to the worker (``_tallied``: it counts those it has finished in ``done``)
        self.done = None
        self._lock = threading.Lock()

    @classmethod
    def start(cls, analyser, sources_due: int, never_read: int = 0, lock_fd: int | None = None) -> "Background | None":
        """A worker to be, or None when it would not pay (few sources, one core, turned off).

        ``never_read``: how many of the sources due were never polled (a first run, new sources).
        With ``MIN_SOURCES`` of them the run is sure to bring items: the worker is forked now and loads
        VADER, the is-it-us check and the model while the first polls are fetched, instead of after
        the first poll is back (its loads were on a cold run's critical path)."""
        setting = os.environ.get("MONITOR_ANALYSIS_WORKER", "")
        if setting == "0" or (setting != "1" and (sources_due < MIN_SOURCES or (os.cpu_count() or 1) < 2)):
            return None
        background = cls(analyser, lock_fd)
        if never_read >= MIN_SOURCES:
            background.warm_up()
        return background

    def warm_up(self) -> None:
        """Fork the worker and have it load what analysing a text that names us needs."""
        pool = self._started()
        if pool is not None:
            try:
                self._tallied(pool, _warm_up)
            except Exception:  # the worker died at once: the polls are analysed here
                self.failed = True

    def _started(self):
        if self.pool is None and not self.failed:
            global _analyser, _done, _twin_task
            try:
                # read here: the worker never opens the database (a Deferred analyser is compiled in the worker)
                self.analyser.rows() if isinstance(self.analyser, Deferred) else self.analyser.identity.learned()
                _analyser = self.analyser
                import multiprocessing

                _done = self.done = multiprocessing.RawValue("q", 0)  # shared with the worker
                _twin_task = multiprocessing.RawValue("q", 0)
                self.pool = _pool(QUEUED, self.lock_fd)
            except Exception:
                self.failed = True
        return self.pool

    def submit(self, items):
        pool = self._started()
        if pool is None:
            return None
        # Only what could name us goes to the worker (a twentieth of a cold run's items): ``analyse`` answers
        # None at once for the rest, and sending them cost pickling here and unpickling and a loop there.
        flags = [self.could_name_us(it) for it in items]
        sent = [it for it, flag in zip(items, flags) if flag]
        unsent = [it for it, flag in zip(items, flags) if not flag]
        if not sent:
            from concurrent.futures import Future

            future = Future()
            future.set_result([])
        else:
            try:
                future = self._tallied(pool, _analyse_batch, [_payload(it) for it in sent])
            except Exception:  # the worker died earlier: analyse here from now on
                self.failed = True
                return None
        future.items, future.unsent = sent, unsent
        return future

    def could_name_us(self, item) -> bool:
        return _could_name_us(self.analyser, item)

    def send(self, items):
        """``submit`` from a fetch thread, as soon as its poll is parsed (the main thread, busy storing and
        behind the fetch threads for the interpreter lock, took half a second or more to pass a poll on):
        only to a worker already running (None otherwise: the main thread submits it, forking if need be)."""
        if self.pool is None or self.failed or not items:
            return None
        return self.submit(items)

    def _tallied(self, pool, fn, *args):
        """``pool.submit(fn, *args)``, counted in ``in_hand``."""
        with self._lock:  # (counted first: the worker may finish it before submit returns)
            self.sent += 1
        try:  # outside the lock: the pool's submit wakes its thread through a pipe, and the fetch threads queued
            return pool.submit(_tallied, fn, *args)  # behind whichever of them waited there for the interpreter
        except BaseException:
            with self._lock:
                self.sent -= 1
            raise

    def in_hand(self) -> int:
        """Tasks the worker has been sent and has not finished: read from the worker's own count, as the
        futures' answers reach this process late (its pool's threads wait for the interpreter lock)."""
        return self.sent - self.done.value if self.done is not None else 0

    def parse(self, source, poll):
        """From a fetch thread: leave ``poll``'s body (``RssSource.poll_unparsed``) to a running worker with at
        most ``PARSE_AHEAD`` tasks in hand, to parse and analyse (its future), or None: parse it here."""
        if self.pool is None or self.failed or self.in_hand() > PARSE_AHEAD or not source.parses_apart():
            return None
        try:
            future = self._tallied(self.pool, _parse_and_analyse, source, poll.unparsed)
        except Exception:  # the worker died: parsed and analysed here from now on
            self.failed = True
            return None
        future.source = source
        return future

    def parsed(self, future, poll) -> tuple:
        """(the stand-in analyser, ``poll`` with its items) for a poll whose body went to the worker (``parse``).
        Raises the ``SourceFailed`` the poll fails with; a worker that died: parsed and analysed here."""
        try:
            result = future.result()
        except Exception:
            poll = future.source.parsed(poll)
            mark_local(future.source, poll.items)
            return self.analyser, poll
        if result[0] == "failed":
            from .sources.base import SourceFailed

            outcome, status, size, retry_after, duration, message = result[1]
            raise SourceFailed(message, outcome=outcome, status=status, retry_after=retry_after, bytes=size,
                               duration=duration)
        _parsed, poll.items, poll.warning, flags, answers = result
        poll.unparsed = None
        sent = [it for it, flag in zip(poll.items, flags) if flag]
        return Ready(sent, answers, self.analyser, [it for it, flag in zip(poll.items, flags) if not flag]), poll

    def ready(self, future) -> Ready | object:
        """The stand-in analyser for the poll behind ``future`` (the main process's own if the worker failed)."""
        try:
            results = future.result()
        except Exception:  # the worker died: analyse here, as without it
            return self.analyser
        return Ready(future.items, results, self.analyser, getattr(future, "unsent", ()))

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)
