"""A lean carrier for the fetcher's plain GETs (a feed, with its conditional headers): ``http.client`` on
connections kept per host, at about a third of the CPU requests spends on a request (bench/NOTES.md, round
speed10), which is most of what the run's busy main process spends on fetching.

``Fetcher.request`` (monitor/fetch.py) keeps every rule as before, whichever carries the request: the host's
slots, a paced host's interval, the deadline's watchdog (told of each socket here), the size cap, the error
words. This module only carries one GET and its redirects the way the fetcher's requests session would:
the session's headers, the URL as requests prepares it, cookies from and to the session's jar, at most
``session.max_redirects`` redirects (followed as requests follows them), gzip and deflate bodies decoded,
the connect timeout and then the read timeout on the socket, the same certificate check (the session's CA
bundle, else certifi's, as requests uses). It is used only where the session reads nothing from the
environment (no proxy, no login: ``trust_env`` off), and only for a GET with no query parameters and no
headers but the conditional ones and ``Accept``; everything else goes through requests.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import zlib
from collections import OrderedDict
from types import SimpleNamespace
from urllib.parse import urljoin, urlparse, urlsplit

from .fetch import MAX_REDIRECTS  # the requests session's limit too

REDIRECTS = (301, 302, 303, 307, 308)
# A URL requests' preparation leaves as it is (lower-case scheme and host, no dot segments, nothing to quote or
# unquote): anything else is prepared by requests itself (``prepared_url``).
_SIMPLE = re.compile(r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::([1-9][0-9]{0,4}))?"
                     r"/[A-Za-z0-9_~!$&'()*+,;=:@/.-]*(?:\?[A-Za-z0-9_~!$&'()*+,;=:@/?.-]+)?")
_DOTS = re.compile(r"/\.\.?(?:/|$|\?)")
CODINGS = ("gzip", "x-gzip", "deflate")
# Linux's "acknowledge at once" (elsewhere: None, nothing asked). A server that writes its headers and then its body
# in two sends with Nagle's algorithm on (Python's http.server, the bench's farm) holds the body back until the
# headers are acknowledged, and on a kept connection Linux delays that acknowledgement (up to 40 ms): the body then
# waited that long. Asked after each request is sent (the kernel falls back to delaying by itself).
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)
PLAIN_HEADERS = frozenset({"if-none-match", "if-modified-since", "accept"})


class Failed(Exception):
    """The request produced no response: ``phase`` is "connect", "response" or "body"; ``host`` the server."""

    def __init__(self, phase: str, host: str, cause: BaseException):
        super().__init__(str(cause))
        self.phase, self.host, self.cause = phase, host, cause


class TooManyRedirects(Exception):
    pass


class Answer:
    """A response whose headers are in: ``read(n)`` gives the decoded body in pieces; ``close()`` keeps the
    connection for the next request to the host when the body was read to its end."""

    def __init__(self, client, key, conn, resp, url, history):
        self._client, self._key, self._conn, self._resp = client, key, conn, resp
        self.status, self.url, self.history = resp.status, url, history
        self.headers: dict[str, str] = {}
        for name, value in resp.getheaders():  # repeated headers joined as urllib3 joins them
            name = name.lower()
            self.headers[name] = f"{self.headers[name]}, {value}" if name in self.headers else value
        self._got = 0  # body bytes read, as sent
        self._coding = coding = self.headers.get("content-encoding", "").lower()
        # as urllib3 chooses: one known coding, or a list holding one (then each undone, the last applied first,
        # any but gzip read as deflate, as urllib3's MultiDecoder does)
        codings = [coding] if coding in CODINGS else [c.strip() for c in coding.split(",")] \
            if "," in coding and any(c.strip() in CODINGS for c in coding.split(",")) else []
        self._decoder = _Decoders(codings) if codings else None

    def read(self, amount: int) -> bytes:
        """Up to about ``amount`` decoded bytes; b"" at the end. Raises ``Failed("body", ...)``."""
        while True:
            try:
                raw = self._resp.read(amount)
            except Exception as exc:  # noqa: BLE001 (a socket error, a broken chunk, a short body)
                raise Failed("body", self._key[1], exc) from None
            if not raw and self._resp.length:  # the server closed before the length it declared
                raise Failed("body", self._key[1], _short_body(self._got, self._resp.length))
            self._got += len(raw)
            if self._decoder is None:
                return raw
            try:
                out = self._decoder.feed(raw) if raw else self._decoder.flush()
            except zlib.error as exc:
                raise Failed("body", self._key[1], ValueError(  # in urllib3's words
                    f"Received response with content-encoding: {self._coding}, but failed to decode it.", exc)) from None
            if out or not raw:
                return out

    def close(self) -> None:
        resp, conn = self._resp, self._conn
        if conn is None:
            return
        self._conn = None
        if resp.isclosed() and not resp.will_close and conn.sock is not None:
            self._client._put(self._key, conn)
        else:
            conn.close()


class _Decoders:
    """The body's codings undone in turn (urllib3's MultiDecoder; one coding: just its decoder)."""

    def __init__(self, codings):
        self._all = [_Decoder("gzip" if c in ("gzip", "x-gzip") else "deflate") for c in codings]
        self._too_many = len(codings) > 5

    def feed(self, data: bytes) -> bytes:
        if self._too_many:
            raise zlib.error(f"Too many content encodings in the chain: {len(self._all)} > 5")
        for d in reversed(self._all):
            data = d.feed(data)
        return data

    def flush(self) -> bytes:
        return self._all[0].flush()


class _Decoder:
    """gzip (every member; trailing bytes after a whole member ignored) or deflate (zlib-wrapped, else raw), the
    way urllib3's decoders read them."""

    def __init__(self, coding: str):
        self.gzip = coding != "deflate"
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS if self.gzip else zlib.MAX_WBITS)
        self._first: bytes | None = b""  # deflate: what came before the format is settled
        self._swallow = False  # gzip: garbage after a member

    def feed(self, data: bytes) -> bytes:
        if self.gzip:
            return self._gunzip(data)
        if self._first is None:
            return self._d.decompress(data)
        self._first += data
        try:
            out = self._d.decompress(data)
            if out:
                self._first = None
            return out
        except zlib.error:  # no zlib header: raw deflate
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            data, self._first = self._first, None
            return self._d.decompress(data)

    def _gunzip(self, data: bytes) -> bytes:
        if self._swallow:
            return b""
        out, later = b"", False
        while True:
            try:
                out += self._d.decompress(data)
            except zlib.error:
                if later:  # after a whole member: ignored, as urllib3 ignores it
                    self._swallow = True
                    return out
                raise
            data = self._d.unused_data
            if not data:
                return out
            self._d, later = zlib.decompressobj(16 + zlib.MAX_WBITS), True

    def flush(self) -> bytes:
        return b"" if self._swallow else self._d.flush()


