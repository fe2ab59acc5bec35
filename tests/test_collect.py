"""Collecting over real HTTP: polite, incremental, and one bad source never stops the rest."""

from __future__ import annotations

import time

import pytest
from datetime import timedelta

from werkzeug import Response

from monitor import store
from monitor.clock import parse_iso
from monitor.pipeline import run_cycle

from .conftest import NOW, rss

PRAISE = {"title": "Lovely morning at New Baby Network", "link": "https://example.org/a",
          "description": "Thank you New Baby Network volunteers!"}
OTHER = {"title": "Weather", "link": "https://example.org/w", "description": "Rain later."}


def src(name, httpserver, path):
    return {"name": name, "kind": "rss", "url": httpserver.url_for(path)}


def fetches(db_path, name):
    db = store.open_db(db_path)
    rows = list(db["fetches"].rows_where("source = ?", [name], order_by="id"))
    db.close()
    return rows


def test_conditional_get_sends_etag_and_304_costs_nothing(httpserver, make_config):
    body = rss(PRAISE, OTHER)
    seen_headers = []

    def handler(request):
        seen_headers.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body, headers={"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 10:00:00 GMT",
                                       "Content-Type": "application/rss+xml"})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    cfg, db_path = make_config(sources=[src("feed", httpserver, "/feed")])
    first = run_cycle(cfg, db_path, now=NOW)
    assert [s.outcome for s in first.sources] == ["new"] and len(first.new_mention_ids) == 1
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert [s.outcome for s in second.sources] == ["not_modified"] and second.new_mention_ids == []
    assert seen_headers[1]["If-None-Match"] == '"v1"'
    assert seen_headers[1]["If-Modified-Since"] == "Mon, 23 Nov 2026 10:00:00 GMT"
    assert "NewBabyNetworkMonitor/" in seen_headers[0]["User-Agent"] and "+https://" in seen_headers[0]["User-Agent"]
    assert [f["status"] for f in fetches(db_path, "feed")] == [200, 304]


def test_unchanged_body_without_etag_is_not_parsed_again(httpserver, make_config):
    httpserver.expect_request("/plain").respond_with_data(rss(PRAISE), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[src("plain", httpserver, "/plain")])
    run_cycle(cfg, db_path, now=NOW)
    again = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert again.sources[0].outcome == "unchanged" and again.entries == 0


def test_a_failing_source_does_not_stop_the_others(httpserver, make_config):
    httpserver.expect_request("/good").respond_with_data(rss(PRAISE), content_type="application/rss+xml")
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    cfg, db_path = make_config(sources=[src("good", httpserver, "/good"), src("broken", httpserver, "/broken")])
    summary = run_cycle(cfg, db_path, now=NOW)
    outcomes = {s.name: (s.outcome, s.error) for s in summary.sources}
    assert outcomes["good"][0] == "new" and len(summary.new_mention_ids) == 1
    assert outcomes["broken"] == ("failed", f"HTTP 500 from {httpserver.url_for('/broken')}")
    assert summary.exit_code == 1 and "failed 1" in summary.line()
    row = store.source_row(store.open_db(db_path), "broken")
    assert row["consecutive_failures"] == 1 and row["last_error"].startswith("HTTP 500")


def test_backoff_grows_while_a_source_keeps_failing(httpserver, make_config):
    httpserver.expect_request("/down").respond_with_data("no", status=502)
    cfg, db_path = make_config(sources=[{**src("down", httpserver, "/down"), "every": "10m"}])
    waits = []
    now = NOW
    for _ in range(3):
        run_cycle(cfg, db_path, now=now)
        row = store.source_row(store.open_db(db_path), "down")
        nxt = parse_iso(row["next_poll"])
        waits.append((nxt - now).total_seconds())
        now = nxt
    assert waits == [600, 1200, 2400]


def test_retry_after_is_honoured_even_when_forced(httpserver, make_config):
    httpserver.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "3600"})
    cfg, db_path = make_config(sources=[src("busy", httpserver, "/busy")])
    first = run_cycle(cfg, db_path, now=NOW)
    assert first.sources[0].outcome == "failed" and "wait 3,600s" in first.sources[0].error
    later = run_cycle(cfg, db_path, now=NOW + timedelta(minutes=30), force=True)
    assert later.sources[0].outcome == "not_due"
    assert len(fetches(db_path, "busy")) == 1  # the server was not asked again
    after = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1, minutes=1), force=True)
    assert after.sources[0].outcome == "failed"


