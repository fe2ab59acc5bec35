"""The scheduling policy on its own (monitor/schedule.py), the states as enums, and the store's
one-query-per-poll dedupe (store.KnownStories) answering exactly as the per-item lookup did."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from monitor import schedule, store
from monitor.states import AlertStatus, DeliveryStatus, PollOutcome

from .conftest import NOW


def test_a_success_polls_again_after_every_and_a_failing_source_backs_off_to_twelve_hours():
    assert schedule.next_poll("new", 900, 0, NOW) == NOW + timedelta(seconds=900)
    assert schedule.next_poll("not_modified", 900, 0, NOW) == NOW + timedelta(seconds=900)
    assert [schedule.backoff(900, n) for n in (1, 2, 3, 4)] == [900, 1800, 3600, 7200]
    assert schedule.backoff(900, 30) == 12 * 3600
    assert schedule.next_poll("failed", 900, 3, NOW) == NOW + timedelta(seconds=3600)
    assert schedule.next_poll("gone", 3600, 1, NOW) == NOW + timedelta(seconds=3600)


def test_a_servers_retry_after_is_honoured_up_to_a_day():
    assert schedule.hold_until(None, NOW) is None
    assert schedule.hold_until(120, NOW) == NOW + timedelta(seconds=120)
    assert schedule.hold_until(10 * 86400, NOW) == NOW + timedelta(days=1)


def test_a_typo_in_a_state_is_an_error():
    with pytest.raises(ValueError):
        schedule.next_poll("unchnaged", 900, 0, NOW)
    with pytest.raises(ValueError):
        PollOutcome("sucess")
    assert PollOutcome("unchanged").succeeded and not PollOutcome("gone").succeeded
    assert AlertStatus.ACKED == "acked" and DeliveryStatus("gave_up").waiting is False


def _item(url: str, n: int, source: str = "f"):
    return SimpleNamespace(source=source, item_id=str(n), url=url, title=f"title {n}", text="text", author=None,
                           publisher=None, published=None, reach=None)


def _analysis():
    return SimpleNamespace(snippet="s", sentiment=0.0, targeted_sentiment=0.0, severity="info", score=0.0,
                           categories={}, matched_terms=[], reasons=[], actions=[], needs_reply=False, judgement=None)


def test_one_query_per_poll_finds_every_story_the_per_item_lookup_finds(tmp_path):
    db = store.open_db(tmp_path / "m.db")
    with db.atomic():
        a = store.insert_mention(db, _item("https://a.example/1", 1), "https://a.example/1", _analysis(), NOW)
        b = store.insert_mention(db, _item("https://b.example/2", 2), "https://b.example/2", _analysis(), NOW,
                                 title_key="paper|four words of headline")
        c = store.insert_mention(db, _item("https://c.example/3", 3), "https://c.example/3", _analysis(), NOW)
        db.execute("update mentions set canonical_url = ? where id = ?", [store.purged_key("https://c.example/3"), c])
    keys = [("https://a.example/1", None), ("https://x.example/9", "paper|four words of headline"),
            ("https://c.example/3", None), ("https://new.example/4", "other|headline nobody has seen"),
            ("https://b.example/2", "paper|four words of headline")]
    known = store.KnownStories(db, keys)
    assert [known.find(*k) for k in keys] == [store.known_mention(db, *k) for k in keys] == [a, b, c, None, b]
    known.add(99, "https://new.example/4", "other|headline nobody has seen")
    assert known.find("https://new.example/4") == 99 and known.find("https://y.example/", "other|headline nobody has seen") == 99
    db.close()


def test_the_purged_check_rides_on_the_address_query(tmp_path):
    """KnownStories asks whether any mention was purged in the same statement as the addresses (one statement
    per poll fewer): it answers as any_purged does, with or without a purged mention, and with no addresses."""
    db = store.open_db(tmp_path / "p.db")
    with db.atomic():
        a = store.insert_mention(db, _item("https://a.example/1", 1), "https://a.example/1", _analysis(), NOW)
    statements = []
    db.conn.set_trace_callback(statements.append)
    known = store.KnownStories(db, [("https://a.example/1", None), ("https://n.example/2", None)])
    assert not known.purged and known.find("https://a.example/1") == a and len(statements) == 1
    with db.atomic():
        c = store.insert_mention(db, _item("https://c.example/3", 3), "https://c.example/3", _analysis(), NOW)
        db.execute("update mentions set canonical_url = ? where id = ?", [store.purged_key("https://c.example/3"), c])
    known = store.KnownStories(db, [("https://a.example/1", None), ("https://c.example/3", None)])
    assert known.purged and [known.find("https://a.example/1"), known.find("https://c.example/3")] == [a, c]
    assert store.KnownStories(db, [("", "t|k")]).find("", "t|k") is None
    db.close()