class PlainClient:
    """GETs for one Fetcher: its headers and CA bundle, its requests session's cookies (the session is made only
    when there are cookies to keep or a URL that needs requests' own preparation)."""

    def __init__(self, fetcher, *, connect_timeout: float, read_timeout: float, pool_size: int, per_host: int):
        self.fetcher = fetcher
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.pool_size, self.per_host = max(1, pool_size), max(1, per_host)
        self._idle: OrderedDict = OrderedDict()  # (scheme, host, port) -> idle connections, least recently used first
        self._lock = threading.Lock()
        self._tls = None

    @staticmethod
    def takes(method: str, kwargs: dict) -> bool:
        """Whether a request is one this client carries (a plain GET) rather than requests."""
        if method != "GET" or set(kwargs) - {"headers", "params"} or kwargs.get("params"):
            return False
        return all(str(k).lower() in PLAIN_HEADERS for k in (kwargs.get("headers") or {}))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = list(self._idle.values()), OrderedDict()
        for conns in idle:
            for conn in conns:
                conn.close()

    # -- one GET and its redirects, as requests' Session.request and resolve_redirects do them -----------------

    def get(self, url: str, headers: dict | None, watch) -> Answer:
        url = prepared_url(url)
        sent = {**self.fetcher.headers, **(headers or {})}
        sent = {k: v for k, v in sent.items() if v is not None}
        history: list[int] = []
        previous_fragment = urlparse(url).fragment
        while True:
            answer = self._once(url, sent, watch, history)
            location = answer.headers.get("location") if answer.status in REDIRECTS else None
            if not location:
                return answer
            location = location.encode("latin1").decode("utf8")
            self._drain(answer)
            if len(history) >= MAX_REDIRECTS:
                raise TooManyRedirects()
            from requests.utils import requote_uri, to_native_string

            history.append(answer.status)
            if location.startswith("//"):
                location = f"{urlparse(answer.url).scheme}:{location}"
            parsed = urlparse(location)
            if parsed.fragment == "" and previous_fragment:
                parsed = parsed._replace(fragment=previous_fragment)
            elif parsed.fragment:
                previous_fragment = parsed.fragment
            location = parsed.geturl()
            url = to_native_string(urljoin(answer.url, requote_uri(location)) if not parsed.netloc
                                   else requote_uri(location))
            if urlparse(url).scheme not in ("http", "https"):
                raise Failed("connect", urlparse(url).hostname or "the server",
                             ValueError(f"No connection adapters were found for {url!r}"))

    def _drain(self, answer: Answer, limit: int = 1 << 20) -> None:
        """Read a redirect's body so that its connection can be used again (a large one: the connection closed)."""
        got = 0
        try:
            while got <= limit and (piece := answer._resp.read(65536)):
                got += len(piece)
        except Exception:  # noqa: BLE001 (requests, too, ignores a broken body on a redirect)
            pass
        if got > limit:
            answer._resp.close()
            answer._conn.close()
            answer._conn = None
        answer.close()

    def _once(self, url: str, headers: dict, watch, history: list[int]) -> Answer:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        key = (scheme, host, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = dict(headers)
        session = self.fetcher._session
        if session is not None and len(session.cookies):
            from requests.cookies import get_cookie_header

            cookie = get_cookie_header(session.cookies, SimpleNamespace(url=url, headers=sent))
            if cookie:
                sent["Cookie"] = cookie
        conn = self._take(key)
        for attempt in (0, 1):
            reused = conn is not None
            if conn is None:
                conn = self._connect(key)
            _note(watch, conn.sock)
            try:
                conn.request("GET", target, headers=sent)
                _quick_acks(conn.sock)
                resp = conn.getresponse()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                conn.close()
                conn = None
                if reused and attempt == 0 and not watch.expired:  # a kept connection the server had closed
                    continue
                raise Failed("response", host, exc) from None
            except Exception as exc:  # noqa: BLE001 (a timeout, a bad status line: no response)
                conn.close()
                raise Failed("response", host, exc) from None
        answer = Answer(self, key, conn, resp, url, list(history))
        if "set-cookie" in answer.headers or "set-cookie2" in answer.headers:
            from requests.cookies import extract_cookies_to_jar

            extract_cookies_to_jar(self.fetcher.session.cookies, SimpleNamespace(url=url, headers=sent),
                                   SimpleNamespace(_original_response=resp))
        return answer

    def _connect(self, key) -> http.client.HTTPConnection:
        scheme, host, port = key
        try:
            if scheme == "https":
                conn = http.client.HTTPSConnection(host, port, timeout=self.connect_timeout, context=self._context())
            else:
                conn = http.client.HTTPConnection(host, port, timeout=self.connect_timeout)
            conn.connect()
            conn.sock.settimeout(self.read_timeout)
        except Exception as exc:  # noqa: BLE001 (name lookup, refused, unreachable, certificate, timeout)
            raise Failed("connect", host, exc) from None
        return conn

    def _context(self):
        if self._tls is None:
            import ssl

            verify = self.fetcher.verify
            if isinstance(verify, str):
                cafile = verify
            else:
                import certifi  # what requests verifies with (requests.utils.DEFAULT_CA_BUNDLE_PATH)

                cafile = certifi.where()
            ctx = ssl.create_default_context(cafile=cafile)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            self._tls = ctx
        return self._tls

    def _take(self, key):
        """An idle connection to the host, or None. (Not polled first: a select() per request cost each fetch
        thread another wait for the interpreter lock; one the server closed meanwhile fails at once, before any
        answer, and the request is sent again on a new connection, ``_once``.)"""
        with self._lock:
            conns = self._idle.get(key)
            if not conns:
                return None
            self._idle.move_to_end(key)
            return conns.pop()

    def _put(self, key, conn) -> None:
        drop = []
        with self._lock:
            conns = self._idle.setdefault(key, [])
            self._idle.move_to_end(key)
            conns.append(conn)
            if len(conns) > self.per_host:
                drop.append(conns.pop(0))
            while len(self._idle) > self.pool_size:  # as many hosts kept as requests' pool manager keeps
                drop += self._idle.popitem(last=False)[1]
        for c in drop:
            c.close()


def prepared_url(url: str) -> str:
    """The URL requests would send and report for ``url`` (``PreparedRequest.prepare_url``; raises its errors)."""
    simple = _SIMPLE.fullmatch(url)
    if simple and not _DOTS.search(url.split("?", 1)[0]) and int(simple.group(1) or 0) <= 65535:
        return url
    from requests.models import PreparedRequest

    prepared = PreparedRequest()
    prepared.prepare_url(url, None)
    return prepared.url


class _IncompleteRead(http.client.IncompleteRead):
    def __repr__(self):  # as urllib3 writes it
        return f"IncompleteRead({len(self.partial)} bytes read, {self.expected} more expected)"


def _short_body(got: int, left: int) -> ValueError:
    """A body shorter than its Content-Length, in urllib3's words (http.client itself would say nothing)."""
    e = _IncompleteRead(b"\0" * got, left)
    return ValueError(f"Connection broken: {e!r}", e)


def _quick_acks(sock) -> None:
    """Ask the kernel to acknowledge what arrives on ``sock`` at once (``_QUICKACK``), for this answer."""
    if _QUICKACK is None or sock is None:
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
    except OSError:  # (not TCP: nothing to ask)
        pass


def _note(watch, sock) -> None:
    """Tell the request's watch which socket to shut at its deadline (and shut it now if already past)."""
    if watch is not None and sock is not None:
        watch.sock = sock
        if watch.expired:
            watch.cut()
