"""Secrets and personal data: tokens never shown, private files, a purge that keeps its promise,
and the alert templates found wherever the config lives."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from werkzeug import Response

from monitor import config as config_mod
from monitor import store
from monitor.cli import cli
from monitor.pipeline import run_cycle

from .conftest import NOW, REPO, rss, write_config
from .test_sources import bsky_post

CRISIS = {"title": "I can't go on, New Baby Network never called me back",
          "link": "https://forum.example.org/t/77?utm_source=x",
          "description": "New Baby Network never called me back. I can't go on and I want to end it all tonight."}


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sources_never_show_bluesky_session_tokens(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "nbn.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    logins = []

    def login(request):
        logins.append(1)
        return Response(json.dumps({"accessJwt": "eyJ-ACCESS-SECRET", "refreshJwt": "eyJ-REFRESH-SECRET",
                                    "did": "did:plc:me", "handle": "nbn.bsky.social"}), content_type="application/json")

    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_handler(login)
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_json({"posts": [bsky_post(1)]})
    path = write_config(tmp_path, sources=[{"name": "bsky", "kind": "bluesky_search", "query": "New Baby Network",
                                            "base_url": httpserver.url_for("/")}])
    cfg = config_mod.load(path, environ=dict(os.environ))
    db_path = config_mod.db_path(cfg, environ={})
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert len(logins) == 1  # the session is kept and reused ...
    runner = CliRunner()
    for args in (["sources", "--json"], ["sources"]):
        out = runner.invoke(cli, ["--config", str(path), *args]).output
        assert "bsky" in out and "SECRET" not in out and "eyJ" not in out  # ... but never shown
    # A database from before: the tokens sat in the cursor. They are still never shown, and move out.
    db = store.open_db(db_path)
    db.execute("update sources set session = null, cursor = ? where name = 'bsky'", [json.dumps(
        {"since": "2026-11-23T10:01:00.000Z", "session": {"access": "eyJ-ACCESS-SECRET", "refresh": "eyJ-REFRESH-SECRET"}})])
    db.close()
    out = runner.invoke(cli, ["--config", str(path), "sources", "--json"]).output
    assert "SECRET" not in out and json.loads(out)["cursor"] == json.dumps({"since": "2026-11-23T10:01:00.000Z"})
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=2))
    row = store.source_row(store.open_db(db_path), "bsky")
    assert "SECRET" not in row["cursor"] and "SECRET" in row["session"] and len(logins) == 1


def test_digest_files_and_the_cron_log_are_private(tmp_path, httpserver):
    if shutil.which("flock") is None:
        pytest.fail("flock (util-linux) is needed by the cron wrapper")
    from .test_cron import project_copy

    httpserver.expect_request("/f").respond_with_data(rss(CRISIS), content_type="application/rss+xml")
    proj = project_copy(tmp_path)
    write_config(proj, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                 settings={"database": "data/monitor.db"})
    (proj / "data").mkdir()
    (proj / "data" / "monitor.log").write_text("an older log, created by hand\n")
    os.chmod(proj / "data" / "monitor.log", 0o644)
    for args in (["run", "--quiet"], ["digest"]):
        proc = subprocess.run([str(proj / "cron" / "monitor-run"), *args], capture_output=True, text=True,
                              timeout=60, env={"PATH": "/usr/bin:/bin"})
        assert proc.returncode in (0, 1), (proc.stdout, proc.stderr)
    assert _mode(proj / "data" / "monitor.log") == 0o600
    digests = list((proj / "data" / "digests").iterdir())
    assert {p.suffix for p in digests} == {".html", ".txt"}
    assert {_mode(p) for p in digests} == {0o600} and _mode(proj / "data" / "digests") == 0o700
    assert _mode(proj / "data" / "monitor.db") == 0o600
    # The same from the command line, outside the wrapper.
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--config", str(proj / "feeds.yaml"), "digest", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {_mode(p) for p in out.iterdir()} == {0o600}


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_purge_removes_what_retention_promises_everywhere(tmp_path, httpserver, smtp):
    now = datetime.now(timezone.utc).replace(microsecond=0)  # purge works on the real clock: data relative to it
    old = now - timedelta(days=400)
    httpserver.expect_request("/f").respond_with_data(rss({**CRISIS, "pubDate": old.strftime("%a, %d %b %Y %H:%M:%S GMT")}),
                                                      content_type="application/rss+xml")
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                        channels={"email": smtp.url()}, routes={"crisis": ["email"], "alert": ["email"]})
    cfg = config_mod.load(path, environ={})
    db_path = config_mod.db_path(cfg, environ={})
    run_cycle(cfg, db_path, now=old)
    db = store.open_db(db_path)
    (alert,) = db.query("select * from alerts")
    assert "can't go on" in alert["title"]  # the alert's title quotes the post
    # A spike alert of the same time lists the stories with their links, as rules.spike_candidates writes them.
    db["alerts"].insert({"created": _iso(old), "updated": _iso(old), "rule": "volume_spike", "severity": "alert",
                         "group_key": "rule:volume_spike", "title": "Many more mentions than usual", "status": "open",
                         "round": 0, "details": json.dumps({"count": 9, "summary": "9 in the last hour", "stories": [
                             {"id": 1, "title": CRISIS["title"], "url": "https://forum.example.org/t/77"}]})})
    db.execute("update fetches set warning = ? ", ["entry 'I can't go on' skipped: bad date"])
    # A director's reply quoted the post in its first line and its subject.
    db["actions"].insert({"time": _iso(old), "alert_id": 1, "action": "ack", "by": "sam@example.org", "via": "email",
                          "note": "she said nobody called me back, phoning now"})
    db["replies"].insert({"time": _iso(old), "message_id": "<r1@phone>", "sender": "sam@example.org",
                          "subject": "Re: nobody called me back", "outcome": "acked"})
    db.close()
    # Digest files of that old week and of last week; a log with an old run quoting the post and a recent one.
    runner = CliRunner()
    old_week = "{}-W{:02d}".format(*old.isocalendar()[:2])
    recent = now - timedelta(days=7)
    recent_week = "{}-W{:02d}".format(*recent.isocalendar()[:2])
    for week in (old_week, recent_week):
        assert runner.invoke(cli, ["--config", str(path), "digest", "--week", week]).exit_code == 0
    assert "can't go on" in (tmp_path / "digests" / f"{old_week}.html").read_text().replace("&#39;", "'")
    (tmp_path / "digests" / f"{old_week}.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # the chart an older version saved
    log = tmp_path / "monitor.log"
    log.write_text(f"--- {_iso(old)} monitor ack 1\nAlert 1 acknowledged (crisis: {CRISIS['title']}).\n--- exit 0\n"
                   f"--- {_iso(now - timedelta(days=1))} monitor run --quiet\nsources polled 1; 0.1s\n--- exit 0\n")

    result = runner.invoke(cli, ["--config", str(path), "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed the text of 1 mention older than 365 days" in result.output
    assert "3 old digest files deleted; 3 old log lines removed" in result.output
    db = store.open_db(db_path)
    everything = json.dumps([list(db.query(f"select * from [{t}]")) for t in db.table_names()
                             if not t.startswith("mentions_fts")])
    for word in ("called me back", "forum.example.org"):  # categories keep our own keywords, not the post
        assert word not in everything, everything[max(0, everything.find(word) - 300):everything.find(word) + 100]
    titles = [r["title"] for r in db.query("select title from alerts order by id")]
    assert titles == ["mention crisis alert (text removed after 365 days)",
                      "volume spike alert alert (text removed after 365 days)"]
    assert json.loads(db["alerts"].get(2)["details"])["count"] == 9  # the figures stay
    assert sorted(p.name for p in (tmp_path / "digests").iterdir()) == [f"{recent_week}.{x}" for x in ("html", "txt")]
    assert log.read_text().startswith(f"--- {_iso(now - timedelta(days=1))} monitor run") and "called me back" not in log.read_text()
    assert _mode(log) == 0o600
    # The purged story, still in its feed, is recognised: not stored, alerted or linked again.
    summary = run_cycle(cfg, db_path, now=now, force=True)
    assert summary.new_mention_ids == []  # (the old crisis, never acknowledged, is still repeated: alerting's rule)
    db = store.open_db(db_path)
    assert db["mentions"].count == 1 and db["alerts"].count == 2
    assert "forum.example.org" not in json.dumps(list(db.query("select * from mention_sources")))
    # Purging again changes nothing and says so.
    again = runner.invoke(cli, ["--config", str(path), "purge"]).output
    assert "Removed the text of 0 mentions" in again and "0 old digest files deleted; 0 old log lines removed" in again


def test_a_config_kept_elsewhere_uses_the_projects_own_alert_templates_and_check_says_so(tmp_path):
    etc = tmp_path / "etc" / "nbn"
    etc.mkdir(parents=True)
    doc = yaml.safe_load(write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": "https://example.org/f"}]).read_text())
    del doc["settings"]["alerts_dir"]
    (etc / "feeds.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    result = CliRunner().invoke(cli, ["--config", str(etc / "feeds.yaml"), "check"])
    assert result.exit_code == 0, result.output
    assert f"alert templates and playbook: {REPO / 'alerts'} (none beside {etc / 'feeds.yaml'}, so the project's own)" in result.output
    cfg = config_mod.load(etc / "feeds.yaml", environ={})
    assert cfg.alerts_dir == REPO / "alerts" and cfg.playbook
    # Its own alerts/ is used when there is one, and check says which.
    shutil.copytree(REPO / "alerts", etc / "alerts")
    result = CliRunner().invoke(cli, ["--config", str(etc / "feeds.yaml"), "check"])
    assert f"alert templates and playbook: {etc / 'alerts'}\n" in result.output
    # An alerts_dir named explicitly but missing is still an error.
    doc["settings"]["alerts_dir"] = "templates"
    (etc / "feeds.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    assert CliRunner().invoke(cli, ["--config", str(etc / "feeds.yaml"), "check"]).exit_code == 2
