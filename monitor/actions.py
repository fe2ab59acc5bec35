"""What a director does about an alert or a mention, from any channel, with its history.

Four actions, the same whichever way they arrive (``via``: the command line, a reply
to an alert email, the triage page):

- ``ack``: someone is on it. The alert stops repeating and escalating; its mentions
  count as answered. Acknowledging again adds to the history, never erases it.
- ``resolve``: dealt with. The alert and its mentions leave every open list.
- ``not_us``: not about us. Its mentions become false positives (``mentions.false_positive``),
  leave every count, and teach ``suggest-excludes`` and the model.
- ``wrong_level``: the level should have been ``level``. Stored in
  ``mentions.corrected_severity`` as a labelled example for ``monitor train``; the alert
  counts as acknowledged (someone has looked at it).

Every action is one row in ``actions``: when, who, how (via), the note, and the level.
"""

from __future__ import annotations

from datetime import datetime

from . import store
from .levels import SEVERITIES

ACTIONS = ("ack", "resolve", "not_us", "wrong_level")
WORDS = {"ack": "acknowledged", "resolve": "resolved", "not_us": "marked not about us",
         "wrong_level": "corrected the level", "acked": "acknowledged", "resolved": "resolved",
         "false_positive": "marked not about us", "needs_reply": "marked as needing a reply",
         "no_reply": "marked as needing no reply"}


class ActionError(ValueError):
    pass


def act(db, action: str, now: datetime, *, alert_id: int | None = None, mention_id: int | None = None,
        by: str | None = None, via: str = "cli", note: str | None = None, level: str | None = None) -> dict:
    """Apply one action to an alert (and all its mentions) or to one mention; returns what it touched."""
    if action not in ACTIONS:
        raise ActionError(f"{action!r} is not an action; use one of {', '.join(ACTIONS)}")
    if action == "wrong_level" and level not in SEVERITIES:
        raise ActionError(f"say which level it should have been: {', '.join(SEVERITIES)}")
    if (alert_id is None) == (mention_id is None):
        raise ActionError("act on one alert or one mention")
    note = (note or "").strip()[:1000] or None
    by = (by or "").strip()[:200] or None
    if alert_id is not None:
        alert = store.alert(db, alert_id)
        if alert is None:
            raise KeyError(f"no alert {alert_id}")
        mention_ids = store.alert_mention_ids(db, alert_id)
    else:
        if store.mention(db, mention_id) is None:
            raise KeyError(f"no mention {mention_id}")
        alert = None
        mention_ids = [mention_id]
    with db.atomic():
        store.record_action(db, time=now, action=action, alert_id=alert_id,
                            mention_id=mention_id if mention_id is not None else (alert or {}).get("mention_id"),
                            by=by, via=via, note=note, level=level)
        store.apply_action(db, action, now, alert_id=alert_id if alert is not None else None, mention_ids=mention_ids,
                           by=by, note=note, level=level, cancelled=f"{WORDS[action]} before sending")
    return {"alert": store.alert(db, alert_id) if alert_id is not None else None, "mentions": mention_ids}


def history(db, *, mention_id: int | None = None, alert_id: int | None = None) -> list[dict]:
    """Every action on a mention (directly or through its alerts), or on an alert, oldest first."""
    return store.history(db, mention_id=mention_id, alert_id=alert_id)


def describe(row: dict) -> str:
    """``acknowledged by Sam (email): "I'll ring her"``."""
    what = WORDS.get(row["action"], row["action"])
    if row["action"] == "wrong_level" and row.get("level"):
        what = f"said the level should be {row['level']}"
    who = f" by {row['by']}" if row.get("by") else ""
    via = f" ({row['via']})" if row.get("via") else ""
    note = f": {row['note']}" if row.get("note") else ""
    return f"{what}{who}{via}{note}"
