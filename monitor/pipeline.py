"""One monitoring cycle: collect -> analyse -> store -> rules -> notify.

``run_cycle`` is what ``monitor run`` and cron call. Sources are fetched
concurrently (a bounded pool, a per-host limit); each result is analysed and
written in the main thread, one transaction per source, together with the
alerts it raises (the outbox). Then every undelivered alert is sent. A
source that fails is recorded and skipped; it never stops the others.
"""

from __future__ import annotations

import contextlib
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from .analyse_worker import Background, Deferred, analysis as analysis_of, mark_local
from .clock import iso, parse_iso, utcnow
from .config import Config
from .lock import RunLock
from .sources import get_kind
from .fetch import FetchError
from .sources.base import Poll, SourceFailed, SourceState
from .states import PollOutcome, Skipped
from .text import fold, headline


# The store, the rules and alerting are imported when a run first needs them (``_modules``): the store
# imports sqlite-utils, a tenth of a second, and a first run sends its first requests before that.
store = rules = alerting = None


def _modules() -> None:
    global store, rules, alerting
    if store is None:
        from . import alerting as _alerting, rules as _rules, store as _store

        store, rules, alerting = _store, _rules, _alerting


@dataclass
class SourceReport:
    name: str
    outcome: PollOutcome | Skipped  # new | not_modified | unchanged | failed | gone | not_due | disabled
    entries: int = 0
    error: str | None = None
    warning: str | None = None
    new_ids: list[int] = field(default_factory=list)


@dataclass
class RunSummary:
    started: datetime
    sources: list[SourceReport] = field(default_factory=list)
    new_mention_ids: list[int] = field(default_factory=list)
    alerts_sent: int = 0
    alerts_failed: int = 0
    delivery_errors: list[str] = field(default_factory=list)
    sent_messages: list = field(default_factory=list)
    channels_down: list = field(default_factory=list)  # gave up, and nothing has gone through since
    seconds: float = 0.0

    def count(self, *outcomes: PollOutcome | Skipped) -> int:
        return sum(1 for s in self.sources if s.outcome in outcomes)

    polled = property(lambda self: self.count(*PollOutcome))
    unchanged = property(lambda self: self.count(PollOutcome.NOT_MODIFIED, PollOutcome.UNCHANGED))
    failed = property(lambda self: self.count(PollOutcome.FAILED, PollOutcome.GONE))
    entries = property(lambda self: sum(s.entries for s in self.sources))

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.alerts_failed else 0

    def row(self, finished: datetime, exit_code: int) -> dict:
        """The run as its ``runs`` row."""
        return {
            "started": iso(self.started), "finished": iso(finished), "exit_code": exit_code,
            "polled": self.polled, "unchanged": self.unchanged, "failed": self.failed,
            "not_due": self.count(*Skipped), "entries": self.entries,
            "new_mentions": len(self.new_mention_ids), "alerts_sent": self.alerts_sent,
            "alerts_failed": self.alerts_failed, "seconds": round(self.seconds, 3),
        }

    def line(self) -> str:
        not_due = self.count(*Skipped)
        return (
            f"sources polled {self.polled} / unchanged {self.unchanged} / failed {self.failed}"
            + (f" (not due {not_due})" if not_due else "")
            + f"; entries seen {self.entries}; new mentions {len(self.new_mention_ids)}; "
            f"alerts sent {self.alerts_sent}" + (f", undelivered {self.alerts_failed}" if self.alerts_failed else "")
            + f"; {self.seconds:.1f}s"
        )


# cron starts us every 15 minutes give or take a few seconds; a source due a moment from now
# is polled now rather than a whole cron period late.
DUE_SLACK = timedelta(seconds=90)

# Seconds an alert from a finished source may wait for slower sources before it is delivered
# anyway (then the run goes on reading them; whatever they add is delivered at the end).
EARLY_DELIVERY_AFTER = 10.0

# A first run of more sources makes its database before its requests, as 07742bb did: made behind a
# thousand polls' fetch threads, it was ready 2 s in, not 0.2 (bench/NOTES.md, speed6).
FETCH_FIRST_UP_TO = 400


