"""Alert rules: what deserves the directors' attention. Each returns candidates; ``alerting`` handles them.

1. ``mention``: a new mention whose severity has a route.
2. ``volume_spike``: mentions in the last hour against the trailing baseline (``spikes``).
3. ``negative_spike``: the same for negative mentions; names the dominant categories.
4. ``source_down`` / ``source_recovered``: a source failing N polls in a row, or silent
   for longer than its ``expect_within``; one alert down, one when it recovers.
5. ``reply_overdue``: a mention that needs a reply, unacknowledged after ``reply_within``.
(6. the heartbeat is not an alert: ``heartbeat.ping`` after each run.)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import spikes, store
from .clock import parse_iso
from .config import Config
from .text import headline


@dataclass
class Candidate:
    rule: str
    severity: str
    group_key: str
    title: str
    details: dict = field(default_factory=dict)
    mention_id: int | None = None
    labels: dict = field(default_factory=dict)  # what silences can match on


def story_key(mention: dict) -> str:
    """Same story = same canonical URL, or the same headline (publisher suffix and punctuation ignored)."""
    if mention["canonical_url"].startswith("to-us:"):  # a message to us is its own story, whatever its subject
        return "story:" + mention["canonical_url"]
    words = headline(mention.get("title"))
    if len(words.split()) >= 4:
        return "story:" + hashlib.sha1(words.encode()).hexdigest()[:16]
    return "story:" + mention["canonical_url"]


def mention_labels(mention: dict) -> dict:
    return {
        "severity": mention["severity"],
        "source": (mention.get("sources") or mention.get("source") or "").split(", "),
        "category": list(mention.get("categories") or {}),
        "story": mention["canonical_url"],
    }


def for_mention(mention: dict, config: Config) -> Candidate | None:
    """A new mention as a candidate; whether its level is routed is ``alerting.route``'s to say."""
    return Candidate(
        rule="mention",
        severity=mention["severity"],
        group_key=story_key(mention),
        title=mention.get("title") or mention.get("snippet") or "",
        mention_id=mention["id"],
        labels=mention_labels(mention),
    )


# --------------------------------------------------------------------------- spikes


def spike_candidates(db, config: Config, now: datetime) -> list[Candidate]:
    """Hourly counts are made in SQL (this runs every cycle); the stories are read only when a spike fires."""
    out = []
    first_run = store.first_run_started(db)
    history = (now - parse_iso(first_run)).total_seconds() if first_run else 0.0
    negative = config.thresholds.negative
    for rule_name, rule, where, args in (
        ("volume_spike", config.rules.volume_spike, "", []),
        ("negative_spike", config.rules.negative_spike, " and targeted_sentiment <= ?", [negative]),
    ):
        if not rule.enabled or history < rule.warmup:
            continue  # warm-up: no spike alerts before there is enough history
        last = store.last_alert_created(db, rule_name)
        if last and (now - parse_iso(last)).total_seconds() < rule.min_spacing:
            continue
        start = now - timedelta(seconds=rule.baseline)
        hours = int(rule.baseline // 3600)
        series = [0] * hours
        for bucket, n in store.hourly_counts(db, start, where, args):
            if 0 <= bucket < hours:
                series[bucket] += n
        newest_count = store.count_since(db, now - timedelta(hours=1), where, args)
        result = spikes.check(newest_count, series[:-1], k=rule.k, min_count=rule.min_count)
        if not result.fired:
            continue
        newest = store.newest_since(db, now - timedelta(hours=1), where, args)
        cats = Counter(c for r in newest for c in (store.json_list(r["categories"])))
        out.append(Candidate(
            rule=rule_name,
            severity=rule.severity,
            group_key=f"rule:{rule_name}",
            title=("Burst of negative mentions" if rule_name == "negative_spike" else "Many more mentions than usual"),
            details={
                "count": result.count, "mean": round(result.mean, 2), "threshold": round(result.threshold, 2),
                "summary": result.describe(),
                "categories": [c for c, _n in cats.most_common(3)],
                "stories": [{"id": r["id"], "title": r["title"] or r["snippet"], "url": r["url"]} for r in newest[:8]],
            },
            labels={"severity": rule.severity, "category": list(cats)},
        ))
    return out


# --------------------------------------------------------------------------- source health


def source_candidates(db, config: Config, now: datetime) -> tuple[list[Candidate], list[tuple[str, int]]]:
    """Down candidates, and (source, open down-alert id) pairs that have recovered."""
    down, recovered = [], []
    n = config.rules.source_down_failures
    for sc in config.sources:
        if not sc.enabled:
            continue
        row = store.source_row(db, sc.name)
        if not row:
            continue
        failing = (row.get("consecutive_failures") or 0) >= n
        silent_for = None
        if sc.expect_within and not failing:
            since = parse_iso(row.get("last_new_item") or row.get("created"))
            if since and (now - since).total_seconds() > sc.expect_within:
                silent_for = now - since
        if failing or silent_for or not row.get("enabled", 1):
            if row.get("down_alert_id") is not None:
                continue  # already down (told, or nobody to tell: -1)
            if not row.get("enabled", 1):
                why = f"disabled: {row.get('disabled_reason')}"
            elif failing:
                why = f"{row['consecutive_failures']} failed polls in a row; last error: {row.get('last_error')}"
            else:
                why = f"no new items for {silent_for.days} days {silent_for.seconds // 3600} hours"
            down.append(Candidate(
                rule="source_down", severity=config.rules.source_down_severity, group_key=f"source:{sc.name}",
                title=f"Not seeing {sc.name}", details={"source": sc.name, "why": why, "url": row.get("url")},
                labels={"severity": config.rules.source_down_severity, "source": [sc.name]},
            ))
        elif row.get("down_alert_id") is not None:
            recovered.append((sc.name, row["down_alert_id"]))
    return down, recovered


def recovered(db, name: str, down_id: int, now: datetime) -> Candidate | None:
    """A source that was down works again: its down alert is resolved, and, if "down" was told, so is "up"."""
    if down_id <= 0:
        return None  # down, but nobody was told (no route): nothing to resolve or tell
    store.resolve_alert(db, down_id, now)
    down_alert = store.alert(db, down_id)
    if down_alert is None or down_alert["status_reason"] is not None:  # silenced or inhibited: never told
        return None
    return Candidate(
        rule="source_recovered", severity=down_alert["severity"], group_key=f"source:{name}:up:{down_id}",
        title=f"{name} is working again", details={"source": name, "why": "polled successfully again"},
        labels={"severity": down_alert["severity"], "source": [name]},
    )


# --------------------------------------------------------------------------- replies


def reply_candidates(db, config: Config, now: datetime) -> list[Candidate]:
    out = []
    for m in store.replies_due(db, now - timedelta(seconds=config.rules.reply_within)):
        age = now - parse_iso(m["first_seen"])
        out.append(Candidate(
            rule="reply_overdue", severity=config.rules.reply_severity, group_key=f"reply:{m['id']}",
            title=m["title"] or m["snippet"], mention_id=m["id"],
            details={"age_hours": int(age.total_seconds() // 3600)},
            labels={**mention_labels(m), "severity": config.rules.reply_severity},
        ))
    return out
