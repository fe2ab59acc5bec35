"""The lean carrier for plain GETs (monitor/fetch_plain.py): what it sends and what it gives back are what the
requests session gives, on a real loopback server; connections are kept per host; the rules hold."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor.fetch import FetchError, Fetcher
from monitor.fetch_plain import prepared_url

FEED = b"<rss><channel><title>t</title>" + b"<item><title>x</title></item>" * 100 + b"</channel></rss>"


class _Server:
    """Answers by path; notes every request's headers and every connection it accepted."""

    def __init__(self):
        self.seen: list[dict] = []
        self.connections = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                server.connections += 1

            def do_GET(self):  # noqa: N802
                server.seen.append({k.lower(): v for k, v in self.headers.items()})
                if self.path == "/short":  # a body shorter than its declared length: the server closes early
                    self.send_response(200)
                    self.send_header("Content-Length", "3000")
                    self.end_headers()
                    self.wfile.write(b"x" * 1000)
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, body = server.answer(self.path, self.headers)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if not any(n.lower() in ("content-length", "transfer-encoding") for n, _v in headers):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if any(n.lower() == "transfer-encoding" for n, _v in headers):  # chunked, in three pieces
                    for piece in (body[:100], body[100:1000], body[1000:]):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path, headers):
        etag = '"v1"'
        if path == "/feed":
            if headers.get("If-None-Match") == etag:
                return 304, [("ETag", etag)], b""
            return 200, [("Content-Type", "application/rss+xml"), ("ETag", etag), ("Retry-After", "120"),
                         ("X-Twice", "a"), ("X-Twice", "b")], FEED
        if path == "/gzip":
            return 200, [("Content-Encoding", "gzip")], gzip.compress(FEED, mtime=0)
        if path == "/gzip-twice":  # two gzip members, as urllib3 reads them: one body
            return 200, [("Content-Encoding", "gzip")], gzip.compress(FEED[:500], mtime=0) + gzip.compress(FEED[500:], mtime=0)
        if path == "/x-gzip":
            return 200, [("Content-Encoding", "X-Gzip")], gzip.compress(FEED, mtime=0)
        if path == "/gzip-then-deflate":  # two codings, listed in the order applied
            return 200, [("Content-Encoding", "gzip, deflate")], zlib.compress(gzip.compress(FEED, mtime=0))
        if path == "/deflate":
            return 200, [("Content-Encoding", "deflate")], zlib.compress(FEED)
        if path == "/raw-deflate":
            d = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            return 200, [("Content-Encoding", "deflate")], d.compress(FEED) + d.flush()
        if path == "/bad-gzip":
            return 200, [("Content-Encoding", "gzip")], b"not gzip at all"
        if path == "/chunked":
            return 200, [("Transfer-Encoding", "chunked")], FEED
        if path == "/big":
            return 200, [], b"x" * 5000
        if path == "/big-chunked":
            return 200, [("Transfer-Encoding", "chunked")], b"x" * 5000
        if path.startswith("/hop/"):  # /hop/<codes>: the first code redirects to the rest, then the feed
            codes = path.split("/")[2]
            rest = f"/hop/{codes[3:]}" if len(codes) > 3 else "/feed"
            return int(codes[:3]), [("Location", rest if codes[:3] != "302" else self.base + rest)], b"moved"
        if path == "/loop":
            return 302, [("Location", "/loop")], b""
        if path == "/cookie":
            return 302, [("Set-Cookie", "seen=1; Path=/"), ("Location", "/echo-cookie")], b""
        if path == "/echo-cookie":
            return 200, [], (headers.get("Cookie") or "none").encode()
        return 404, [], b"no"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def srv():
    s = _Server()
    yield s
    s.close()


def _fetcher(monkeypatch, plain: bool, **kw) -> Fetcher:
    monkeypatch.setenv("MONITOR_PLAIN_GET", "1" if plain else "0")
    f = Fetcher(contact="test@example.org", connect_timeout=3, read_timeout=3, **kw)
    assert (f._plain is not None) is plain
    return f


def _outcome(f: Fetcher, url: str, **kw):
    try:
        r = f.get(url, **kw)
    except FetchError as exc:
        return "error", str(exc)
    headers = {k: v for k, v in r.headers.items() if k not in ("date", "server")}
    return r.status, r.url, headers, r.body, r.moved_to, r.history, r.retry_after


CASES = ["/feed", "/gzip", "/gzip-twice", "/x-gzip", "/gzip-then-deflate", "/deflate", "/raw-deflate", "/bad-gzip", "/chunked", "/big", "/big-chunked",
         "/hop/301", "/hop/301308", "/hop/301302307", "/hop/301301301301301", "/hop/301301301301301301", "/loop",
         "/cookie", "/missing", "/short"]


