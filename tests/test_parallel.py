"""Parsing in a process pool (a run with many feeds) gives the same items and the same failures."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor import parallel, pipeline, store
from monitor.sources.base import SourceFailed
from monitor.sources.rss import parse_feed

from .conftest import write_config

FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        '<item><title>New Baby Network thanked by parents {n}</title><link>https://news.example/{n}</link>'
        '<description>Parents thanked &lt;b&gt;New Baby Network&lt;/b&gt; volunteers {n}.</description></item>'
        '<item><title>Weather {n}</title><link>https://news.example/w{n}</link><description>Rain.</description></item>'
        '</channel></rss>')


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_FEEDS", 2)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)  # a pool even on a one-core CI machine
    assert parallel.start(5)
    yield
    parallel.stop()


def test_the_pool_parses_like_the_thread_and_reports_failures_the_same_way(pool):
    body = FEED.format(n=1).encode()
    assert parallel.parse_feed("s", body, {}, "http://x/") == parse_feed("s", body, {}, "http://x/")
    html = b"<!doctype html><html><body>Not a feed</body></html>"
    with pytest.raises(SourceFailed) as here:
        parse_feed("s", html, {"content-type": "text/html"}, "http://x/")
    with pytest.raises(SourceFailed) as there:
        parallel.parse_feed("s", html, {"content-type": "text/html"}, "http://x/")
    assert (str(there.value), there.value.status, there.value.bytes) == (str(here.value), 200, len(html))


def test_a_run_with_many_feeds_parses_them_in_the_pool(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_FEEDS", 5)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    started = []
    real_start = parallel.start
    monkeypatch.setattr(parallel, "start", lambda n: started.append(real_start(n)) or started[-1])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            n = self.path.strip("/").split(".")[0]
            body = b"<html>gone</html>" if n == "7" else FEED.format(n=n).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if n == "7" else "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        cfg = write_config(tmp_path, sources=[{"name": f"f{i}", "kind": "rss", "url": f"http://127.0.0.1:{port}/{i}.xml"}
                                              for i in range(12)])
        from monitor import config as config_mod

        summary = pipeline.run_cycle(config_mod.load(cfg, environ={}), tmp_path / "m.db", force=True)
    finally:
        server.shutdown()
        server.server_close()
    assert started == [True] and parallel._pool is None  # used, then shut down
    assert summary.failed == 1 and len(summary.new_mention_ids) == 11 and summary.entries == 22
    failed = next(s for s in summary.sources if s.outcome == "failed")
    assert failed.name == "f7" and "web page" in failed.error
    db = store.open_db(tmp_path / "m.db")
    assert db.execute("select count(*) from mentions where title like 'New Baby Network thanked%'").fetchone()[0] == 11
