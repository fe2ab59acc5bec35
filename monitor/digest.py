"""The weekly digest: what happened, what still needs a reply, and whether the watch is working.

``build`` computes every figure from the store for one Monday-to-Sunday week in the
digest's time zone (Europe/London); ``render`` turns it into email-safe HTML (inline
CSS, autoescaped) and plain text with ``alerts/digest.*`` templates; ``chart`` lays out
daily mentions with their negative share as bars the template draws with table cells
(no image: see ``chart``); ``write`` saves ``data/digests/WEEK.html`` and ``.txt``;
``send`` delivers it through the ``digest`` route, once per week unless forced. False positives never count. A quiet week still gets a digest: "no
mentions" shows the watch is alive.

Reply accounting uses real elapsed time (UTC), so a week with a clock change counts
48 hours as 48 hours: answered within 48 hours of first being seen is "in time",
later is "late", unanswered at the end of the week is "still open".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from . import store
from .clock import iso, parse_iso
from .config import Config, readable_name
from .levels import SEVERITIES, Severity

REPLY_AIM = timedelta(hours=48)
TOP = 5
LISTED = 100  # watch and info mentions listed in full; the rest are counted


@dataclass
class Digest:
    week: str
    start: datetime  # UTC
    end: datetime  # UTC, exclusive
    timezone: str
    organisation: str
    total: int = 0
    previous: int = 0
    by_source: list = field(default_factory=list)
    by_severity: dict = field(default_factory=dict)
    daily: list = field(default_factory=list)
    most_negative: list = field(default_factory=list)
    widest: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    replies: list = field(default_factory=list)  # this week's mentions needing a reply
    reply_counts: dict = field(default_factory=dict)
    older_waiting: int = 0  # mentions from before the week still waiting for a reply
    older_oldest: list = field(default_factory=list)  # the oldest few of those
    sources: list = field(default_factory=list)
    runs: int = 0
    failed_runs: int = 0
    longest_gap_hours: float = 0.0
    undelivered: list = field(default_factory=list)
    false_positives: int = 0
    last_purge: dict | None = None
    listed: list = field(default_factory=list)  # watch and info mentions (the safety net), the first LISTED
    listed_total: int = 0  # how many there were in all
    labels: dict = field(default_factory=dict)  # source name -> what people read

    @property
    def first_day(self) -> str:
        """The week's Monday in the digest's time zone (for ``monitor export --since``)."""
        return self.start.astimezone(ZoneInfo(self.timezone)).date().isoformat()

    @property
    def change(self) -> int:
        return self.total - self.previous

    @property
    def change_text(self) -> str:
        if self.previous == 0:
            return "none the week before" if self.total == 0 else "up from none the week before"
        pct = round(100 * self.change / self.previous)
        word = "up" if self.change > 0 else "down" if self.change < 0 else "same as"
        return f"{word} {abs(pct)}% on the week before ({self.previous})" if self.change else f"same as the week before ({self.previous})"


# --------------------------------------------------------------------------- weeks


def week_bounds(week: str, tz: str) -> tuple[datetime, datetime]:
    """``2026-W47`` -> (Monday 00:00, next Monday 00:00) in ``tz``, as UTC datetimes."""
    try:
        year, num = week.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(num), 1)
    except ValueError:
        raise ValueError(f"{week!r} is not a week like 2026-W47") from None
    zone = ZoneInfo(tz)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def last_complete_week(now: datetime, tz: str) -> str:
    local = now.astimezone(ZoneInfo(tz)).date()
    last_week = local - timedelta(days=7)
    y, w, _ = last_week.isocalendar()
    return f"{y}-W{w:02d}"


# --------------------------------------------------------------------------- figures


def build(db, config: Config, week: str, now: datetime | None = None) -> Digest:
    """Every figure for ``week``; ``now`` bounds the current week's run gaps (default: the real clock)."""
    from .clock import utcnow

    now = now or utcnow()
    tz = config.digest_timezone
    start, end = week_bounds(week, tz)
    d = Digest(week=week, start=start, end=end, timezone=tz, organisation=config.organisation.name)
    week = store.digest
    zone = ZoneInfo(tz)
    # Totals, false positives, levels and the per-day chart from one pass over the week's rows, counted per
    # hour in SQL (London is a whole number of hours from UTC).
    by_day: dict = {}
    counts: dict = {}
    for hour, severity, false_positive, n, neg in week.week_counts(db, start, end, config.thresholds.negative):
        if false_positive != 0:  # as before: 1 is a false positive, anything else counts nowhere
            d.false_positives += n if false_positive == 1 else 0
            continue
        d.total += n
        counts[severity] = counts.get(severity, 0) + n
        day = datetime.fromisoformat(hour + ":00:00+00:00").astimezone(zone).date()
        total, negs = by_day.get(day, (0, 0))
        by_day[day] = (total + n, negs + (neg or 0))
    d.previous = week.count_mentions(db, start - timedelta(days=7), start)
    d.labels = {sc.name: sc.display for sc in config.sources}
    d.by_source = [(d.labels.get(source) or readable_name(source), n) for source, n in week.by_source(db, start, end)]
    d.by_severity = {s: counts.get(s, 0) for s in reversed(SEVERITIES)}
    for i in range(7):
        day_start = (start.astimezone(zone) + timedelta(days=i)).date()
        total, neg = by_day.get(day_start, (0, 0))
        d.daily.append({"date": day_start.isoformat(), "label": day_start.strftime("%a %d"), "total": total,
                        "negative": neg})

    def read(more: str, args=()) -> list[dict]:
        out = week.week_mentions(db, start, end, more, args)
        for r in out:  # directors read policy families ("complaint"), not our keyword sets ("gripe")
            named = (r.get("judgement") or {}).get("families")  # what the analysis named, as alerts show
            r["families"] = sorted(named) if isinstance(named, list) else sorted(
                {config.escalation[c].family if c in config.escalation else c for c in (r.get("categories") or {})}
                - {"none", ""})
            r["source_names"] = ", ".join(d.labels.get(x.strip()) or readable_name(x.strip())
                                          for x in (r.get("sources") or r.get("source") or "").split(",") if x.strip())
        return out

    # The safety net, bounded to what a person can skim: watch first, then info, oldest first.
    listed_where = f"and m.severity in ('{Severity.WATCH}', '{Severity.INFO}')"
    d.listed_total = counts.get(Severity.WATCH, 0) + counts.get(Severity.INFO, 0)  # from the one pass above
    d.listed = read(f"{listed_where} order by m.severity != '{Severity.WATCH}', m.first_seen, m.id limit {LISTED}")
    d.most_negative = read(f"and m.targeted_sentiment < 0 order by m.targeted_sentiment, m.id limit {TOP}")
    d.widest = sorted([r for r in read("and m.reach is not null") if _engagement(r) > 0],
                      key=lambda r: (-_engagement(r), r["id"]))[:TOP]
    for r in d.widest:
        r["engagement"] = _engagement(r)

    for al in week.week_alerts(db, start, end):
        minutes = None
        if al["acked_at"]:
            minutes = int((parse_iso(al["acked_at"]) - parse_iso(al["created"])).total_seconds() // 60)
        d.alerts.append({**al, "minutes_to_ack": minutes})

    d.replies, d.reply_counts, d.older_waiting, d.older_oldest = _replies(db, start, end, now)
    d.sources = _source_health(db, config, start, end, d.labels)
    runs = store.runs_between(db, start, end)
    d.runs, d.failed_runs = len(runs), sum(1 for r in runs if r["exit_code"])
    # A monitor that stopped mid-week shows as a gap running to the week's end (or to now).
    marks = [start] + [parse_iso(r["started"]) for r in runs] + [max(start, min(end, now))]
    d.longest_gap_hours = round(max((y - x).total_seconds() / 3600 for x, y in zip(marks, marks[1:])), 1)
    d.undelivered = week.undelivered(db, start, end)
    d.last_purge = store.retention.last_purge(db)
    return d


def _one_line(text: str | None, n: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _engagement(r: dict) -> int:
    reach = r.get("reach") or {}
    return sum(v for k, v in reach.items() if k not in ("followers", "subscribers") and isinstance(v, int))


def _replies(db, start: datetime, end: datetime, now: datetime) -> tuple[list, dict, int, list]:
    """Replies, bounded to what a person can act on whatever the unanswered history.

    Returns (this week's mentions needing a reply, each with its state; counts of "in time",
    "late" and "still open" over everything the week covers; how many mentions from before the
    week are still waiting; the oldest ``TOP`` of those). Older mentions answered during the
    week are counted, not listed. Ages run to the end of the week, or to now while the week is
    still going.
    """
    cutoff = min(end, now)
    out, counts = [], {"in time": 0, "late": 0, "still open": 0}
    for seen, acked, resolved in store.digest.week_reply_times(db, start, end):  # all counted ...
        counts[_reply_state({"first_seen": seen, "acked_at": acked, "resolved_at": resolved}, cutoff)["state"]] += 1
    out = [_reply_state(r, cutoff) for r in store.digest.week_replies(db, start, end, LISTED)]  # ... the first few read
    # Before the week: counted in SQL, and only the oldest few read.
    for late, n in store.digest.older_answered(db, start, cutoff, int(REPLY_AIM.total_seconds())):
        counts["late" if late else "in time"] += n
    waiting, rows = store.digest.older_waiting(db, start, cutoff, TOP)
    counts["still open"] += waiting
    oldest = [_reply_state(r, cutoff) for r in rows]
    return out, counts, waiting, oldest


def _reply_state(r: dict, cutoff: datetime) -> dict:
    seen = parse_iso(r["first_seen"])
    answered = min([t for t in (parse_iso(r["acked_at"]), parse_iso(r["resolved_at"])) if t], default=None)
    if answered and answered < cutoff:
        age = answered - seen
        state = "in time" if age <= REPLY_AIM else "late"
    else:
        age, state = max(cutoff - seen, timedelta(0)), "still open"
    hours, minutes = divmod(int(age.total_seconds() // 60), 60)
    return {**r, "state": state, "age": f"{hours}h {minutes:02d}m", "overdue": age > REPLY_AIM}


def _source_health(db, config: Config, start: datetime, end: datetime, labels: dict) -> list[dict]:
    out = []
    rows, counts = store.digest.source_health(db, start, end)
    for sc in config.sources:
        row = rows.get(sc.name) or {}
        fetches, failed = counts.get(sc.name, (0, 0))
        if not sc.enabled:
            state = "disabled in feeds.yaml"
        elif not row.get("enabled", 1):
            state = f"disabled: {row.get('disabled_reason')}"
        elif row.get("consecutive_failures"):
            state = f"failing ({row['consecutive_failures']} in a row): {row.get('last_error')}"
        elif fetches == 0:
            state = "not polled this week"
        elif sc.expect_within and row.get("last_new_item") and (end - parse_iso(row["last_new_item"])).total_seconds() > sc.expect_within:
            state = "silent"
        else:
            state = "ok"
        out.append({"name": labels.get(sc.name) or sc.display, "kind": sc.kind, "state": state, "fetches": fetches, "failed": failed})
    return out


# --------------------------------------------------------------------------- output


def chart(d: Digest) -> list[dict]:
    """Daily mentions as horizontal bars for ``alerts/digest.email.html`` to draw with table cells.

    Each day: its label and counts, the bar's width as a share of the widest day (``bar``, per
    cent of the chart's width) and, within the bar, the negative part first (``negative_pct``,
    per cent of the bar). A day with mentions always gets a visible bar (at least 2%), and a
    negative share at least 1%. Drawn as coloured table cells rather than an image: every mail
    client shows them (Gmail drops inline SVG, Outlook does not draw it; many clients hide
    pictures, attached ones included, until the reader allows them), they need no plotting
    library, and the counts stay readable as text beside each bar.
    """
    top = max([x["total"] for x in d.daily] + [1])
    rows = []
    for x in d.daily:
        total, negative = x["total"], min(x["negative"], x["total"])
        bar = max(2, round(100 * total / top)) if total else 0
        neg = min(100, max(1, round(100 * negative / total))) if negative else 0
        rows.append({**x, "bar": bar, "negative_pct": neg, "other_pct": 100 - neg if total else 0})
    return rows


def render(d: Digest, config: Config) -> tuple[str, str, str]:
    """(subject, html, text)."""
    from .notify import template_environment

    env = template_environment(config.alerts_dir, d.timezone)
    env.bytecode_cache = _template_cache()
    env.filters["line"] = lambda text, n=140: _one_line(text, n)
    first_day = d.start.astimezone(ZoneInfo(d.timezone)).strftime("%a %d %b")
    last_day = (d.end.astimezone(ZoneInfo(d.timezone)) - timedelta(days=1)).strftime("%a %d %b %Y")
    # chart_src: None for a digest template of our own from before the chart was drawn in HTML (an <img>).
    ctx = {"d": d, "chart": chart(d), "chart_src": None, "period": f"{first_day} - {last_day}"}
    subject = " ".join(env.get_template("digest.subject.txt").render(ctx).split())
    return subject, env.get_template("digest.email.html").render(ctx), env.get_template("digest.txt").render(ctx)


def _template_cache():
    """Jinja's cache of compiled templates, in its private folder of the temp directory (0700, checked to be
    ours): compiling the digest's three templates took as long as reading a week of 20,000 mentions. An
    edited template is compiled afresh (the cache is keyed by its text); a cache that cannot be read or
    written is simply not used."""
    from jinja2 import FileSystemBytecodeCache

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except Exception:
                pass

    try:
        return QuietCache()
    except Exception:  # no usable temp directory
        return None


def write(db, config: Config, d: Digest, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    subject, html, text = render(d, config)
    paths = {"html": out_dir / f"{d.week}.html", "txt": out_dir / f"{d.week}.txt"}
    paths["html"].write_text(html, encoding="utf-8")
    paths["txt"].write_text(text, encoding="utf-8")
    store.digest.record_digest(db, d.week, created=iso(datetime.now(timezone.utc)), path=str(paths["html"]))
    return paths


def send(db, config: Config, d: Digest, now: datetime, force: bool = False) -> list[tuple[str, str | None]]:
    """Send through the ``digest`` route (HTML email with the chart in it, else the text); once per week unless ``force``."""
    from .notify import Message, send as send_one

    row = store.digest.digest_row(db, d.week)
    if row and row.get("sent_at") and not force:
        raise AlreadySent(row["sent_at"])
    subject, html, text = render(d, config)
    results = []
    for name in config.routes.get("digest", []):
        channel = config.channels[name]
        message = Message(subject, html, "email") if channel.format == "email" else Message(subject, text, "text")
        results.append((name, send_one(channel, message, text=text if channel.format == "email" else None)))
    if results and all(err is None for _n, err in results):
        store.digest.record_digest(db, d.week, sent_at=iso(now))
    return results


class AlreadySent(Exception):
    pass