def due(row: dict, now: datetime, force: bool) -> Skipped | None:
    """Why a source is skipped this run, or None when it should be polled."""
    if not row.get("enabled", 1):
        return Skipped.DISABLED
    hold = parse_iso(row.get("hold_until"))
    if hold and now < hold:
        return Skipped.NOT_DUE  # Retry-After is honoured even by --force
    if force:
        return None
    next_poll = parse_iso(row.get("next_poll"))
    return Skipped.NOT_DUE if next_poll and now + DUE_SLACK < next_poll else None


def run_cycle(
    config: Config,
    db_path: str | Path,
    *,
    now: datetime | None = None,
    force: bool = False,
    clock: Callable[[], datetime] = utcnow,
    log: Callable[[str], None] = lambda _msg: None,
) -> RunSummary:
    """Poll due sources, store new mentions, queue and send alerts. Raises lock.Locked.

    The first requests go out as soon as the sources to poll are known: the analyser is compiled on
    first use (``analyse_worker.Deferred``: in a cold run of many feeds, by the worker only, on the
    other core, while the feeds are fetched), the worker is forked before the fetch threads start, and
    a first run imports the store (``_modules``) and makes its database once its requests are out."""
    started_mono = time.monotonic()
    now = now or clock()
    summary = RunSummary(started=now)
    with RunLock(db_path) as lock:
        db = None
        try:
            # A first run (no database yet: every enabled source new and due, nothing ever corrected) makes
            # its database while the first requests are out; any other run reads the sources' state first.
            if _no_database_yet(db_path) and sum(sc.enabled for sc in config.sources) <= FETCH_FIRST_UP_TO:
                rows, corrections = {}, list
            else:
                db, rows = _open(db_path, config, now)
                corrections = lambda: _corrections(db)  # noqa: E731
            todo = []
            for sc in config.sources:
                row = rows.setdefault(sc.name, {})
                skip = Skipped.DISABLED if not sc.enabled else due(row, now, force)
                if skip:
                    summary.sources.append(SourceReport(sc.name, skip, error=row.get("disabled_reason")))
                    continue
                state = SourceState(**{k: row.get(k) for k in SourceState.__dataclass_fields__ if k != "now"}, now=now)
                todo.append((sc, get_kind(sc.kind)(sc), state))

            # namesakes learned from "not about us" corrections: read once, when a new text names us or
            # before the worker is forked; the analyser is compiled where it is first used
            analyser = Deferred(config, corrections)
            never_read = sum(1 for sc, _src, _state in todo if not rows[sc.name].get("last_polled"))
            from .fetch import Fetcher

            s = config.settings
            fetcher = Fetcher(
                contact=s.contact, connect_timeout=s.connect_timeout, read_timeout=s.read_timeout,
                max_bytes=s.max_bytes, per_host=s.per_host, pool_size=s.workers,
                deadline=getattr(s, "fetch_deadline", None),
            )

            # Many feeds due: analyse on the spare core. Forked after `import requests` (in the Fetcher): in a
            # process just forked that import took twice as long (pages copied on write while the worker starts).
            background = Background.start(analyser, len(todo), never_read, lock.fileno())
            waiting_analysis: dict = {}  # the worker's future -> (source, its poll)

            def deliver() -> None:
                from .notify import deliver_due

                delivered = deliver_due(db, config, now)
                summary.alerts_sent += delivered.sent
                summary.alerts_failed += delivered.failed
                summary.delivery_errors += delivered.errors
                summary.sent_messages += delivered.messages
                for error in delivered.errors:
                    log(error)

            try:
                with ThreadPoolExecutor(max_workers=s.workers, thread_name_prefix="poll") as pool:
                    # Finished futures (polls, and the worker's analyses) arrive on a queue: waiting on the
                    # whole pending set each time took every future's lock, a thousand per poll at 1,000 sources.
                    finished: queue.SimpleQueue = queue.SimpleQueue()
                    pending = set()

                    def track(future) -> None:
                        pending.add(future)
                        future.add_done_callback(finished.put)

                    futures = {}
                    for sc, src, state in todo:
                        future = pool.submit(_poll_and_send, src, fetcher, state, background)
                        futures[future] = sc
                        track(future)
                    if db is None:  # a first run: its database is made now, while the first requests are out
                        try:
                            db, rows = _open(db_path, config, now)
                        except BaseException:
                            pool.shutdown(wait=False, cancel_futures=True)  # (the polls already running end)
                            raise
                    waiting_since = None  # when the first alert not yet sent was queued
                    while pending:
                        done = _finished(finished, pending, timeout=0.25 if waiting_since else None)
                        ready = []  # (source, its analyser or the worker's answers, poll): stored below
                        for future in done:
                            if future in waiting_analysis:  # the worker analysed this poll's items (or parsed it too)
                                sc, poll = waiting_analysis.pop(future)
                                ready.append((sc, *_answered(background, future, poll, analyser)))
                            elif background is not None and (waiting := future.result().sent or (
                                    background.submit(future.result().items) if future.result().items else None)) \
                                    is not None:
                                waiting_analysis[waiting] = (futures[future], future.result())
                                track(waiting)
                            else:
                                ready.append((futures[future], analyser, future.result()))
                        # The polls that finished together are stored in one transaction (each poll's items and
                        # state still all or nothing): every statement costs the main thread a wait for the
                        # interpreter lock behind the fetch threads, BEGIN and COMMIT included.
                        with db.atomic() if len(ready) > 1 else contextlib.nullcontext():
                            reports = [(sc, _store_poll(db, config, how, sc, poll, now, rows[sc.name]))
                                       for sc, how, poll in ready]
                        for sc, report in reports:
                            summary.sources.append(report)
                            summary.new_mention_ids += report.new_ids
                            if report.error:
                                log(f"{sc.name}: {report.error}")
                            if report.warning:
                                log(f"{sc.name}: {report.warning}")
                            if report.new_ids and waiting_since is None:
                                waiting_since = time.monotonic()
                        # Sources still being read must not hold back what the others found: once an
                        # alert has waited EARLY_DELIVERY_AFTER (a normal run is over by then, so one
                        # story from many feeds is still one message), deliver what is due now.
                        if pending and waiting_since is not None \
                                and time.monotonic() - waiting_since >= EARLY_DELIVERY_AFTER:
                            deliver()
                            waiting_since = None
                            with db.atomic():  # what failed now is retried next run, as always, not twice now
                                store.retry_next_run(db, now)
            finally:
                fetcher.close()
                if background is not None:
                    background.close()

            with db.atomic():  # the full-text index takes the run's new mentions (and any a stopped run left) at once
                store.index_pending(db)
            if config.replies is not None:  # directors' replies first: an acknowledged crisis is not repeated
                from .replies import read_replies

                replies = read_replies(db, config, now)
                for line in replies.ignored + ([replies.error] if replies.error else []):
                    log(line)
            evaluate_rules(db, config, now)
            alerting.repeat_and_escalate(db, config, now)
            deliver()
            from .notify import channels_down

            summary.channels_down = channels_down(db)
            summary.seconds = time.monotonic() - started_mono
            store.record_run(db, summary.row(clock(), summary.exit_code))
        except Exception as exc:
            _modules()
            problem = store.storage_problem(exc, db_path)
            if problem is None:
                raise
            _record_failed_run(db, summary, problem, now, clock, started_mono)
            raise problem from exc
        finally:
            if db is not None:
                db.close()
    # A channel that gave up keeps the heartbeat failing until something goes through it again.
    heartbeat(config, summary.exit_code != 0 or bool(summary.channels_down), log)
    return summary