def test_every_answer_is_the_one_requests_gives(srv, monkeypatch):
    """Bodies decoded, chunks joined, redirects followed (relative and absolute, permanent or not, at most 5), the
    size cap, headers, Retry-After and cookies: the same Response (or the same error) either way."""
    if not Fetcher(contact="x@example.org")._plain:
        pytest.skip("a proxy or a login in this environment: every request goes through requests")
    got = {}
    for plain in (False, True):
        f = _fetcher(monkeypatch, plain, max_bytes=4000)
        try:
            got[plain] = {path: _outcome(f, srv.base + path) for path in CASES}
            got[plain]["304"] = _outcome(f, srv.base + "/feed", etag='"v1"')
        finally:
            f.close()
    for case, outcome in got[False].items():
        assert got[True][case] == outcome, case
    assert got[True]["/feed"][0] == 200 and got[True]["/gzip"][3] == FEED == got[True]["/gzip-then-deflate"][3] and got[True]["/chunked"][3] == FEED
    assert got[True]["/hop/301308"][4] == srv.base + "/feed" and got[True]["/hop/301302307"][4] is None
    assert got[True]["/hop/301301301301301301"] == ("error", "too many redirects (more than 5)")
    assert got[True]["/big"][1].startswith("response is 5,000 bytes")
    assert got[True]["/cookie"][3] == b"seen=1" and got[True]["304"][0] == 304
    assert got[True]["/short"][1].startswith("connection broke while reading: ('Connection broken: IncompleteRead(")


def test_it_sends_what_requests_sends(srv, monkeypatch):
    for plain in (False, True):
        f = _fetcher(monkeypatch, plain)
        try:
            f.get(srv.base + "/feed", etag='"v0"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
        finally:
            f.close()
    requests_sent, plain_sent = srv.seen
    assert plain_sent == requests_sent
    assert plain_sent["if-none-match"] == '"v0"' and plain_sent["accept-encoding"] == "gzip, deflate"
    assert plain_sent["user-agent"].startswith("NewBabyNetworkMonitor/")


def test_one_connection_per_host_is_kept_and_a_closed_one_is_replaced(srv, monkeypatch):
    f = _fetcher(monkeypatch, True)
    try:
        for _ in range(5):
            assert f.get(srv.base + "/feed").status == 200
        assert srv.connections == 1
        # the server drops the kept connection (as an idle timeout does): the next request still gets its answer
        for conns in f._plain._idle.values():
            for conn in conns:
                socket.socket.shutdown(conn.sock, socket.SHUT_RDWR)
        assert f.get(srv.base + "/feed").body == FEED
        assert srv.connections == 2
    finally:
        f.close()


def test_failures_read_the_same_as_through_requests(monkeypatch):
    with socket.socket() as s:  # nothing listening there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for plain in (False, True):
        f = _fetcher(monkeypatch, plain)
        try:
            with pytest.raises(FetchError) as caught:
                f.get(f"http://127.0.0.1:{port}/feed")
            assert str(caught.value) == "127.0.0.1 refused the connection (nothing listening there?)"
            with pytest.raises(FetchError) as caught:
                f.get("http://127.0.0.1:99999/feed")
            assert str(caught.value) == "Failed to parse: http://127.0.0.1:99999/feed"
        finally:
            f.close()


def test_the_url_is_the_one_requests_prepares():
    from requests.models import PreparedRequest

    for url in ["http://127.0.0.1:8080/feed/1.xml", "https://example.org/feed?x=1&y=a+b", "https://Example.org/feed",
                "http://h", "http://h?x=1", "http://h/a/./b", "http://h/a/../b", "http://h/a/..", "http://h/.well/x",
                "http://h/a b", "http://h/a%20b", "http://h/x?", "http://h/x#frag", "http://h:080/x", "http://h/é",
                "http://h/it's(1)*;=:@!,", "http://h//x", "http://h/x?a=/b?c", "http://h/x.", "http://h/x/."]:
        p = PreparedRequest()
        p.prepare_url(url, None)
        assert prepared_url(url) == p.url, url


def test_a_run_of_plain_feeds_never_imports_requests(srv):
    code = ("import sys; from monitor.fetch import Fetcher; f = Fetcher(contact='x@example.org'); "
            f"r = f.get({srv.base + '/gzip'!r}); assert r.body.startswith(b'<rss'); "
            "print(f._plain is None or 'requests' not in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True", out.stderr


@pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="Linux only: elsewhere acknowledgements go as the system sends them")
def test_a_body_written_apart_from_its_headers_is_not_held_back(srv, monkeypatch):
    """A server that writes its headers and then its body in two sends (Python's http.server, as here and on the
    bench's farm) with Nagle's algorithm on sends the body only once the headers are acknowledged; on a kept
    connection Linux delays that acknowledgement (up to 40 ms), so every answer on it waited that long (round
    speed11 in bench/NOTES.md). The carrier asks for immediate acknowledgements after each request."""
    import statistics
    import time

    f = _fetcher(monkeypatch, True)
    took = []
    try:
        for _ in range(12):
            started = time.monotonic()
            assert f.get(srv.base + "/feed").body == FEED
            took.append(time.monotonic() - started)
    finally:
        f.close()
    assert srv.connections == 1  # one kept connection: where the delayed acknowledgements were
    assert statistics.median(took[2:]) < 0.02, took
