"""No behaviour depends on today's date: the spike rules and the digest, a year ahead and a year behind.

(The demo is checked the same way in test_demo.py.) Each scenario runs on its own clock, passed in;
feed items carry dates relative to it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor import digest as dg
from monitor import store
from monitor.pipeline import run_cycle

from .conftest import NOW
from .test_alerting import spike_feed

SHIFTS = pytest.mark.parametrize("shift", [-365, 0, 365], ids=["year-behind", "base", "year-ahead"])


def _dated(i: int, when) -> dict:
    return {"title": f"Story {i} about New Baby Network", "link": f"https://e{i}.example/",
            "description": "New Baby Network", "pubDate": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}


@SHIFTS
def test_volume_spike_and_digest_on_any_date(shift, httpserver, make_config, smtp):
    now = NOW + timedelta(days=shift)
    cfg, db_path, box = spike_feed(httpserver, make_config, smtp)
    run_cycle(cfg, db_path, now=now - timedelta(days=5))  # the first run starts the history
    box["items"] = [_dated(i, now - timedelta(minutes=10 + i)) for i in range(6)]
    run_cycle(cfg, db_path, now=now, force=True)
    assert [m["Subject"] for m in smtp.messages] == [
        "[ALERT] New Baby Network CIC: Many more mentions than usual (6 in an hour)"]
    # The week after, the digest of this week counts the six, whatever the year.
    db = store.open_db(db_path)
    week = dg.last_complete_week(now + timedelta(days=7), cfg.settings.timezone)
    d = dg.build(db, cfg, week, now=now + timedelta(days=7))
    _subject, _html, text = dg.render(d, cfg)
    assert d.total == 6 and "MENTIONS: 6" in text, text[:400]
