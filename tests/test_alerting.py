"""Alert handling with real parts: SMTP (aiosmtpd), an SMS stand-in webhook (json:// to
pytest-httpserver), SQLite files; only the clock is ours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug import Response

from monitor import alerting, spikes, store
from monitor.cli import cli
from monitor.pipeline import run_cycle

from .conftest import NOW, parts, rss, write_config

CRISIS = {"title": "", "link": "https://social.example/@a/1",
          "description": "@newbabynetwork I came to your group. I can't keep myself safe at the moment."}


def complaint(n: int, headline="Parents say New Baby Network ignored their messages", paper=None) -> dict:
    return {"title": f"{headline} - {paper or f'Paper {n}'}", "link": f"https://paper{n}.example/story",
            "description": "Parents say New Baby Network ignored their messages for weeks. One mum said she felt let down."}


class Inbox(list):
    url = ""


@pytest.fixture
def sms(httpserver):
    """An SMS gateway stand-in: a webhook on loopback that records what it receives."""
    received = Inbox()

    def handler(request):
        received.append(request.get_json())
        return Response("ok")

    httpserver.expect_request("/sms").respond_with_handler(handler)
    received.url = "json://" + httpserver.url_for("/sms").split("://", 1)[1]
    return received


def setup(httpserver, make_config, smtp, sms, items, **extra):
    httpserver.expect_request("/feed").respond_with_handler(lambda _r: Response(rss(*items[0]), content_type="application/rss+xml"))
    cfg, db_path = make_config(
        sources=[{"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
        channels={"email": smtp.url(), "sms": {"url": sms.url, "format": "sms"},
                  "everyone": {"url": sms.url + "?everyone=1", "format": "sms"}},
        routes={"crisis": ["sms", "email"], "alert": ["email"], "escalation": ["everyone"]},
        **extra,
    )
    return cfg, db_path


def feed(items_box, *items):
    items_box[0] = list(items)


def test_twenty_copies_of_one_story_make_one_message_then_one_update(httpserver, make_config, smtp, sms):
    box = [[complaint(i) for i in range(20)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    first = run_cycle(cfg, db_path, now=NOW)
    assert len(first.new_mention_ids) == 20 and first.alerts_sent == 1
    (msg,) = smtp.messages
    text = parts(msg)["text/plain"]
    assert "and 15 earlier mentions of the same story" in text
    db = store.open_db(db_path)
    assert db["alerts"].count == 1 and db["alert_mentions"].count == 20

    feed(box, *[complaint(i) for i in range(22)])  # two more papers pick it up
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert second.alerts_sent == 1 and len(smtp.messages) == 2
    assert smtp.messages[1]["Subject"].startswith("UPDATE")
    assert "2 more about this story (22 in all)" in parts(smtp.messages[1])["text/plain"]

    third = run_cycle(cfg, db_path, now=NOW + timedelta(hours=2), force=True)
    assert third.alerts_sent == 0 and len(smtp.messages) == 2  # nothing new joined: no message


def test_a_firing_crisis_holds_back_lower_alerts_about_the_same_story(httpserver, make_config, smtp, sms):
    story = "Safeguarding worry at New Baby Network group"
    box = [[{"title": story + " - Gazette", "link": "https://gazette.example/1",
             "description": "A mum at New Baby Network said she can't keep myself safe... I can't keep myself safe tonight."}]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    (crisis,) = store.alerts(db)
    assert crisis["severity"] == "crisis" and len(smtp.messages) == 1 and len(sms) == 1
    # Another outlet runs the story as a plain complaint (alert level): it joins the crisis, nothing is sent.
    feed(box, *box[0], {"title": story + " - Echo", "link": "https://echo.example/2",
                        "description": "Parents say New Baby Network was rude and ignored them."})
    summary = run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15), force=True)
    assert len(summary.new_mention_ids) == 1 and summary.alerts_sent == 0
    assert db["alerts"].count == 1 and db["alert_mentions"].count == 2


def test_silence_suppresses_until_it_expires(httpserver, make_config, smtp, sms):
    box = [[complaint(1)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    db = store.open_db(db_path)
    silence_id = alerting.add_silence(db, {"source": "feed", "severity": "alert"}, 3600, "known story", NOW)
    run_cycle(cfg, db_path, now=NOW)
    (silenced,) = store.alerts(db)
    assert silenced["status"] == "silenced" and f"silence {silence_id}" in silenced["status_reason"]
    assert smtp.messages == []
    feed(box, complaint(1), complaint(2, headline="Another mum says New Baby Network was rude to her"))
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=2))  # the silence has expired by itself
    assert len(smtp.messages) == 1 and "rude" in smtp.messages[0]["Subject"]
    assert alerting.silences(db, NOW + timedelta(hours=2), active_only=True) == []


def test_quiet_hours_hold_an_alert_until_morning_but_never_a_crisis(httpserver, make_config, smtp, sms):
    box = [[complaint(1), CRISIS]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, alerting={"quiet_hours": "21:00-07:30"})
    night = datetime(2026, 11, 24, 23, 0, tzinfo=timezone.utc)  # 23:00 in London (GMT)
    summary = run_cycle(cfg, db_path, now=night)
    subjects = [m["Subject"] for m in smtp.messages]
    assert summary.alerts_sent == 2 and len(sms) == 1  # the crisis: SMS and email, straight away
    assert all("[CRISIS]" in s for s in subjects), subjects
    db = store.open_db(db_path)
    (held,) = list(db.query("select * from deliveries where status = 'pending'"))
    assert held["next_attempt"] == "2026-11-25T07:30:00Z"
    run_cycle(cfg, db_path, now=night + timedelta(hours=8))  # 07:00: still quiet
    assert len(smtp.messages) == 2
    run_cycle(cfg, db_path, now=night + timedelta(hours=8, minutes=45))
    assert len(smtp.messages) == 3 and "[ALERT]" in smtp.messages[2]["Subject"]


def test_unacknowledged_crisis_escalates_and_repeats_until_acknowledged(httpserver, make_config, smtp, sms):
    box = [[CRISIS]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    assert len(sms) == 1 and len(smtp.messages) == 1
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert len(sms) == 1  # nothing new, not yet escalated
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=2))  # escalate_after (2 h)
    assert len(sms) == 3 and any("ESCALATED" in p["message"] for p in sms[1:])
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=6, minutes=1))  # repeat_interval (4 h) since escalation
    assert len(sms) == 5 and "STILL OPEN" in sms[-1]["message"]
    db = store.open_db(db_path)
    (alert,) = store.alerts(db)
    result = CliRunner().invoke(cli, ["--config", str(cfg.path), "ack", str(alert["id"]), "--note", "Sam is on it"])
    assert result.exit_code == 0
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=12))
    assert len(sms) == 5  # acknowledged: no more repeats
    assert store.alert(db, alert["id"])["note"] == "Sam is on it"


def test_failing_channel_is_retried_with_backoff_while_the_other_goes_out(httpserver, make_config, smtp_down, sms):
    httpserver.expect_request("/feed").respond_with_data(rss(complaint(1)), content_type="application/rss+xml")
    cfg, db_path = make_config(
        sources=[{"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
        channels={"email": smtp_down.url(), "sms": {"url": sms.url, "format": "sms"}},
        routes={"alert": ["sms", "email"]}, alerting={"give_up_after": "3h"},
    )
    first = run_cycle(cfg, db_path, now=NOW)
    assert len(sms) == 1 and first.alerts_failed == 1  # SMS went; email failed
    db = store.open_db(db_path)
    attempts = lambda: db.execute("select attempts, status, next_attempt from deliveries where channel = 'email'").fetchone()  # noqa: E731
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=1))  # retried on the very next run
    assert attempts()[:2] == (2, "failed") and attempts()[2] == "2026-11-24T09:16:00Z"  # then 15 min
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=5))
    assert attempts()[0] == 2  # not due yet: not tried
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=4))
    assert attempts()[:2] == (3, "gave_up")
    # The SMS was never sent twice; the channel that gave up is reported through the one that works.
    assert len(sms) == 2 and "gave up sending 1 alert by email after trying for 3 hours" in sms[1]["message"]


def test_source_down_once_and_recovered_once(httpserver, make_config, smtp, sms):
    state = {"up": False}

    def handler(_request):
        return Response(rss(), content_type="application/rss+xml") if state["up"] else Response("no", status=500)

    httpserver.expect_request("/flaky").respond_with_handler(handler)
    cfg, db_path = make_config(sources=[{"name": "flaky", "kind": "rss", "url": httpserver.url_for("/flaky")}],
                               channels={"email": smtp.url()}, routes={"alert": ["email"]})
    for i in range(5):
        run_cycle(cfg, db_path, now=NOW + timedelta(hours=i), force=True)
    assert [m["Subject"] for m in smtp.messages] == ["[MONITOR] New Baby Network CIC: not seeing flaky"]
    assert "3 failed polls in a row" in parts(smtp.messages[0])["text/html"]
    state["up"] = True
    for i in range(5, 7):
        run_cycle(cfg, db_path, now=NOW + timedelta(hours=i), force=True)
    assert smtp.messages[-1]["Subject"] == "[MONITOR] New Baby Network CIC: flaky is working again"
    assert len(smtp.messages) == 2


def test_a_complaint_nobody_acknowledges_gets_one_reply_reminder(httpserver, make_config, smtp, sms):
    box = [[complaint(1)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=39), force=True)
    assert len(smtp.messages) == 1
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=40, minutes=1), force=True)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=44), force=True)
    assert len(smtp.messages) == 2 and smtp.messages[1]["Subject"].startswith("[REPLY DUE]")
    assert "no reply after 40 hours" in smtp.messages[1]["Subject"]


def test_an_acknowledged_complaint_gets_no_reminder(httpserver, make_config, smtp, sms):
    box = [[complaint(1)]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box)
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    alerting.ack(db, store.alerts(db)[0]["id"], NOW + timedelta(hours=3), note="replied")
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=48), force=True)
    assert len(smtp.messages) == 1


def test_heartbeat_pings_and_reports_failure(httpserver, make_config):
    httpserver.expect_request("/hc").respond_with_data("ok")
    httpserver.expect_request("/hc/fail").respond_with_data("ok")
    httpserver.expect_request("/bad").respond_with_data("no", status=500)
    cfg, db_path = make_config(sources=[{"name": "bad", "kind": "rss", "url": httpserver.url_for("/bad")}],
                               rules={"heartbeat_url": httpserver.url_for("/hc")})
    run_cycle(cfg, db_path, now=NOW)
    assert [r.path for r, _ in httpserver.log if r.path.startswith("/hc")] == ["/hc/fail"]


def test_test_alert_reports_each_channel(httpserver, tmp_path, smtp, smtp_down, sms):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": httpserver.url_for("/a")}],
                        channels={"email": smtp.url(), "sms": {"url": sms.url, "format": "sms"},
                                  "backup": smtp_down.url()},
                        routes={"crisis": ["sms", "email"], "alert": ["backup"]})
    ok = CliRunner().invoke(cli, ["--config", str(path), "test-alert", "--route", "crisis"])
    assert ok.exit_code == 0 and ok.output.count("sent") == 2
    assert smtp.messages[0]["Subject"].startswith("[TEST]") and sms[0]["message"].startswith("TEST")
    bad = CliRunner().invoke(cli, ["--config", str(path), "test-alert", "--route", "alert"])
    assert bad.exit_code == 1 and "backup       FAILED" in bad.output


def test_silence_commands(tmp_path, httpserver):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": httpserver.url_for("/a")}])
    runner = CliRunner()
    added = runner.invoke(cli, ["--config", str(path), "silence", "add", "--match", "category=political",
                                "--for", "2h", "--reason", "hustings week"])
    assert added.exit_code == 0 and "Silence 1 added" in added.output
    assert "category=political" in runner.invoke(cli, ["--config", str(path), "silence", "list"]).output
    assert runner.invoke(cli, ["--config", str(path), "silence", "expire", "1"]).exit_code == 0
    assert "No active silences" in runner.invoke(cli, ["--config", str(path), "silence", "list"]).output
    bad = runner.invoke(cli, ["--config", str(path), "silence", "add", "--match", "colour=red", "--reason", "x"])
    assert bad.exit_code == 2 and "not something a silence can match" in bad.output


# --------------------------------------------------------------------------- spikes


@settings(max_examples=200)
@given(level=st.integers(0, 2), hours=st.integers(24, 24 * 14), newest=st.integers(0, 2))
def test_a_flat_series_under_the_minimum_never_fires(level, hours, newest):
    assert not spikes.check(newest, [level] * hours, k=3, min_count=3).fired


@settings(max_examples=200)
@given(base=st.lists(st.integers(0, 3), min_size=96, max_size=24 * 14), jump=st.integers(0, 50))
def test_a_clear_peak_always_fires(base, jump):
    mean = sum(base) / len(base)
    peak = max(3, int(mean + 3 * max(3, mean) + 1) + jump)  # well above any spread a 0..3 series can have
    assert spikes.check(peak, base, k=3, min_count=3).fired


@given(level=st.integers(1, 20))
def test_a_flat_baseline_does_not_fire_on_a_small_rise(level):
    assert not spikes.check(level + 1, [level] * 24 * 7, k=3, min_count=3).fired


def spike_feed(httpserver, make_config, smtp):
    """One feed whose items the test sets in ``box["items"]``, alerts by email, volume spikes at 5 mentions."""
    cfg, db_path = make_config(sources=[{"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
                               channels={"email": smtp.url()}, routes={"alert": ["email"]},
                               rules={"volume_spike": {"min_count": 5}, "negative_spike": {"enabled": False}})
    box = {"items": []}
    httpserver.expect_request("/feed").respond_with_handler(
        lambda _r: Response(rss(*box["items"]), content_type="application/rss+xml"))
    return cfg, db_path, box


def test_volume_spike_waits_for_warm_up_then_fires_once_per_spacing(httpserver, make_config, smtp, sms):
    items = [{"title": f"Story {i} about New Baby Network", "link": f"https://e{i}.example/", "description": "New Baby Network"}
             for i in range(6)]
    cfg, db_path, box = spike_feed(httpserver, make_config, smtp)
    run_cycle(cfg, db_path, now=NOW - timedelta(days=5))  # the first run starts the history
    box["items"] = items
    run_cycle(cfg, db_path, now=NOW, force=True)
    assert [m["Subject"] for m in smtp.messages] == [
        "[ALERT] New Baby Network CIC: Many more mentions than usual (6 in an hour)"]
    assert "6 in the last hour against a usual 0.0 an hour" in parts(smtp.messages[0])["text/plain"]
    box["items"] = items + [{**it, "link": it["link"] + "b", "title": it["title"] + " again"} for it in items]
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=2), force=True)
    assert len(smtp.messages) == 1  # within the 2-day spacing: no second spike alert


def test_no_spike_alert_during_warm_up(httpserver, make_config, smtp):
    items = [{"title": f"Story {i} about New Baby Network", "link": f"https://e{i}.example/"} for i in range(6)]
    httpserver.expect_request("/feed").respond_with_data(rss(*items), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
                               channels={"email": smtp.url()}, routes={"alert": ["email"]},
                               rules={"volume_spike": {"min_count": 5}})
    run_cycle(cfg, db_path, now=NOW)
    assert smtp.messages == []


def test_a_source_silent_for_longer_than_expect_within_is_down(httpserver, make_config, smtp):
    httpserver.expect_request("/quiet").respond_with_data(rss(), content_type="application/rss+xml",
                                                          headers={"ETag": '"same"'})
    cfg, db_path = make_config(
        sources=[{"name": "quiet", "kind": "rss", "url": httpserver.url_for("/quiet"), "expect_within": "2d"}],
        channels={"email": smtp.url()}, routes={"alert": ["email"]})
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(days=1), force=True)
    assert smtp.messages == []
    run_cycle(cfg, db_path, now=NOW + timedelta(days=2, hours=1), force=True)
    (msg,) = smtp.messages
    assert msg["Subject"].endswith("not seeing quiet") and "no new items for 2 days" in parts(msg)["text/plain"]


def test_silence_add_warns_only_when_it_could_silence_a_crisis(tmp_path, httpserver):
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": httpserver.url_for("/a")}])
    run = lambda *m: CliRunner().invoke(cli, ["--config", str(path), "silence", "add", *m, "--reason", "r"]).output  # noqa: E731
    assert "can also silence a crisis" in run("--match", "source=a")
    assert "can also silence a crisis" in run("--match", "severity=cr*")
    assert "can also silence a crisis" not in run("--match", "severity=alert")