def _no_database_yet(db_path) -> bool:
    """No database file, or an empty one, and no write-ahead log that could hold one: a first run."""
    for path in (Path(db_path), Path(f"{db_path}-wal")):
        try:
            if path.stat().st_size:
                return False
        except FileNotFoundError:
            continue
        except OSError:  # (unreadable: open_db says what is wrong)
            return False
    return True


def _open(db_path, config: Config, now: datetime) -> tuple:
    """The database, opened (made and migrated if need be) with the config's sources in it, and their rows."""
    _modules()
    db = store.open_db(db_path)
    store.sync_sources(db, config.sources, now)
    return db, store.source_rows(db)


def _corrections(db) -> list[dict]:
    """The mentions marked "not about us" that the is-it-us check learns from (``identity.learned``)."""
    from .identity.learned import LEARNED_LIMIT

    return store.marked_not_about_us(db, LEARNED_LIMIT)


def heartbeat(config: Config, failed: bool, log: Callable[[str], None] = lambda _msg: None) -> None:
    """Ping rules.heartbeat_url (``/fail`` after a failed run), if there is one."""
    if config.rules.heartbeat_url:
        from .fetch import user_agent
        from .heartbeat import ping

        problem = ping(config.rules.heartbeat_url, failed, user_agent=user_agent(config.settings.contact))
        if problem:
            log(problem)


