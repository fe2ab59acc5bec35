"""The weekly digest and triage, on a database seeded with a known week (real SQLite, real SMTP)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from monitor import digest as dg
from monitor import store, triage
from monitor.cli import cli

from .conftest import write_config
from .test_web import browser  # noqa: F401 (fixture: headless chromium)

W47_START = datetime(2026, 11, 16, tzinfo=timezone.utc)  # Monday; London is on GMT, so local = UTC
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def add(db, when, *, severity="info", targeted=0.2, source="google-news", title="New Baby Network story",
        url=None, reach=None, needs_reply=0, acked=None, fp=0, categories=None, extra_sources=()):
    n = db["mentions"].count + 1
    url = url or f"https://news.example/{n}"
    mid = db["mentions"].insert({
        "canonical_url": url, "url": url, "title": title, "text": f"Text about New Baby Network {n}",
        "snippet": f"snippet {n}", "author": "someone", "source": source, "published": None,
        "first_seen": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "last_seen": None, "sentiment": targeted,
        "targeted_sentiment": targeted, "severity": severity, "score": 0, "categories": json.dumps(categories or {}),
        "matched_terms": "[]", "reasons": json.dumps(["seeded"]), "actions": "[]", "needs_reply": needs_reply,
        "acked_at": acked.strftime("%Y-%m-%dT%H:%M:%SZ") if acked else None, "false_positive": fp,
        "reach": json.dumps(reach) if reach else None,
    }).last_pk
    for s in (source, *extra_sources):
        db["mention_sources"].insert({"mention_id": mid, "source": s, "item_id": str(mid), "url": url,
                                      "first_seen": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return mid


@pytest.fixture
def setup(tmp_path):
    path = write_config(tmp_path, sources=[
        {"name": "google-news", "kind": "google_news", "query": "x"},
        {"name": "mastodon", "kind": "mastodon_tag", "instance": "https://m.example", "tag": "x",
         "label": "Mastodon (parenting tag)"},
        {"name": "dead", "kind": "hn", "query": "x"},
    ])
    from monitor import config as config_mod

    cfg = config_mod.load(path, environ={})
    db = store.open_db(tmp_path / "monitor.db")
    return cfg, db, path


def seed_week(db):
    """A known week 2026-W47, with the independently computed figures the digest must show."""
    rng = random.Random(47)
    expected = {"total": 0, "severity": {"crisis": 0, "alert": 0, "watch": 0, "info": 0},
                "daily": [0] * 7, "negative": [0] * 7, "sources": {}, "targeted": []}
    for i in range(30):
        day = rng.randrange(7)
        when = W47_START + timedelta(days=day, hours=rng.randrange(24), minutes=rng.randrange(60))
        severity = rng.choice(["info", "info", "info", "watch", "alert", "crisis"])
        targeted = rng.choice([0.6, 0.1, -0.2, -0.6, -0.9])
        source = rng.choice(["google-news", "mastodon"])
        extra = ("bing",) if i % 7 == 0 else ()
        add(db, when, severity=severity, targeted=targeted, source=source, extra_sources=extra,
            reach={"reblogs": i * 10, "followers": 5000} if source == "mastodon" else None)
        expected["total"] += 1
        expected["severity"][severity] += 1
        expected["daily"][day] += 1
        expected["negative"][day] += targeted <= -0.5  # thresholds.negative in the shipped config
        expected["targeted"].append(targeted)
        for s in (source, *extra):
            expected["sources"][s] = expected["sources"].get(s, 0) + 1
    add(db, W47_START + timedelta(days=2), severity="alert", fp=1, title="Not us at all")  # never counted
    for k in range(4):
        add(db, W47_START - timedelta(days=3, hours=k))  # the week before
    add(db, W47_START + timedelta(days=7, minutes=1))  # the week after
    return expected


def test_every_figure_matches_counts_computed_independently(setup):
    cfg, db, _ = setup
    expected = seed_week(db)
    d = dg.build(db, cfg, "2026-W47")
    assert d.total == expected["total"] == 30 and d.previous == 4 and d.false_positives == 1
    assert d.by_severity == expected["severity"]
    # Sources by the names people read: `label`, else a readable form of the name.
    shown = {"mastodon": "Mastodon (parenting tag)", "google-news": "Google News", "bing": "Bing"}
    assert dict(d.by_source) == {shown[k]: v for k, v in expected["sources"].items()}
    assert [x["total"] for x in d.daily] == expected["daily"] and [x["label"] for x in d.daily][0] == "Mon 16"
    assert [x["negative"] for x in d.daily] == expected["negative"]
    assert [m["targeted_sentiment"] for m in d.most_negative] == sorted(t for t in expected["targeted"] if t < 0)[:5]
    assert all(d.widest[i]["engagement"] >= d.widest[i + 1]["engagement"] for i in range(len(d.widest) - 1))
    assert "up 650% on the week before (4)" == d.change_text
    subject, html, text = dg.render(d, cfg)
    assert subject == f"New Baby Network CIC weekly digest 2026-W47: 30 mentions, {expected['severity']['crisis']} crisis"
    assert ">30</b> mentions" in html and "Not us at all" not in html and "Not us at all" not in text


def test_a_quiet_week_still_gets_a_digest(setup, tmp_path):
    cfg, db, _ = setup
    # No runs at all: the digest must not say the watch is running.
    d = dg.build(db, cfg, "2026-W47")
    paths = dg.write(db, cfg, d, tmp_path / "digests")
    assert d.total == 0 and "The monitor did not run this week" in paths["html"].read_text()
    assert "THE MONITOR DID NOT RUN THIS WEEK" in paths["txt"].read_text()
    assert "running" not in paths["html"].read_text() + paths["txt"].read_text()
    # A quiet week in which it did run says so, with the figures.
    for day in range(7):
        store.record_run(db, {"started": (W47_START + timedelta(days=day, hours=9)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              "exit_code": 0})
    d = dg.build(db, cfg, "2026-W47", now=W47_START + timedelta(days=8))
    paths = dg.write(db, cfg, d, tmp_path / "digests")
    assert "No mentions this week. The monitor ran 7 times" in paths["html"].read_text()
    assert "longest gap between runs: 24.0 hours" in paths["txt"].read_text()
    assert "No mentions this week" in paths["txt"].read_text()
    assert sorted(p.name for p in (tmp_path / "digests").iterdir()) == ["2026-W47.html", "2026-W47.txt"]  # no image file


@pytest.mark.parametrize("minutes,state", [(47 * 60 + 59, "in time"), (48 * 60 + 1, "late")])
def test_reply_accounting_at_the_48_hour_edge(setup, minutes, state):
    cfg, db, _ = setup
    seen = W47_START + timedelta(days=1, hours=9)
    add(db, seen, needs_reply=1, acked=seen + timedelta(minutes=minutes))
    add(db, W47_START + timedelta(days=5), needs_reply=1)  # never answered
    d = dg.build(db, cfg, "2026-W47")
    assert [r["state"] for r in d.replies] == [state, "still open"]
    assert d.replies[0]["age"] == f"{minutes // 60}h {minutes % 60:02d}m"
    assert d.reply_counts == {"in time": int(state == "in time"), "late": int(state == "late"), "still open": 1}


def test_a_week_crossing_the_clock_change(setup):
    """2026-W43: clocks go back on Sunday 25 October; the week is 169 hours long and 48 h is still 48 h."""
    cfg, db, _ = setup
    start, end = dg.week_bounds("2026-W43", "Europe/London")
    assert start == datetime(2026, 10, 18, 23, tzinfo=timezone.utc) and end == datetime(2026, 10, 26, tzinfo=timezone.utc)
    add(db, datetime(2026, 10, 18, 23, 30, tzinfo=timezone.utc))  # Monday 00:30 BST: in the week, on Monday
    add(db, datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc))  # Sunday 23:30 GMT: in the week, on Sunday
    seen = datetime(2026, 10, 23, 20, 0, tzinfo=timezone.utc)
    add(db, seen, needs_reply=1, acked=seen + timedelta(hours=47, minutes=59))  # across the change, within the week
    d = dg.build(db, cfg, "2026-W43")
    assert [x["total"] for x in d.daily] == [1, 0, 0, 0, 1, 0, 1]
    assert d.replies[0]["state"] == "in time" and d.replies[0]["age"] == "47h 59m"


def test_alerts_sources_and_pipeline_health(setup):
    cfg, db, _ = setup
    t = W47_START + timedelta(days=1)
    a1 = db["alerts"].insert({"created": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "rule": "mention", "severity": "crisis",
                              "title": "Safeguarding worry", "status": "acked", "acked_by": "Sam",
                              "acked_at": (t + timedelta(minutes=95)).strftime("%Y-%m-%dT%H:%M:%SZ")}).last_pk
    db["alerts"].insert({"created": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "rule": "mention", "severity": "alert",
                         "title": "Complaint", "status": "open"})
    db["alerts"].insert({"created": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "rule": "mention", "severity": "alert",
                         "title": "Silenced one", "status": "silenced"})
    db["deliveries"].insert({"alert_id": a1, "round": 0, "channel": "sms", "status": "gave_up", "attempts": 7,
                             "error": "SMS gateway down", "created": t.strftime("%Y-%m-%dT%H:%M:%SZ")})
    for hours, code in ((1, 0), (2, 1), (7, 0), (8, 0)):  # a 5-hour gap between the 2nd and 3rd run
        db["runs"].insert({"started": (t + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"), "exit_code": code})
    store.sync_sources(db, cfg.sources, t)
    for h in range(3):
        db["fetches"].insert({"source": "dead", "started": (t + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              "outcome": "failed", "error": "HTTP 500"})
    db["sources"].update("dead", {"consecutive_failures": 3, "last_error": "HTTP 500"})
    d = dg.build(db, cfg, "2026-W47")
    assert [(a["title"], a["minutes_to_ack"]) for a in d.alerts] == [("Safeguarding worry", 95), ("Complaint", None)]
    assert d.runs == 4 and d.failed_runs == 1
    assert d.longest_gap_hours == round((W47_START + timedelta(days=7) - (t + timedelta(hours=8))).total_seconds() / 3600, 1)
    health = {s["name"]: s for s in d.sources}
    assert health["Dead"]["state"].startswith("failing (3 in a row)") and health["Dead"]["failed"] == 3
    assert health["Mastodon (parenting tag)"]["state"] == "not polled this week"
    (u,) = d.undelivered
    assert u["channel"] == "sms" and u["status"] == "gave_up"
    _s, html, text = dg.render(d, cfg)
    assert "Sam, after 1h 35m" in html and "SMS gateway down" in text and "Silenced one" not in html


def test_feed_text_is_escaped_and_only_http_links_are_shown(setup):
    cfg, db, _ = setup
    add(db, W47_START + timedelta(hours=5), title=XSS, targeted=-0.9, url="javascript:alert(1)")
    add(db, W47_START + timedelta(hours=6), title="fine", targeted=-0.8, url='https://ok.example/"><script>x</script>',
        needs_reply=1)
    d = dg.build(db, cfg, "2026-W47")
    _s, html, _t = dg.render(d, cfg)
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html and 'href="https://ok.example/&#34;&gt;&lt;script&gt;' in html


def test_send_through_real_smtp_with_the_chart_in_the_html_and_only_once(setup, smtp, tmp_path):
    cfg, db, path = setup
    path = write_config(tmp_path, sources=[{"name": "google-news", "kind": "google_news", "query": "x"}],
                        channels={"email": smtp.url()}, routes={"digest": ["email"]})
    seed_week(db)
    runner = CliRunner()
    args = ["--config", str(path), "digest", "--week", "2026-W47", "--send"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "email        sent" in first.output
    (msg,) = smtp.messages
    assert msg["Subject"].startswith("New Baby Network CIC weekly digest 2026-W47: 30 mentions")
    kinds = {p.get_content_type(): p for p in msg.walk()}
    # Text and HTML only: the chart is part of the HTML (table cells), not a picture a client may hide.
    assert set(kinds) == {"multipart/alternative", "text/plain", "text/html"}, set(kinds)
    html = kinds["text/html"].get_content()
    assert "Mentions per day" in html and 'bgcolor="#b00020"' in html and "<img" not in html and "cid:" not in html
    # The plain-text part is our text digest, not the HTML flattened one table cell per line.
    plain = kinds["text/plain"].get_content()
    assert plain.replace("\r\n", "\n").strip() == (tmp_path / "digests" / "2026-W47.txt").read_text().strip()
    assert "WATCH AND INFO MENTIONS" in plain
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "Already sent" in again.output and len(smtp.messages) == 1
    forced = runner.invoke(cli, args + ["--force"])
    assert forced.exit_code == 0 and len(smtp.messages) == 2


def test_default_week_is_the_last_complete_one():
    assert dg.last_complete_week(datetime(2026, 11, 24, 9, tzinfo=timezone.utc), "Europe/London") == "2026-W47"
    assert dg.last_complete_week(datetime(2026, 11, 23, 0, 30, tzinfo=timezone.utc), "Europe/London") == "2026-W47"


# --------------------------------------------------------------------------- triage


def test_triage_commands_change_state_and_leave_history(setup):
    cfg, db, path = setup
    now = datetime.now(timezone.utc)
    crisis = add(db, now - timedelta(hours=2), severity="crisis", title="At risk")
    old_alert = add(db, now - timedelta(hours=30), severity="alert", title="Old complaint", needs_reply=1)
    new_alert = add(db, now - timedelta(hours=1), severity="alert", title="New complaint")
    add(db, now - timedelta(hours=3), severity="info", title="Praise")
    runner = CliRunner()
    run = lambda *a: runner.invoke(cli, ["--config", str(path), *a])  # noqa: E731
    lines = [line for line in run("inbox").output.splitlines() if line.startswith("m")]
    assert [line.split()[0] for line in lines] == [f"m{crisis}", f"m{old_alert}", f"m{new_alert}"]
    assert run("ack", f"m{crisis}", "--note", "safeguarding lead told").exit_code == 0
    assert run("resolve", f"m{old_alert}", "--note", "replied on Facebook").exit_code == 0
    assert run("mark", f"m{new_alert}", "--false-positive", "--note", "another charity").exit_code == 0
    assert "Nothing needs attention" in run("inbox").output
    shown = run("show", f"m{old_alert}").output
    assert "state: resolved" in shown and "resolved by " in shown and "(cli): replied on Facebook" in shown
    events = [(e["mention_id"], e["action"], e["via"], e["note"]) for e in db["actions"].rows]
    assert events == [(crisis, "ack", "cli", "safeguarding lead told"), (old_alert, "resolve", "cli", "replied on Facebook"),
                      (new_alert, "not_us", "cli", "another charity")]
    missing = run("mark", "m999", "--no-reply")
    assert missing.exit_code == 1 and "There is no mention 999." in missing.output  # not found: 1 (2 is a config error)


def test_false_positives_leave_the_counts_and_suggest_excludes(setup):
    cfg, db, path = setup
    for i in range(3):
        add(db, W47_START + timedelta(hours=i), title="New Baby Network Holdings recall", fp=1)
    add(db, W47_START + timedelta(hours=5), title="Thank you New Baby Network volunteers")
    assert dg.build(db, cfg, "2026-W47").total == 1
    # Phrases that would hide real accusations are never proposed: handle + "is", our name + "is a".
    for i in range(3):
        add(db, W47_START + timedelta(hours=6 + i), title=f"@newbabynetwork is a great name for a baby shop {i}", fp=1)
        add(db, W47_START + timedelta(hours=9 + i), title=f"The New Baby Network is a chain in Ohio {i}", fp=1)
        add(db, W47_START + timedelta(hours=12 + i), title=f"New Baby Network CIC Ltd of Leeds {i}", fp=1)
    suggestions = {p: (n, hidden) for p, n, hidden in triage.suggest_excludes(db, cfg)}
    assert suggestions["new baby network holdings"][0] == 3
    assert [m["title"] for m in suggestions["new baby network holdings"][1]] == ["New Baby Network Holdings recall"] * 3
    assert not any("volunteers" in p for p in suggestions)
    for p in suggestions:
        assert "@" not in p and "newbabynetwork" not in p and "cic" not in p.split(), p
        assert p not in ("new baby network is", "new baby network is a", "the new baby network"), p
    out = CliRunner().invoke(cli, ["--config", str(path), "suggest-excludes"]).output
    assert "- new baby network holdings    # 3" in out and "would have hidden m1: New Baby Network Holdings recall" in out


def test_search_export_and_purge(setup):
    cfg, db, path = setup
    now = datetime.now(timezone.utc)
    old = add(db, now - timedelta(days=400), title="Ancient mention of New Baby Network", url="https://old.example/a")
    add(db, now - timedelta(days=2), title="Fresh mention about the breastfeeding café")
    runner = CliRunner()
    run = lambda *a: runner.invoke(cli, ["--config", str(path), *a])  # noqa: E731
    assert "breastfeeding" in run("search", "breastfeeding").output
    assert "Nothing found" in run("search", "nonexistentword").output
    assert run("search", 'unbalanced "quote').exit_code == 0
    csv_out = run("export", "--format", "csv").output.splitlines()
    assert csv_out[0].startswith("id,first_seen") and len(csv_out) == 3
    assert ",text," in csv_out[0] and "Text about New Baby Network" in csv_out[1]
    json_out = [json.loads(line) for line in run("export", "--format", "json", "--since", (now - timedelta(days=7)).date().isoformat()).output.splitlines()]
    assert [j["title"] for j in json_out] == ["Fresh mention about the breastfeeding café"]
    assert "Removed the text of 1 mention older than 365 days" in run("purge").output
    row = store.mention(db, old)
    assert row["title"] is None and row["url"] is None and row["canonical_url"].startswith("purged:")
    assert row["severity"] == "info" and db["mentions"].count == 2  # counts for trends stay
    assert "Ancient" not in run("search", "Ancient").output
    assert dg.build(db, cfg, "2026-W47").last_purge is not None


def test_reply_ages_in_the_current_week_run_to_now_not_to_sunday(setup):
    cfg, db, _ = setup
    seen = W47_START + timedelta(days=1, hours=9)
    add(db, seen, needs_reply=1, categories={"gripe": ["cliquey"]}, targeted=-0.7)
    d = dg.build(db, cfg, "2026-W47", now=seen + timedelta(hours=3))
    assert d.replies[0]["state"] == "still open" and d.replies[0]["age"] == "3h 00m" and not d.replies[0]["overdue"]
    assert d.most_negative[0]["families"] == ["complaint"]  # the family, not the keyword set


def test_every_watch_and_info_mention_is_listed_in_words(setup):
    cfg, db, _ = setup
    quiet = add(db, W47_START + timedelta(days=1), severity="watch", targeted=-0.45, source="mastodon",
                title="Is New Baby Network still running the Tuesday group?")
    info = add(db, W47_START + timedelta(days=2), severity="info", targeted=0.7, title="Lovely morning at New Baby Network")
    add(db, W47_START + timedelta(days=2), severity="alert", targeted=-0.8, title="Complaint about New Baby Network")
    add(db, W47_START + timedelta(days=3), severity="watch", fp=1, title="Not us")
    d = dg.build(db, cfg, "2026-W47")
    assert [m["id"] for m in d.listed] == [quiet, info]  # watch first, never the false positive or the alert
    _s, html, text = dg.render(d, cfg)
    assert f'- [watch] Is New Baby Network still running the Tuesday group? (Mastodon (parenting tag), negative)' in text
    assert f'"snippet {quiet}"' in text and f"snippet {info}" in html
    assert "(very negative)" in text and "very positive" in text
    import re

    assert not re.search(r"[+-]0\.\d\d", text + html)  # no raw scores anywhere
    assert "mastodon," not in text and "google-news" not in text + html  # display names only


def test_replies_are_bounded_to_what_a_person_can_act_on(setup, tmp_path):
    """Years of unanswered mentions give a count and the oldest few, not a list of them all."""
    cfg, db, _ = setup
    for i in range(40):  # unanswered, from before the week
        add(db, W47_START - timedelta(days=200 - i), needs_reply=1, title=f"Old question {i}")
    seen = W47_START - timedelta(days=3)
    add(db, seen, needs_reply=1, acked=W47_START + timedelta(hours=2), title="Answered late this week")
    add(db, W47_START - timedelta(hours=10), needs_reply=1, acked=W47_START + timedelta(hours=1),
        title="Answered in time this week")
    add(db, W47_START + timedelta(days=2), needs_reply=1, title="This week's question")
    d = dg.build(db, cfg, "2026-W47", now=W47_START + timedelta(days=8))
    assert [r["title"] for r in d.replies] == ["This week's question"]
    assert d.older_waiting == 40 and [r["title"] for r in d.older_oldest] == [f"Old question {i}" for i in range(dg.TOP)]
    assert d.older_oldest[0]["state"] == "still open" and d.older_oldest[0]["overdue"]
    assert d.reply_counts == {"in time": 1, "late": 1, "still open": 41}
    paths = dg.write(db, cfg, d, tmp_path / "digests")
    html, text = paths["html"].read_text(), paths["txt"].read_text()
    for out in (html, text):
        assert "40 older mentions still waiting for a reply" in out and f"the oldest {dg.TOP}" in out
        assert "Old question 0" in out and "Old question 4" in out and f"Old question {dg.TOP}" not in out
    assert "This week&#39;s question" in html or "This week&#x27;s question" in html or "This week's question" in html


def test_a_huge_week_lists_the_first_hundred_and_counts_the_rest(setup, tmp_path, monkeypatch):
    cfg, db, _ = setup
    monkeypatch.setattr(dg, "LISTED", 3)
    for i in range(5):
        add(db, W47_START + timedelta(days=1, hours=i), severity="info", title=f"Info {i}", needs_reply=1)
    add(db, W47_START + timedelta(days=2), severity="watch", title="The watch one", targeted=-0.5)
    d = dg.build(db, cfg, "2026-W47", now=W47_START + timedelta(days=8))
    assert [m["title"] for m in d.listed] == ["The watch one", "Info 0", "Info 1"] and d.listed_total == 6
    assert len(d.replies) == 3 and d.reply_counts["still open"] == 5
    assert [x["total"] for x in d.daily] == [0, 5, 1, 0, 0, 0, 0] and [x["negative"] for x in d.daily][2] == 1
    paths = dg.write(db, cfg, d, tmp_path / "digests")
    assert "and 3 more: monitor export --since 2026-11-16" in paths["txt"].read_text()
    assert "Watch and info mentions (6)" in paths["html"].read_text()


# --------------------------------------------------------------------------- the chart (table cells, no image)


class _ChartReader:
    """The chart's rows as a mail client gets them: label, bar width, coloured cells (colour, width), counts."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        rows, state = [], {"in": None, "depth": 0}

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "td" and a.get("width") == "64":
                    rows.append({"label": "", "bar": None, "cells": [], "counts": ""})
                    state["in"] = "label"
                elif tag == "td" and a.get("width") == "110" and rows:
                    state["in"] = "counts"
                elif tag == "table" and rows and state["in"] is None and rows[-1]["bar"] is None and "width" in a:
                    rows[-1]["bar"] = a["width"]
                elif tag == "td" and a.get("bgcolor") and rows:
                    rows[-1]["cells"].append((a["bgcolor"], a.get("width")))

            def handle_endtag(self, tag):
                if tag == "td":
                    state["in"] = None

            def handle_data(self, data):
                if state["in"] and rows:
                    rows[-1][state["in"]] += data

        start = html.index("Mentions per day")
        P().feed(html[start:html.index("</table>\n", start) + 8])
        self.rows = [{**r, "label": r["label"].strip(), "counts": " ".join(r["counts"].split())} for r in rows]


