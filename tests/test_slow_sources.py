"""A stuck server costs only its own source: a wall-clock deadline per request, and the alerts
of the sources that finished go out while a slow one is still being read."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from monitor import pipeline, store
from monitor.fetch import FetchError, Fetcher
from monitor.pipeline import run_cycle

from .conftest import NOW, rss

CRISIS = {"title": "", "link": "https://mastodon.example/@a/1",
          "description": "@newbabynetwork I came to your group. I can't keep myself safe at the moment."}


class Trickle:
    """A loopback HTTP server that sends its answer one byte every ``gap`` seconds."""

    def __init__(self, *, gap: float = 1.0, head: bytes | None = None, body: bytes = b"<rss>" + b" " * 5000):
        self.gap = gap
        self.head = head if head is not None else (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(body))
        self.body = body
        self.sent_until: float | None = None  # when the last byte went out (the client hung up after that)
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str = "/feed") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            conn.recv(65536)
            for byte in self.head + self.body:
                if self._stop.wait(self.gap):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:  # the client cut us off
                    return
                self.sent_until = time.monotonic()

    def close(self):
        self._stop.set()
        self._sock.close()
        self._thread.join(2)


@pytest.fixture
def trickle():
    servers = []

    def make(**kwargs):
        servers.append(Trickle(**kwargs))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


@pytest.mark.parametrize("where", ["body", "headers", "body without a length"])
def test_a_trickling_server_is_cut_off_at_the_deadline(trickle, where):
    if where == "headers":
        server = trickle(gap=0.25, head=b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 1000 + b"\r\n\r\n", body=b"")
    elif where == "body":
        server = trickle(gap=0.25)
    else:  # HTTP/1.0, no Content-Length: the body ends when the connection closes
        server = trickle(gap=0.25, head=b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
    fetcher = Fetcher(contact="test@example.org", connect_timeout=1, read_timeout=1, deadline=1.5)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match=r"server too slow: no complete answer within 1.5s"):
            fetcher.get(server.url())
    finally:
        fetcher.close()
    took = time.monotonic() - started
    assert 1.5 <= took < 2.5  # the read timeout (1 s) never fired: every byte came within it


def test_a_slow_source_neither_holds_the_run_nor_the_alerts_of_the_others(httpserver, make_config, smtp,
                                                                           trickle, monkeypatch):
    """One byte a second from one feed; a crisis on another goes out by email while it is still read."""
    monkeypatch.setattr(pipeline, "EARLY_DELIVERY_AFTER", 0.5)
    slow = trickle(gap=1.0)
    httpserver.expect_request("/crisis").respond_with_data(rss(CRISIS), content_type="application/rss+xml")
    cfg, db_path = make_config(
        sources=[{"name": "stuck", "kind": "rss", "url": slow.url()},
                 {"name": "mastodon", "kind": "rss", "url": httpserver.url_for("/crisis")}],
        channels={"email": smtp.url()}, routes={"crisis": ["email"], "alert": ["email"]},
        settings={"fetch_deadline": "6s", "read_timeout": "5s", "connect_timeout": "2s"},
    )
    arrived: list[float] = []
    watching = threading.Event()

    def watch_mailbox():
        while not watching.is_set():
            if smtp.messages and not arrived:
                arrived.append(time.monotonic())
            time.sleep(0.02)

    watcher = threading.Thread(target=watch_mailbox, daemon=True)
    watcher.start()
    started = time.monotonic()
    summary = run_cycle(cfg, db_path, now=NOW)
    ended = time.monotonic()
    watching.set()
    watcher.join(2)

    errors = {s.name: s.error for s in summary.sources}
    assert errors == {"stuck": "server too slow: no complete answer within 6s", "mastodon": None}
    assert summary.alerts_sent == 1 and len(smtp.messages) == 1 and smtp.messages[0]["Subject"].startswith("[CRISIS]")
    # The deadline held (the server would have gone on for 5,000 seconds) ...
    assert 6 <= ended - started < 9
    # ... and the crisis was in the mailbox while the stuck feed was still trickling.
    assert arrived and arrived[0] - started < 4 and arrived[0] < slow.sent_until
    row = store.source_row(store.open_db(db_path), "stuck")
    assert row["consecutive_failures"] == 1 and row["last_error"].startswith("server too slow")