def _record_failed_run(db, summary: RunSummary, problem, now: datetime, clock, started_mono: float) -> None:
    """Leave a trace of a run the disk stopped, when the database still takes one small write."""
    if db is None:
        return
    _modules()
    try:
        db.rollback()
        summary.seconds = time.monotonic() - started_mono
        store.record_run(db, summary.row(clock(), problem.exit_code))
    except Exception:  # a full or read-only disk may refuse even this; the message still goes out
        pass


def evaluate_rules(db, config: Config, now: datetime) -> None:
    """The rules that look at the whole store rather than one new mention (each in its own transaction)."""
    _modules()
    for cand in rules.spike_candidates(db, config, now):
        with db.atomic():
            alerting.handle(db, config, cand, now)
    down, recovered = rules.source_candidates(db, config, now)
    for cand in down:
        with db.atomic():
            alert_id = alerting.handle(db, config, cand, now)
            store.set_down_alert(db, cand.details["source"], alert_id if alert_id else -1)
    for name, down_id in recovered:
        with db.atomic():
            cand = rules.recovered(db, name, down_id, now)
            if cand is not None:
                alerting.handle(db, config, cand, now)
            store.set_down_alert(db, name, None)
    for cand in rules.reply_candidates(db, config, now):
        with db.atomic():
            alerting.handle(db, config, cand, now)
            store.mark_reminded(db, cand.mention_id, now)


def headline_key(publisher: str, title: str) -> str | None:
    """Publisher + headline: how one article is recognised when its link cannot be unwrapped (Google News)."""
    if not publisher:  # (most feeds name no publisher: no need to reduce the headline)
        return None
    words = headline(title)
    if len(words.split()) < 4:
        return None
    return f"{fold(publisher).strip()}|{words}"


def _finished(finished: queue.SimpleQueue, pending: set, timeout: float | None) -> list:
    """The pending futures that have finished (waiting up to ``timeout`` for the first; None: as long as
    it takes), in the order they finished; each is taken out of ``pending``."""
    done = []
    try:
        future = finished.get(timeout=timeout)
        while True:
            if future in pending:  # (a future moved to the second worker was cancelled: it finishes too)
                pending.discard(future)
                done.append(future)
            future = finished.get_nowait()
    except queue.Empty:
        return done


def _poll(source, fetcher, state: SourceState, apart: bool = False) -> Poll:
    """Runs in a worker thread; turns every failure into a Poll so one source cannot stop the rest.
    ``apart``: up to the parse (``RssSource.poll_unparsed``: the worker may parse it, ``_poll_and_send``)."""
    return _guarded(source.poll_unparsed if apart else source.poll, fetcher, state)


def _guarded(step, *args):
    """``step(*args)``, or the failed Poll for whatever it raised (a poll, or its parse by the worker)."""
    started = time.monotonic()
    try:
        return step(*args)
    except SourceFailed as exc:
        return Poll(exc.outcome, status=exc.status, bytes=exc.bytes, error=str(exc),
                    retry_after=exc.retry_after, duration=exc.duration or time.monotonic() - started)
    except FetchError as exc:  # a transport failure is an ordinary failure, whichever kind met it
        return Poll(PollOutcome.FAILED, error=str(exc), duration=time.monotonic() - started)
    except Exception as exc:  # a bug in one kind, or a hostile feed that breaks a parser
        return Poll(PollOutcome.FAILED, error=f"unexpected {type(exc).__name__}: {str(exc)[:300]}",
                    duration=time.monotonic() - started)


def _answered(background, future, poll, analyser) -> tuple:
    """(the worker's answers as an analyser, poll) for a poll the worker took: its items analysed, or its body
    parsed and analysed too (``Background.parsed``; a parse that failed gives the failed Poll, with ``analyser``)."""
    if getattr(future, "source", None) is None:
        return background.ready(future), poll
    got = _guarded(background.parsed, future, poll)
    return got if isinstance(got, tuple) else (analyser, got)