def test_timeout_oversize_html_and_empty_replies_fail_with_clear_reasons(httpserver, make_config):
    def slow(_request):
        time.sleep(3)
        return Response(rss(PRAISE))

    httpserver.expect_request("/slow").respond_with_handler(slow)
    httpserver.expect_request("/huge").respond_with_data(b"<rss>" + b" " * 300_000, content_type="application/rss+xml")
    httpserver.expect_request("/page").respond_with_data("<!DOCTYPE html><html><body>Log in</body></html>",
                                                         content_type="text/html")
    httpserver.expect_request("/empty").respond_with_data("", content_type="application/rss+xml")
    httpserver.expect_request("/ok").respond_with_data(rss(PRAISE), content_type="application/rss+xml")
    cfg, db_path = make_config(
        sources=[src(n, httpserver, f"/{n}") for n in ("slow", "huge", "page", "empty", "ok")],
        settings={"read_timeout": "1s", "max_bytes": "100KB"},
    )
    started = time.monotonic()
    summary = run_cycle(cfg, db_path, now=NOW)
    errors = {s.name: s.error for s in summary.sources}
    assert "timed out" in errors["slow"]
    assert "cap" in errors["huge"]
    assert "web page" in errors["page"] and "check the URL" in errors["page"]
    assert "empty reply" in errors["empty"]
    assert errors["ok"] is None and len(summary.new_mention_ids) == 1
    assert time.monotonic() - started < 3  # the slow server did not hold the run hostage


def test_broken_xml_still_yields_its_entries_with_a_warning(httpserver, make_config):
    body = rss(PRAISE).replace(b"</channel></rss>", b"<item><title>cut off & broken")
    httpserver.expect_request("/bozo").respond_with_data(body, content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[src("bozo", httpserver, "/bozo")])
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.sources[0].outcome == "new" and len(summary.new_mention_ids) == 1
    assert "feed XML is broken" in fetches(db_path, "bozo")[0]["warning"]


def test_permanent_redirect_is_remembered_and_410_disables(httpserver, make_config):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": httpserver.url_for("/new")})
    httpserver.expect_request("/new").respond_with_data(rss(PRAISE), content_type="application/rss+xml")
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    cfg, db_path = make_config(sources=[src("moved", httpserver, "/old"), src("gone", httpserver, "/gone")])
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    assert store.source_row(db, "moved")["moved_to"] == httpserver.url_for("/new")
    assert store.source_row(db, "gone")["enabled"] == 0
    httpserver.clear_log()
    summary = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    asked = [req.path for req, _ in httpserver.log]
    assert asked == ["/new"]  # straight to the new address; the gone feed is left alone
    assert {s.name: s.outcome for s in summary.sources}["gone"] == "disabled"


def test_per_host_limit_caps_concurrent_requests_to_one_site(httpserver, make_config):
    import threading

    active, peak, lock = [0], [0], threading.Lock()

    def handler(_request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return Response(rss(OTHER), content_type="application/rss+xml")

    for i in range(6):
        httpserver.expect_request(f"/f{i}").respond_with_handler(handler)
    cfg, db_path = make_config(sources=[src(f"f{i}", httpserver, f"/f{i}") for i in range(6)],
                               settings={"workers": 6, "per_host": 2})
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.failed == 0 and peak[0] == 2


def test_sources_are_polled_on_their_interval_despite_cron_jitter(httpserver, make_config):
    httpserver.expect_request("/f").respond_with_data(rss(OTHER), content_type="application/rss+xml")
    cfg, db_path = make_config(sources=[{**src("f", httpserver, "/f"), "every": "30m"}])
    start = NOW + timedelta(seconds=5)
    outcomes = [run_cycle(cfg, db_path, now=start + timedelta(minutes=m, seconds=-4 if m else 0)).sources[0].outcome
                for m in (0, 15, 30, 45, 60)]
    assert outcomes == ["new", "not_due", "unchanged", "not_due", "unchanged"]


@pytest.mark.parametrize("name", ["google-alerts.xml", "google-news.xml", "bing-news.xml", "mastodon-tag.xml"])
def test_fast_parser_and_feedparser_give_the_same_items(name, monkeypatch):
    from pathlib import Path

    from monitor.sources import rss

    body = (Path(rss.__file__).parents[1] / "demo" / "feeds" / name).read_bytes()
    assert rss._fast_parse(body) is not None  # real-format feeds keep the fast path
    fast, _ = rss.parse_feed("s", body, {"content-type": "application/rss+xml"}, "http://x/")
    monkeypatch.setattr(rss, "_fast_parse", lambda _body: None)
    slow, _ = rss.parse_feed("s", body, {"content-type": "application/rss+xml"}, "http://x/")
    assert [(i.url, i.title, i.text, i.published, i.publisher, i.item_id) for i in fast] == \
           [(i.url, i.title, i.text, i.published, i.publisher, i.item_id) for i in slow]


def test_unreachable_sources_fail_in_plain_words(make_config):
    import socket

    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg, db_path = make_config(sources=[
        {"name": "refused", "kind": "rss", "url": f"http://127.0.0.1:{port}/feed"},
        {"name": "gd", "kind": "gdelt", "query": "x", "base_url": f"http://127.0.0.1:{port}"},
    ])
    errors = {s.name: s.error for s in run_cycle(cfg, db_path, now=NOW).sources}
    assert errors["refused"] == "127.0.0.1 refused the connection (nothing listening there?)"
    assert errors["gd"] == errors["refused"]  # a kind that calls the fetcher directly fails the same way
