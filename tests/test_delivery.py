"""Exactly once, as far as it can be: a resend after a crash carries the same Message-ID, and a
crash test kills real `monitor run` processes at random moments (real SQLite, real SMTP, loopback)."""

from __future__ import annotations

from datetime import timedelta

from monitor import store
from monitor.pipeline import run_cycle

from .conftest import REPO, NOW, rss

SAFEGUARDING = {"title": "New Baby Network, I can't cope any more", "link": "https://forum.example.org/t/9",
                "description": "New Baby Network never rang back. I can't go on, I want to end it all."}


def test_a_resend_after_a_crash_carries_the_same_message_id(httpserver, make_config, smtp, monkeypatch):
    httpserver.expect_request("/f").respond_with_data(rss(SAFEGUARDING), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"email": smtp.url(), "email2": smtp.url("deputy@example.org")},
                               routes={"crisis": ["email", "email2"]})

    def crash(*_args, **_kwargs):  # killed after the server accepted the mail, before we wrote that down
        raise KeyboardInterrupt("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(store, "record_delivery", crash)
        try:
            run_cycle(cfg, db_path, now=NOW)
        except KeyboardInterrupt:
            pass
    assert len(smtp.messages) == 1
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15))
    first, again, other = smtp.messages
    assert first.get_all("Message-ID") == again.get_all("Message-ID")  # one header each, the same id
    assert len(first.get_all("Message-ID")) == 1 and first["Message-ID"].endswith("@example.org>")
    assert other["Message-ID"] != first["Message-ID"] and other["To"] == "deputy@example.org"
    # A later round (the 4-hourly repeat of an unacknowledged crisis) is a new message, not a duplicate.
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=4, minutes=30))
    repeats = smtp.messages[3:]
    assert repeats and all(m["Message-ID"] not in (first["Message-ID"], other["Message-ID"]) for m in repeats)


def test_sigkill_at_random_moments_loses_nothing_and_every_resend_is_the_same_message(tmp_path):
    """bench/crash.py at a size that takes seconds (the README's figures come from its full size)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("crash", REPO / "bench" / "crash.py")
    crash = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(crash)
    r = crash.run(feeds=2, per_round=2, rounds=2, max_delay=1.2, seed=8, folder=tmp_path)
    assert r["killed"] >= 1, r  # the kills really landed inside runs
    assert r["last_exit"] == 0 and r["integrity"] == "ok", r
    assert r["mentions"] == r["distinct_mentions"] == 12, r  # nothing lost, nothing stored twice
    assert r["deliveries"] == 12 and r["recorded_sent"] == 12 and r["lost"] == 0, r
    assert r["resent_with_other_content"] == 0 and crash.ok(r), r  # any copy is the same message, same Message-ID