def test_the_chart_is_drawn_in_the_html_from_the_week_s_counts(setup):
    cfg, db, _ = setup
    expected = seed_week(db)
    d = dg.build(db, cfg, "2026-W47")
    _s, html, _t = dg.render(d, cfg)
    assert "<img" not in html and "<svg" not in html and "cid:" not in html
    rows = _ChartReader(html).rows
    assert [r["label"] for r in rows] == ["Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20", "Sat 21", "Sun 22"]
    top = max(expected["daily"])
    for row, total, negative in zip(rows, expected["daily"], expected["negative"]):
        assert row["counts"] == (f"{total}, {negative} negative" if negative else f"{total}"), row
        if not total:
            assert row["bar"] is None and row["cells"] == []
            continue
        assert row["bar"] == f"{max(2, round(100 * total / top))}%"
        colours = dict(row["cells"])
        assert colours.get("#b00020") == (f"{round(100 * negative / total)}%" if negative else None), row
        assert sum(int(w.rstrip("%")) for _c, w in row["cells"]) == 100
        assert [c for c, _w in row["cells"]][0] == ("#b00020" if negative else "#7aa6c2")  # the negative part first


def test_chart_bars_stay_visible_at_the_extremes(setup):
    cfg, _db, _ = setup
    d = dg.Digest(week="2026-W47", start=W47_START, end=W47_START + timedelta(days=7), timezone="Europe/London",
                  organisation="x")
    counts = [(1000, 1), (1, 0), (0, 0), (7, 7), (500, 250), (0, 0), (3, 1)]
    d.daily = [{"date": f"2026-11-{16 + i}", "label": f"Day {i}", "total": t, "negative": n} for i, (t, n) in enumerate(counts)]
    bars = [(r["bar"], r["negative_pct"], r["other_pct"]) for r in dg.chart(d)]
    assert bars == [(100, 1, 99), (2, 0, 100), (0, 0, 0), (2, 100, 0), (50, 50, 50), (0, 0, 0), (2, 33, 67)]


