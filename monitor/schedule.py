"""When a source is polled next: the scheduling policy for the source state in ``sources``.

Pure functions of a poll's outcome and the source's state; ``store.sources.record_poll``
writes what they decide. Tested on their own (``tests/test_schedule.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .states import PollOutcome

MAX_BACKOFF = 12 * 3600  # a source that keeps failing is still tried twice a day
MAX_HOLD = 24 * 3600  # a service's Retry-After or rate-limit reset is honoured up to a day


def backoff(every: float, failures: int) -> float:
    """Seconds until the next poll after ``failures`` failures in a row: every, 2x, 4x ... capped at 12 h."""
    return min(every * 2 ** (max(failures, 1) - 1), MAX_BACKOFF)


def next_poll(outcome: str, every: float, failures: int, now: datetime) -> datetime:
    """After a success: ``every`` from now; after a failure (``failures`` counting it): the backoff."""
    if PollOutcome(outcome).succeeded:
        return now + timedelta(seconds=every)
    return now + timedelta(seconds=backoff(every, failures))


def hold_until(retry_after: float | None, now: datetime) -> datetime | None:
    """Until when a server asked us to wait (Retry-After, a used-up rate limit), even with --force."""
    if retry_after is None:
        return None
    return now + timedelta(seconds=min(retry_after, MAX_HOLD))
