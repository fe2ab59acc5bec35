"""The states things move through, as StrEnums: a typo is an error, not a silently new state.

Each is stored as its text (``'open'``, ``'sent'``), so the database and Datasette read as before.
"""

from __future__ import annotations

from enum import StrEnum


class PollOutcome(StrEnum):
    """What one poll of a source found (``fetches.outcome``)."""

    NEW = "new"  # a body with items we had not seen
    NOT_MODIFIED = "not_modified"  # the server said 304
    UNCHANGED = "unchanged"  # the same body (hash) or nothing new after the cursor
    FAILED = "failed"  # tried again, with backoff
    GONE = "gone"  # permanently: the source is disabled

    @property
    def succeeded(self) -> bool:
        return self in (PollOutcome.NEW, PollOutcome.NOT_MODIFIED, PollOutcome.UNCHANGED)


class Skipped(StrEnum):
    """Why a source was not polled this run (a run report's outcome besides a PollOutcome)."""

    NOT_DUE = "not_due"
    DISABLED = "disabled"


class AlertStatus(StrEnum):
    """An alert group's state (``alerts.status``)."""

    OPEN = "open"  # firing: repeats and escalates while a crisis
    ACKED = "acked"  # someone is on it
    RESOLVED = "resolved"
    SILENCED = "silenced"  # recorded, never sent: a silence matched
    INHIBITED = "inhibited"  # recorded, never sent: a crisis about the same story is firing


class DeliveryStatus(StrEnum):
    """One channel's delivery of one round of an alert (``deliveries.status``)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # tried again with backoff
    GAVE_UP = "gave_up"  # after alerting.give_up_after
    CANCELLED = "cancelled"  # acknowledged or resolved before it went

    @property
    def waiting(self) -> bool:
        return self in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class MessageFormat(StrEnum):
    """How a message is rendered for its channel (``Channel.format``, ``Message.format``)."""

    EMAIL = "email"  # HTML body with a plain-text part
    SMS = "sms"  # GSM-7, at most two segments
    TEXT = "text"


def sql_list(*states: StrEnum) -> str:
    """``'pending', 'failed'``: states for an SQL ``in (...)`` (they are our own constants, never input)."""
    return ", ".join(f"'{s.value}'" for s in states)