def test_the_chart_shows_in_a_real_browser_at_phone_width(setup, tmp_path, browser):
    """What a mail client's HTML engine draws: bars whose lengths follow the counts, red for the negative part."""
    from selenium.webdriver.common.by import By

    cfg, db, _ = setup
    expected = seed_week(db)
    d = dg.build(db, cfg, "2026-W47")
    page = dg.write(db, cfg, d, tmp_path / "digests")["html"]
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    red = browser.find_elements(By.CSS_SELECTOR, 'td[bgcolor="#b00020"]')
    blue = browser.find_elements(By.CSS_SELECTOR, 'td[bgcolor="#7aa6c2"]')
    assert len(red) == sum(1 for n in expected["negative"] if n) and all(c.size["height"] >= 10 for c in red + blue)
    assert red[0].value_of_css_property("background-color") == "rgba(176, 0, 32, 1)"
    widths = {}
    for cell in red + blue:  # each day's bar: the sum of its cells' drawn widths, by the row's label
        label = cell.find_element(By.XPATH, "ancestor::table[1]/ancestor::tr[1]/td[1]").text
        widths[label] = widths.get(label, 0) + cell.size["width"]
    top = max(widths.values())
    assert 120 <= top <= 390  # a real bar on a phone screen, inside it
    for label, total in zip([x["label"] for x in d.daily], expected["daily"]):
        if total:
            assert abs(widths[label] - top * total / max(expected["daily"])) <= 4, (label, widths)
        else:
            assert label not in widths


def test_compiled_templates_are_reused_but_an_edited_template_is_read_afresh(setup, tmp_path, monkeypatch):
    import dataclasses
    import shutil

    cfg, db, _path = setup
    alerts = tmp_path / "alerts"
    shutil.copytree(cfg.alerts_dir, alerts)
    cfg = dataclasses.replace(cfg, settings=dataclasses.replace(cfg.settings, alerts_dir=str(alerts)))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # Jinja's cache folder lives in the temp directory
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    d = dg.build(db, cfg, "2026-W47")
    first = dg.render(d, cfg)
    assert list((tmp_path / "tmp").glob("_jinja2-cache-*/__jinja2_*.cache"))  # compiled once, kept
    assert dg.render(d, cfg) == first  # the same digest from the cache
    page = alerts / "digest.email.html"
    page.write_text(page.read_text().replace("Mentions per day", "Mentions each day"))
    assert "Mentions each day" in dg.render(d, cfg)[1]
