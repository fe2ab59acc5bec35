"""Batching: the outbox's due deliveries become messages, one per channel and severity, crisis first;
a spike alert absorbs the single-post alerts it covers."""

from __future__ import annotations

from ..config import Config
from ..levels import Severity, rank
from .render import Renderer


def batches(due: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """Group due deliveries: one batch per (channel, severity), crisis batches first.

    A spike alert absorbs the single-post alerts it covers (their mentions are among its
    stories) at its own level or below; a crisis is never absorbed into a lower message.
    """
    covered: dict[str, dict[int, str]] = {}  # channel -> mention id -> spike severity
    for d in due:
        if d["rule"] in ("volume_spike", "negative_spike"):
            for story in (d["details"] or {}).get("stories", []):
                cur = covered.setdefault(d["channel"], {}).get(story.get("id"))
                if cur is None or rank(d["severity"]) > rank(cur):
                    covered[d["channel"]][story.get("id")] = d["severity"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for d in due:
        severity = d["severity"]
        spike_level = covered.get(d["channel"], {}).get(d["mention_id"]) if d["rule"] == "mention" else None
        if spike_level and severity != Severity.CRISIS and rank(spike_level) >= rank(severity):
            severity = spike_level
        groups.setdefault((d["channel"], severity), []).append(d)
    order = sorted(groups, key=lambda k: (-rank(k[1]), k[0]))
    return [(ch, sev, groups[(ch, sev)]) for ch, sev in order]


def batch_context(renderer: "Renderer", db, config: Config, batch: list[dict], message_id: int) -> dict:
    """One alert's context, or a batch context whose ``items`` are the alerts' contexts, spikes first."""
    from ..signing import message_ref

    ref = message_ref(renderer.key, message_id) if renderer.key else None
    items, seen = [], set()
    for d in batch:
        if d["alert_id"] in seen:
            continue
        seen.add(d["alert_id"])
        alert = {**d, "id": d["alert_id"], "round": d["round"], "created": d["alert_created"],
                 "delivery_created": d["created"]}
        items.append(renderer.context(db, config, alert))
    spikes = [c for c in items if c["alert"]["rule"] in ("volume_spike", "negative_spike")]
    for sp in spikes:
        ids = {s.get("id") for s in sp["details"].get("stories", [])}
        sp["absorbed"] = [c for c in items if c not in spikes and c["alert"].get("mention_id") in ids]
    absorbed = [c for sp in spikes for c in sp["absorbed"]]
    rest = sorted((c for c in items if c not in spikes and c not in absorbed),
                  key=lambda c: (-rank(c["alert"]["severity"]), c["alert"]["id"]))
    if len(items) == 1:
        items[0]["ref"] = ref
        return items[0]
    top = spikes + rest
    severity = max((c["alert"]["severity"] for c in items), key=rank)
    return {"items": top, "count": len(items), "severity": severity,
            "organisation": config.organisation.name, "ref": ref, "replies": renderer.replies,
            "link": top[0]["link"], "others": len(top) - 1}

