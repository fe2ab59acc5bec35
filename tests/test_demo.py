"""`monitor demo`: the first thing a new user runs must work offline and tell the story."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from monitor.demo import run_demo

from .conftest import REPO


# The demo must tell the same story on any date: today, a year ahead, a year behind.
@pytest.mark.parametrize("now", [None, datetime(2027, 11, 25, 9, 0, tzinfo=timezone.utc),
                                 datetime(2025, 11, 25, 23, 59, tzinfo=timezone.utc)],
                         ids=["clock", "year-ahead", "year-behind"])
def test_demo_finds_the_week_and_the_second_cycle_changes_nothing(tmp_path, now):
    lines: list[str] = []
    code = run_demo(base_config=REPO / "feeds.yaml", workdir=tmp_path / "demo", echo=lines.append, now=now)
    out = "\n".join(lines)
    assert code == 0, out
    cycle1, cycle2 = out.split("=== Cycle 2")
    assert "new mentions 9" in cycle1 or "new mentions 10" in cycle1
    assert "CRISIS" in cycle1 and "safeguarding lead" in cycle1  # the safeguarding concern
    assert "press" in cycle1 and "complaint" in cycle1
    assert "NewBabyNetworking" not in cycle1.split("Mentions found")[1]  # near-miss left out
    assert "new baby network of friends" not in cycle1.lower()
    assert "bing-news, google-alerts" in cycle1  # one story, two feeds
    assert cycle2.count("unchanged (304 Not Modified)") == 4
    assert "new mentions 0; alerts sent 0" in cycle2
