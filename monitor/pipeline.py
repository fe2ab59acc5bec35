"""One monitoring cycle: collect -> analyse -> store -> rules -> notify.

``run_cycle`` is what ``monitor run`` and cron call. Sources are fetched
concurrently (a bounded pool, a per-host limit); each result is analysed and
written in the main thread, one transaction per source, together with the
alerts it raises (the outbox). Then every undelivered alert is sent. A
source that fails is recorded and skipped; it never stops the others.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from . import alerting, rules, store
from .clock import iso, parse_iso, utcnow
from .config import Config
from .lock import RunLock
from .sources import get_kind
from .fetch import FetchError
from .sources.base import Poll, SourceFailed, SourceState
from .text import fold, headline


@dataclass
class SourceReport:
    name: str
    outcome: str  # new | not_modified | unchanged | failed | gone | not_due | disabled
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

    def count(self, *outcomes: str) -> int:
        return sum(1 for s in self.sources if s.outcome in outcomes)

    @property
    def polled(self) -> int:
        return self.count("new", "not_modified", "unchanged", "failed", "gone")

    @property
    def unchanged(self) -> int:
        return self.count("not_modified", "unchanged")

    @property
    def failed(self) -> int:
        return self.count("failed", "gone")

    @property
    def entries(self) -> int:
        return sum(s.entries for s in self.sources)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.alerts_failed else 0

    def line(self) -> str:
        not_due = self.count("not_due", "disabled")
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


def due(row: dict, now: datetime, force: bool) -> str | None:
    """Why a source is skipped this run, or None when it should be polled."""
    if not row.get("enabled", 1):
        return "disabled"
    hold = parse_iso(row.get("hold_until"))
    if hold and now < hold:
        return "not_due"  # Retry-After is honoured even by --force
    if force:
        return None
    next_poll = parse_iso(row.get("next_poll"))
    return "not_due" if next_poll and now + DUE_SLACK < next_poll else None


def run_cycle(
    config: Config,
    db_path: str | Path,
    *,
    now: datetime | None = None,
    force: bool = False,
    clock: Callable[[], datetime] = utcnow,
    log: Callable[[str], None] = lambda _msg: None,
) -> RunSummary:
    """Poll due sources, store new mentions, queue and send alerts. Raises lock.Locked."""
    from .analyse import Analyser
    from .fetch import Fetcher
    from .notify import deliver_due

    started_mono = time.monotonic()
    now = now or clock()
    summary = RunSummary(started=now)
    with RunLock(db_path):
        db = store.open_db(db_path)
        try:
            store.sync_sources(db, config.sources, now)
            todo = []
            rows = {}
            for sc in config.sources:
                row = rows[sc.name] = store.source_row(db, sc.name)
                skip = "disabled" if not sc.enabled else due(row, now, force)
                if skip:
                    summary.sources.append(SourceReport(sc.name, skip, error=row.get("disabled_reason")))
                    continue
                state = SourceState(**{k: row.get(k) for k in SourceState.__dataclass_fields__ if k != "now"}, now=now)
                todo.append((sc, get_kind(sc.kind)(sc), state))

            s = config.settings
            fetcher = Fetcher(
                contact=s.contact, connect_timeout=s.connect_timeout, read_timeout=s.read_timeout,
                max_bytes=s.max_bytes, per_host=s.per_host, pool_size=s.workers,
            )
            try:
                with ThreadPoolExecutor(max_workers=s.workers, thread_name_prefix="poll") as pool:
                    futures = {pool.submit(_poll, src, fetcher, state): sc for sc, src, state in todo}
                    analyser = Analyser(config)  # compiled while the first answers are on their way
                    for future in as_completed(futures):
                        sc = futures[future]
                        report = _store_poll(db, config, analyser, sc, future.result(), now, rows[sc.name])
                        summary.sources.append(report)
                        summary.new_mention_ids += report.new_ids
                        if report.error:
                            log(f"{sc.name}: {report.error}")
            finally:
                fetcher.close()

            if config.replies is not None:  # directors' replies first: an acknowledged crisis is not repeated
                from .replies import read_replies

                replies = read_replies(db, config, now)
                for line in replies.ignored + ([replies.error] if replies.error else []):
                    log(line)
            evaluate_rules(db, config, now)
            alerting.repeat_and_escalate(db, config, now)
            delivered = deliver_due(db, config, now)
            summary.alerts_sent = delivered.sent
            summary.alerts_failed = delivered.failed
            summary.delivery_errors = delivered.errors
            summary.sent_messages = delivered.messages
            for error in delivered.errors:
                log(error)
            from .notify import channels_down

            summary.channels_down = channels_down(db)
            summary.seconds = time.monotonic() - started_mono
            store.record_run(db, {
                "started": iso(now), "finished": iso(clock()), "exit_code": summary.exit_code,
                "polled": summary.polled, "unchanged": summary.unchanged, "failed": summary.failed,
                "not_due": summary.count("not_due", "disabled"), "entries": summary.entries,
                "new_mentions": len(summary.new_mention_ids), "alerts_sent": summary.alerts_sent,
                "alerts_failed": summary.alerts_failed, "seconds": round(summary.seconds, 3),
            })
        finally:
            db.close()
    if config.rules.heartbeat_url:
        from .fetch import user_agent
        from .heartbeat import ping

        # A channel that gave up keeps the heartbeat failing until something goes through it again.
        failed = summary.exit_code != 0 or bool(summary.channels_down)
        problem = ping(config.rules.heartbeat_url, failed, user_agent=user_agent(config.settings.contact))
        if problem:
            log(problem)
    return summary


def evaluate_rules(db, config: Config, now: datetime) -> None:
    """The rules that look at the whole store rather than one new mention (each in its own transaction)."""
    for cand in rules.spike_candidates(db, config, now):
        with db.atomic():
            alerting.handle(db, config, cand, now)
    down, recovered = rules.source_candidates(db, config, now)
    for cand in down:
        with db.atomic():
            alert_id = alerting.handle(db, config, cand, now)
            db["sources"].update(cand.details["source"], {"down_alert_id": alert_id if alert_id else -1})
    for name, down_id in recovered:
        with db.atomic():
            if down_id > 0:
                db["alerts"].update(down_id, {"status": "resolved", "resolved_at": iso(now)})
            down_alert = store.alert(db, down_id) if down_id > 0 else None
            if down_alert is not None and down_alert["status_reason"] is None:  # tell only if "down" was told
                cand = rules.Candidate(
                    rule="source_recovered", severity=down_alert["severity"], group_key=f"source:{name}:up:{down_id}",
                    title=f"{name} is working again", details={"source": name, "why": "polled successfully again"},
                    labels={"severity": down_alert["severity"], "source": [name]},
                )
                alerting.handle(db, config, cand, now)
            db["sources"].update(name, {"down_alert_id": None})
    for cand in rules.reply_candidates(db, config, now):
        with db.atomic():
            alerting.handle(db, config, cand, now)
            db.execute("update mentions set reply_reminded_at = ? where id = ?", [iso(now), cand.mention_id])


def headline_key(publisher: str, title: str) -> str | None:
    """Publisher + headline: how one article is recognised when its link cannot be unwrapped (Google News)."""
    words = headline(title)
    if not publisher or len(words.split()) < 4:
        return None
    return f"{fold(publisher).strip()}|{words}"


def _poll(source, fetcher, state: SourceState) -> Poll:
    """Runs in a worker thread; turns every failure into a Poll so one source cannot stop the rest."""
    started = time.monotonic()
    try:
        return source.poll(fetcher, state)
    except SourceFailed as exc:
        return Poll(exc.outcome, status=exc.status, bytes=exc.bytes, error=str(exc),
                    retry_after=exc.retry_after, duration=exc.duration or time.monotonic() - started)
    except FetchError as exc:  # a transport failure is an ordinary failure, whichever kind met it
        return Poll("failed", error=str(exc), duration=time.monotonic() - started)
    except Exception as exc:  # a bug in one kind, or a hostile feed that breaks a parser
        return Poll("failed", error=f"unexpected {type(exc).__name__}: {str(exc)[:300]}",
                    duration=time.monotonic() - started)


def _store_poll(db, config: Config, analyser, sc, poll: Poll, now: datetime, row: dict) -> SourceReport:
    """Analyse a poll's items and write them, the source state and the alerts in one transaction."""
    new_ids: list[int] = []
    first_poll = not row.get("last_success")
    oldest = now - timedelta(seconds=sc.backfill)
    with db.atomic():
        for item in poll.items:
            if first_poll and item.published is not None and item.published < oldest:
                continue  # a new source's first poll takes a bounded backfill
            canonical = item.canonical_url or f"item:{item.source}:{item.item_id}"
            title_key = headline_key(item.publisher, item.title)
            existing = store.known_mention(db, canonical, title_key)
            if existing is not None:
                store.link_source(db, existing, item, now)
                continue
            outlet = f"{item.publisher} {urlsplit(item.canonical_url).hostname or ''}"
            analysis = analyser.analyse(item.title, item.text, item.reach, outlet)
            if analysis is None:
                continue
            mention_id = store.insert_mention(db, item, canonical, analysis, now, title_key)
            new_ids.append(mention_id)
            cand = rules.for_mention(store.mention(db, mention_id), config)
            if cand is not None:
                alerting.handle(db, config, cand, now)
        store.record_poll(db, sc.name, poll, now, sc.every, len(new_ids), row)
    return SourceReport(sc.name, poll.outcome, len(poll.items), poll.error, poll.warning, new_ids)
