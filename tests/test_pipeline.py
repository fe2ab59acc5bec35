"""Whole cycles: store once, alert once, dedup across feeds, lock, the CLI contract."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import timedelta

from click.testing import CliRunner

from monitor import store
from monitor.cli import cli
from monitor.lock import RunLock
from monitor.pipeline import run_cycle

from .conftest import NOW, REPO, rss, write_config

COMPLAINT = {"title": "Really disappointed with New Baby Network", "link": "https://forum.example.org/t/1",
             "description": "I messaged New Baby Network three times and nobody replied. Feel let down."}
STORY_A = {"title": "Southvale mums praise New Baby Network", "link":
           "https://www.google.com/url?rct=j&sa=t&url=https://www.gazette.example/story-1%3Futm_source%3Dgoogle&ct=ga"}
STORY_B = {"title": "Southvale mums praise New Baby Network", "link":
           "http://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3a%2f%2fgazette.example%2fstory-1%3focid%3dBing&c=1"}


def test_running_twice_stores_each_mention_once_and_alerts_once(httpserver, make_config, smtp):
    body = rss(COMPLAINT, STORY_A)
    httpserver.expect_request("/f").respond_with_data(body, content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                               channels={"email": smtp.url()}, routes={"alert": ["email"]})
    first = run_cycle(cfg, db_path, now=NOW)
    assert len(first.new_mention_ids) == 2 and first.alerts_sent == 1
    # The feed changes (a new unrelated item) so it is parsed again, but nothing is stored or sent twice.
    httpserver.clear()
    httpserver.expect_request("/f").respond_with_data(rss(COMPLAINT, STORY_A, {"title": "x", "link": "https://e.org/x"}),
                                                      content_type="application/rss+xml")
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert second.sources[0].outcome == "new" and second.new_mention_ids == [] and second.alerts_sent == 0
    assert len(smtp.messages) == 1
    db = store.open_db(db_path)
    assert db["mentions"].count == 2 and db["alerts"].count == 1


def test_same_story_from_two_feeds_is_one_mention_with_both_sources(httpserver, make_config):
    httpserver.expect_request("/google").respond_with_data(rss(STORY_A), content_type="application/rss+xml")
    httpserver.expect_request("/bing").respond_with_data(rss(STORY_B), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "google", "kind": "rss", "url": httpserver.url_for("/google")},
                                        {"name": "bing", "kind": "rss", "url": httpserver.url_for("/bing")}])
    summary = run_cycle(cfg, db_path, now=NOW)
    assert len(summary.new_mention_ids) == 1
    (row,) = store.mentions(store.open_db(db_path))
    assert row["canonical_url"] == "https://gazette.example/story-1"
    assert sorted(row["sources"].split(", ")) == ["bing", "google"]


def test_database_is_private_and_browsable(httpserver, make_config):
    httpserver.expect_request("/f").respond_with_data(rss(COMPLAINT), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}])
    run_cycle(cfg, db_path, now=NOW)
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    db = store.open_db(db_path)
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    hits = list(db.query("select rowid from mentions_fts where mentions_fts match 'disappointed'"))
    assert len(hits) == 1
    assert {"sources", "fetches", "mentions", "mention_sources", "alerts", "deliveries", "runs"} <= set(db.table_names())


def test_a_second_run_while_one_holds_the_lock_exits_75_and_touches_nothing(tmp_path, httpserver):
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}])
    db_path = tmp_path / "monitor.db"
    with RunLock(db_path):
        result = CliRunner().invoke(cli, ["--config", str(path), "run"])
    assert result.exit_code == 75 and "another run" in result.output
    assert not db_path.exists() and len(httpserver.log) == 0


def test_cli_run_then_mentions(tmp_path, httpserver):
    httpserver.expect_request("/f").respond_with_data(rss(COMPLAINT, STORY_A), content_type="application/rss+xml")
    path = write_config(tmp_path, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}])
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(path), "run"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("sources polled 1 / unchanged 0 / failed 0; entries seen 2; new mentions 2; alerts sent 0")
    table = runner.invoke(cli, ["--config", str(path), "mentions"]).output
    assert "Really disappointed" in table and "complaint" in table
    lines = runner.invoke(cli, ["--config", str(path), "mentions", "--json", "--severity", "alert"]).output.splitlines()
    (row,) = [json.loads(x) for x in lines]
    assert row["severity"] == "alert" and row["categories"]["complaint"] and row["matched_terms"]
    assert row["sources"] == "f" and row["first_seen"].endswith("Z")
    since = runner.invoke(cli, ["--config", str(path), "mentions", "--since", "2999-01-01"]).output
    assert "No mentions" in since


def test_python_dash_m_and_exit_code_1_when_a_source_fails(tmp_path, httpserver):
    httpserver.expect_request("/bad").respond_with_data("nope", status=404)
    path = write_config(tmp_path, sources=[{"name": "bad", "kind": "rss", "url": httpserver.url_for("/bad")}])
    proc = subprocess.run([sys.executable, "-m", "monitor", "--config", str(path), "run"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "bad" in proc.stdout and "HTTP 404" in proc.stdout
    assert "failed 1" in proc.stdout.splitlines()[-1]


def test_reading_commands_need_no_channel_secrets(tmp_path):
    """Only commands that send need MONITOR_EMAIL_URL and friends; looking at the store never does."""
    (tmp_path / "alerts").symlink_to(REPO / "alerts")
    path = tmp_path / "feeds.yaml"
    path.write_text((REPO / "feeds.yaml").read_text())
    for args in (["mentions"], ["alerts"], ["sources"], ["inbox"]):
        result = CliRunner().invoke(cli, ["--config", str(path), "--db", str(tmp_path / "m.db"), *args], env={
            "MONITOR_EMAIL_URL": "", "MONITOR_SMS_URL": ""})
        assert result.exit_code == 0, (args, result.output)