def _poll_and_send(source, fetcher, state: SourceState, background) -> Poll:
    """``_poll``, then its items (or its body, to parse) go straight to the analysis worker if one is running
    (``poll.sent``: the worker's future, or None for the main thread to decide)."""
    poll = _poll(source, fetcher, state, background is not None and background.pool is not None
                 and getattr(source, "parses_apart", bool)())
    poll.sent = None
    if getattr(poll, "unparsed", None) is not None:  # left to the worker while it has little in hand, else here
        if (sent := background.parse(source, poll)) is not None:
            poll.sent = sent
            return poll
        poll = _guarded(source.parsed, poll)
        poll.sent = None
    mark_local(source, poll.items)  # a source of our own area (``local: true``): our work named plainly is read too
    if background is not None and poll.items:
        try:
            poll.sent = background.send(poll.items)
        except Exception:  # never the poll's failure: the main thread analyses it
            poll.sent = None
    return poll


def _store_poll(db, config: Config, analyser, sc, poll: Poll, now: datetime, row: dict) -> SourceReport:
    """Analyse a poll's items and write them, the source state and the alerts in one transaction.

    Each item that writes has its own savepoint: an item that breaks analysis, storage or alerting is
    rolled back alone, named (source and entry id) in the report's warning, and the rest go on. (Most
    items write nothing, being old, known or not about us: they take no savepoint.)
    """
    import sqlite3

    _modules()  # (imported already in a run: for callers of this function alone)
    new_ids: list[int] = []
    problems: list[str] = []
    first_poll = not row.get("last_success")
    oldest = now - timedelta(seconds=sc.backfill)
    with contextlib.nullcontext() if db.conn.in_transaction else db.atomic():  # (in the caller's, for several polls)
        keys = [story_keys(item) for item in poll.items]
        known = store.KnownStories(db, keys)  # one query per key column for the whole poll, not three per item
        for item, (canonical, title_key) in zip(poll.items, keys):
            try:
                mention_id = _store_item(db, config, analyser, item, canonical, title_key, known, now,
                                         first_poll, oldest)
            except sqlite3.OperationalError:
                raise  # the database itself is busy, full or read-only: not this entry's fault
            except Exception as exc:
                problems.append(f"entry {str(item.item_id)[:120]!r} skipped: {type(exc).__name__}: {str(exc)[:160]}")
                continue
            if mention_id is not None:
                new_ids.append(mention_id)
                known.add(mention_id, canonical, title_key)  # the same story later in this poll links to it
        if problems:
            poll.warning = "; ".join(([poll.warning] if poll.warning else []) + problems)
        store.record_poll(db, sc.name, poll, now, sc.every, len(new_ids), row)
    return SourceReport(sc.name, poll.outcome, len(poll.items), poll.error, poll.warning, new_ids)


def story_keys(item) -> tuple[str, str | None]:
    """(canonical URL, publisher+headline key): how a stored story is recognised again."""
    own = f"{'to-us' if item.to_us else 'item'}:{item.source}:{item.item_id}"  # to-us: a message to us (rules.story_key)
    return item.canonical_url or own, headline_key(item.publisher, item.title)


def _store_item(db, config: Config, analyser, item, canonical: str, title_key: str | None, known,
                now: datetime, first_poll: bool, oldest: datetime) -> int | None:
    """Store one item; the id of the new mention it made, or None (old, already known, not about us)."""
    if first_poll and item.published is not None and item.published < oldest:
        return None  # a new source's first poll takes a bounded backfill
    existing = known.find(canonical, title_key)
    if existing is not None:
        with db.atomic():  # a savepoint inside the source's transaction
            store.link_source(db, existing, item, now)
        return None
    analysis = analysis_of(analyser, item)  # writes nothing
    if analysis is None:
        return None
    with db.atomic():
        mention_id = store.insert_mention(db, item, canonical, analysis, now, title_key, index_later=True)
        cand = rules.for_mention(store.mention(db, mention_id), config)
        if cand is not None:
            alerting.handle(db, config, cand, now)
    return mention_id
