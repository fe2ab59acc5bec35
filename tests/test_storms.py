"""No storms, and SMS a director can act on: real apprise to a real SMTP server (aiosmtpd) and an
SMS-gateway stand-in on loopback; only the clock is ours."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from monitor import notify, store
from monitor.pipeline import run_cycle

from .conftest import NOW, parts
from .test_alerting import sms  # noqa: F401 (fixture)
from .test_alerting import setup


def crisis(n: int) -> dict:
    return {"title": "", "link": f"https://social.example/@mum{n}/1",
            "description": f"@newbabynetwork I came to your group last week… I can’t keep myself safe at the moment. ({n})"}


def complaint(n: int) -> dict:
    return {"title": f"Mum {n} says New Baby Network ignored her messages", "link": f"https://paper{n}.example/story",
            "description": f"Mum {n} says New Baby Network ignored her messages for weeks and she felt let down."}


def seed_history(db_path, days=8):
    """Runs going back a few days, so the spike rules are past their warm-up."""
    db = store.open_db(db_path)
    for h in range(days * 24, 0, -6):
        store.record_run(db, {"started": (NOW - timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ"), "exit_code": 0})
    db.close()


def test_a_30_post_pile_on_sends_at_most_one_message_per_channel_and_level(httpserver, make_config, smtp, sms):
    box = [[complaint(100 + i) for i in range(5)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    seed_history(db_path)
    # Two days ago: 5 complaints needing a reply, and so a volume spike. One message for all six, not six.
    early = run_cycle(cfg, db_path, now=NOW - timedelta(hours=49))
    assert early.alerts_sent == 1 and len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"].startswith("[ALERT] New Baby Network CIC: 6 alerts - many more mentions")
    smtp.messages.clear()

    # The pile-on: 2 crisis posts and 28 complaints in one run, while the 5 replies fall due.
    box[0] = box[0] + [crisis(1), crisis(2)] + [complaint(i) for i in range(28)]
    summary = run_cycle(cfg, db_path, now=NOW)
    assert len(summary.new_mention_ids) == 30
    db = store.open_db(db_path)
    rules = Counter(r["rule"] for r in db.query("select rule from alerts where created = ?", ["2026-11-24T09:00:00Z"]))
    assert rules["mention"] == 30 and rules["reply_overdue"] == 5 and rules["volume_spike"] == 1, rules
    # Per channel, at most one message per level: email gets crisis + alert, the SMS gets crisis.
    subjects = [m["Subject"] for m in smtp.messages]
    assert len(smtp.messages) == 2 and len(sms) == 1, subjects
    assert subjects[0].startswith("[CRISIS] New Baby Network CIC: 2 alerts"), subjects  # crisis first, never held back
    assert subjects[1].startswith("[ALERT] New Baby Network CIC: 34 alerts - many more mentions"), subjects
    text = parts(smtp.messages[1])["text/plain"]
    assert text.startswith("ALERT: 34 alerts about New Baby Network CIC in this run.")  # our text, not flattened HTML
    # The spike comes first and absorbs the posts it covers; every other alert is still listed.
    assert text.index("many more mentions") < text.index("Mum 0 says")
    assert "listed here instead of separately" in text
    assert text.count("reply due") == 5
    assert summary.alerts_sent == 3
    # Every delivery of the run went out in those three messages.
    assert db.execute("select count(*) from deliveries where status != 'sent'").fetchone()[0] == 0
    assert db.execute("select count(*) from messages where error is null and time = ?",
                      ["2026-11-24T09:00:00Z"]).fetchone()[0] == 3

    # The next run, with nothing new, sends nothing.
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15))
    assert len(smtp.messages) == 2 and len(sms) == 1


def test_crisis_sms_is_gsm7_two_segments_with_the_sentence_and_no_internals(httpserver, make_config, smtp, sms):
    box = [[crisis(1)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box,
                         settings={"public_url": "https://monitor.example.org"})
    run_cycle(cfg, db_path, now=NOW)
    (received,) = sms
    text = received["message"]
    assert all(ch in notify.GSM7_BASIC or ch in notify.GSM7_EXT for ch in text), text
    assert notify.segments(text) <= 2
    assert text.startswith("CRISIS New Baby Network CIC: safeguarding."), text
    assert "keep myself safe" in text  # the sentence that raised it, not just the greeting
    assert "(alert" not in text and "monitor ack" not in text
    assert "https://monitor.example.org/a/1?e=" in text


def test_a_long_sms_is_shortened_in_the_quote_and_keeps_the_link():
    renderer = notify.Renderer(notify.Path(__file__).resolve().parents[1] / "alerts", "Europe/London")
    ctx = {"alert": {"rule": "mention", "severity": "crisis", "id": 1}, "kind": "new", "what": "safeguarding",
           "organisation": "New Baby Network CIC", "categories": [], "advice": {"action": "Ring the lead now. Then more."},
           "quote": "“Emoji 😢 and smart quotes” " + "word " * 120, "link": "https://m.example/a/1?e=1&s=" + "a" * 32,
           "replies": False, "details": {}}
    text = renderer.sms(ctx, "alert.sms.txt")
    assert notify.segments(text) == 2 and text.endswith("s=" + "a" * 32)
    assert "Ring the lead now." in text and "Then more" not in text
    assert '"Emoji and smart quotes"' in text


def test_quiet_hours_never_hold_a_reply_due_past_48_hours(httpserver, make_config, smtp, sms):
    box = [[complaint(1)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, alerting={"quiet_hours": "21:00-07:30"})
    from datetime import datetime, timezone

    seen = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
    run_cycle(cfg, db_path, now=seen)
    run_cycle(cfg, db_path, now=seen + timedelta(hours=40))  # 22:00: the reminder falls due in quiet hours
    db = store.open_db(db_path)
    (held,) = list(db.query("select d.next_attempt from deliveries d join alerts a on a.id = d.alert_id "
                            "where a.rule = 'reply_overdue'"))
    # Quiet hours would hold it to 07:30 (49.5 hours); it goes at 46 hours instead.
    assert held["next_attempt"] == "2026-11-24T04:00:00Z"
    run_cycle(cfg, db_path, now=seen + timedelta(hours=46))
    assert smtp.messages[-1]["Subject"].startswith("[REPLY DUE]")


def test_a_channel_that_gave_up_is_told_through_another_and_fails_the_heartbeat(httpserver, make_config, smtp_down, sms):
    from .conftest import rss
    from werkzeug import Response

    httpserver.expect_request("/feed").respond_with_handler(lambda _r: Response(rss(complaint(1)), content_type="application/rss+xml"))
    httpserver.expect_request("/hc").respond_with_data("ok")
    httpserver.expect_request("/hc/fail").respond_with_data("ok")
    cfg, db_path = make_config(
        sources=[{"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
        channels={"email": smtp_down.url(), "sms": {"url": sms.url, "format": "sms"}},
        routes={"alert": ["email"], "crisis": ["sms"]}, alerting={"give_up_after": "1h"},
        rules={"heartbeat_url": httpserver.url_for("/hc")},
    )
    pings = lambda: [r.path for r, _ in httpserver.log if r.path.startswith("/hc")]  # noqa: E731
    run_cycle(cfg, db_path, now=NOW)
    assert sms == [] and pings()[-1] == "/hc/fail"  # email failed: retried later, nobody told yet
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=2))  # gives up
    (notice,) = sms
    assert "gave up sending 1 alert by email" in notice["message"] and notify.segments(notice["message"]) <= 2
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=3))  # a clean run, but email is still dead
    assert pings()[-1] == "/hc/fail" and len(sms) == 1
