"""Polite HTTP fetching shared by every source kind.

One ``requests`` session for the whole run, a descriptive User-Agent with a
contact address, connect/read timeouts plus a wall-clock deadline per request
(``settings.fetch_deadline``, 70 s): a watchdog thread shuts the socket of a
request that passes it, so a server that drips one byte a second, in its
headers or its body, cannot hold a run hostage. Then a streamed size cap,
conditional GET headers, at most ``per_host`` requests to one host at a time,
a minimum interval between requests to a host whose service asks for one
(declared by the source kind, ``Source.min_interval``: GDELT's one request
every 5 seconds), and ``Retry-After`` parsed for the caller. Nothing here decides what a status
means for a source: that is ``sources.base``'s job.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timezone
from urllib.parse import urlsplit

from . import __version__

PERMANENT = (301, 308)


class FetchError(Exception):
    """The request produced no usable response (network error, timeout, too big)."""


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]  # names lower-cased, as feedparser wants them
    body: bytes = b""
    elapsed: float = 0.0
    moved_to: str | None = None  # set when every redirect on the way was permanent
    retry_after: float | None = None  # seconds, from a Retry-After header
    history: list[int] = field(default_factory=list)


def user_agent(contact: str) -> str:
    return f"NewBabyNetworkMonitor/{__version__} (+{contact}; mention monitor for a small charity)"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    import email.utils  # here, not at the top: every command imports this module to read the config

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _ca_bundle() -> str | None:
    """The CA bundle requests (``trust_env``) would take from the environment for every request, if any."""
    import os

    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def _nothing_in_environment() -> bool:
    """True when requests (``trust_env``) would find nothing to use in the environment but a CA bundle
    variable (``_ca_bundle``, which the session is then given itself): no proxy variables, no netrc file."""
    import os
    import urllib.request

    if urllib.request.getproxies():
        return False
    if os.environ.get("NETRC") is not None:
        return False
    return not any(os.path.exists(os.path.expanduser(f"~/{name}")) for name in (".netrc", "_netrc"))


class Fetcher:
    """Thread-safe GETs with the limits from ``settings``."""

    # When each paced host was last asked, for the whole process: a service's "one request every
    # N seconds" is a rule about this machine, not about one run's Fetcher.
    _paced_at: dict[str, float] = {}
    _paced_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
    _paced_guard = threading.Lock()

    def __init__(
        self,
        *,
        contact: str,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_bytes: int = 5 * 1024 * 1024,
        per_host: int = 2,
        pool_size: int = 8,
        deadline: float | None = None,
    ):
        import requests

        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline or connect_timeout + 2 * read_timeout
        self.max_bytes = max_bytes
        self.per_host = per_host
        self.session = requests.Session()
        self.session.max_redirects = 5
        self.session.headers.update(
            {
                "User-Agent": user_agent(contact),
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            }
        )
        # requests looks in the environment for proxies, a CA bundle and a ~/.netrc login on every request
        # (and again on every redirect): a tenth to a quarter of a fetch thread's CPU (it walks every environment
        # variable twice a request). With no proxy and no login there, it is told not to look, and a CA bundle
        # variable (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE: a sandbox, a company's own CA) is given to the session
        # as requests would have taken it for each request: the same requests go out, checked the same way.
        self.session.trust_env = not _nothing_in_environment()
        if not self.session.trust_env and (bundle := _ca_bundle()):
            self.session.verify = bundle
        adapter = _watched_adapter()(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._slots: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
        self._slots_lock = threading.Lock()
        self._watchdog = _Watchdog()

    def close(self) -> None:
        self._watchdog.stop()
        self.session.close()

    @classmethod
    def _wait_turn(cls, url: str, interval: float) -> None:
        """Sleep until ``interval`` seconds have passed since the last paced request to this host."""
        if not interval or interval <= 0:
            return
        host = (urlsplit(url).hostname or "").lower()
        with cls._paced_guard:
            lock = cls._paced_locks[host]
        with lock:  # one paced request to a host starts at a time; other hosts are not held up
            last = cls._paced_at.get(host)
            wait = last + interval - time.monotonic() if last is not None else 0.0
            if wait > 0:
                time.sleep(wait)
            cls._paced_at[host] = time.monotonic()

    def _slot(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._slots_lock:
            return self._slots[host]

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        params: dict | None = None,
        headers: dict | None = None,
        min_interval: float = 0.0,
    ) -> Response:
        """GET ``url``; any HTTP status comes back as a Response, transport trouble as FetchError.

        ``min_interval``: seconds to keep between requests to this host (the source kind's declaration).
        """
        extra = dict(headers or {})
        if etag:
            extra["If-None-Match"] = etag
        if last_modified:
            extra["If-Modified-Since"] = last_modified
        return self.request("GET", url, params=params, headers=extra, min_interval=min_interval)

    def post(self, url: str, *, json: dict | None = None, data: dict | None = None, headers: dict | None = None,
             auth: tuple[str, str] | None = None, min_interval: float = 0.0) -> Response:
        """POST (logins: Bluesky sessions, Reddit tokens) with the same limits as GET."""
        return self.request("POST", url, json=json, data=data, headers=headers, auth=auth, min_interval=min_interval)

    def request(self, method: str, url: str, *, min_interval: float = 0.0, **kwargs) -> Response:
        import requests

        self._wait_turn(url, min_interval)
        with self._slot(url):
            started = time.monotonic()
            watch = self._watchdog.watch(started + self.deadline)
            too_slow = f"server too slow: no complete answer within {self.deadline:g}s"
            try:
                try:
                    r = self.session.request(
                        method,
                        url,
                        timeout=(self.connect_timeout, self.read_timeout),
                        stream=True,
                        allow_redirects=True,
                        **kwargs,
                    )
                except requests.exceptions.Timeout:
                    if watch.expired:
                        raise FetchError(too_slow) from None
                    raise FetchError(f"timed out after {self.read_timeout:g}s waiting for the server") from None
                except requests.exceptions.TooManyRedirects:
                    raise FetchError("too many redirects (more than 5)") from None
                except requests.exceptions.RequestException as exc:
                    if watch.expired:
                        raise FetchError(too_slow) from None
                    raise FetchError(_short(exc)) from None
                try:
                    body = self._read_capped(r, watch)
                finally:
                    r.close()
                if watch.expired:  # the socket was shut under a body with no declared length
                    raise FetchError(too_slow)
            finally:
                self._watchdog.release(watch)
        hist = [h.status_code for h in r.history]
        moved_to = r.url if hist and all(code in PERMANENT for code in hist) and r.url != url else None
        return Response(
            status=r.status_code,
            url=r.url,
            headers={k.lower(): v for k, v in r.headers.items()},
            body=body,
            elapsed=time.monotonic() - started,
            moved_to=moved_to,
            retry_after=parse_retry_after(r.headers.get("Retry-After")),
            history=hist,
        )

    def _read_capped(self, r, watch: "_Watch") -> bytes:
        import requests
        from urllib3.exceptions import ReadTimeoutError

        declared = r.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"response is {int(declared):,} bytes, over the {self.max_bytes:,}-byte cap")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in r.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"response passed the {self.max_bytes:,}-byte cap; stopped reading")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            if watch.expired:
                raise FetchError(f"server too slow: no complete answer within {self.deadline:g}s") from None
            if any(isinstance(e, (TimeoutError, ReadTimeoutError, requests.exceptions.Timeout)) for e in _chain(exc)):
                raise FetchError(f"timed out after {self.read_timeout:g}s while reading the response") from None
            raise FetchError(f"connection broke while reading: {_short(exc)}") from None
        return b"".join(chunks)


# --------------------------------------------------------------------------- the deadline

_current = threading.local()  # the watch of the request this thread is making


class _Watch:
    """One request's deadline and the socket it is using (noted when urllib3 connects or reuses one)."""

    def __init__(self, deadline_at: float):
        self.deadline_at = deadline_at
        self.sock = None
        self.expired = False

    def cut(self) -> None:
        """Shut the request's socket: a blocked recv() returns at once, in whichever thread."""
        self.expired = True
        sock = self.sock
        if sock is not None:
            import socket

            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also under TLS
            except OSError:
                pass


class _Watchdog:
    """One thread per Fetcher that cuts every request still running at its deadline.

    Requests come and go without taking its lock (a dict's insert and pop are atomic): sixteen
    fetch threads taking one lock twice per request queued behind whichever of them the
    interpreter had paused while holding it. The lock is taken only to start the thread or to wake
    it for a deadline earlier than the one it sleeps to; it also looks by itself every
    ``LOOK_EVERY`` seconds, so a request added while it was working out its next wake-up is cut
    at most that late."""

    LOOK_EVERY = 1.0

    def __init__(self):
        self._watches: dict[_Watch, None] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._wake_at = float("inf")  # when the thread looks again by itself

    def watch(self, deadline_at: float) -> _Watch:
        w = _Watch(deadline_at)
        _current.watch = w
        self._watches[w] = None
        if self._thread is None or deadline_at < self._wake_at:  # (every request has the same allowance: rarely)
            with self._cond:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="fetch-deadline", daemon=True)
                    self._thread.start()
                else:
                    self._cond.notify()
        return w

    def release(self, w: _Watch) -> None:
        _current.watch = None
        self._watches.pop(w, None)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                now = time.monotonic()
                wait = self.LOOK_EVERY
                for w in list(self._watches):
                    if now >= w.deadline_at:
                        w.cut()  # again every 0.2 s while it runs: it may have been connecting
                        wait = min(wait, 0.2)
                    else:
                        wait = min(wait, w.deadline_at - now)
                self._wake_at = now + wait
                self._cond.wait(wait)


def _watched_adapter():
    """requests' HTTPAdapter whose connection pools tell the thread's watch which connection it got."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def note(conn) -> None:
        # The socket itself is kept: http.client drops conn.sock once a close-delimited body starts.
        w = getattr(_current, "watch", None)
        if w is not None and conn.sock is not None:
            w.sock = conn.sock
            if w.expired:
                w.cut()

    class WatchedConnection(HTTPConnection):
        def connect(self):
            super().connect()
            note(self)

    class WatchedHTTPSConnection(HTTPSConnection):
        def connect(self):
            super().connect()
            note(self)

    class Watched:
        def _get_conn(self, timeout=None):
            conn = super()._get_conn(timeout)
            note(conn)  # a reused connection is not connected again
            return conn

    class WatchedPool(Watched, HTTPConnectionPool):
        ConnectionCls = WatchedConnection

    class WatchedHTTPSPool(Watched, HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPSConnection

    class WatchedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": WatchedPool, "https": WatchedHTTPSPool}

    return WatchedAdapter


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything under it: requests wraps urllib3, which wraps the socket's own error."""
    seen: list[BaseException] = []
    todo: list = [exc]
    while todo:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [getattr(e, "reason", None), e.__cause__, e.__context__, *e.args]
    return seen


def _host(exc: Exception, chain: list[BaseException]) -> str:
    """The host the failing connection was for: urllib3's pool knows it, else the request's address."""
    for e in chain:
        host = getattr(getattr(e, "pool", None), "host", None)
        if host:
            return str(host)
    request = getattr(exc, "request", None)
    host = urlsplit(getattr(request, "url", None) or "").hostname if request is not None else None
    return host or "the server"


def _short(exc: Exception) -> str:
    """What went wrong in words a volunteer can act on, not urllib3's nested reprs (judged by exception type)."""
    import errno
    import socket
    import ssl

    from requests.exceptions import SSLError as RequestsSSLError
    from urllib3.exceptions import NameResolutionError
    from urllib3.exceptions import SSLError as Urllib3SSLError

    chain = _chain(exc)
    where = _host(exc, chain)
    codes = {e.errno for e in chain if isinstance(e, OSError)}
    if any(isinstance(e, (NameResolutionError, socket.gaierror)) for e in chain):
        return f"cannot find {where} (name lookup failed): is this machine online, and is the address right?"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or errno.ECONNREFUSED in codes:
        return f"{where} refused the connection (nothing listening there?)"
    if any(isinstance(e, (ssl.SSLError, RequestsSSLError, Urllib3SSLError)) for e in chain):
        return f"secure connection to {where} failed (certificate problem)"
    if codes & {errno.ENETUNREACH, errno.EHOSTUNREACH}:
        return f"cannot reach {where}: network unreachable"
    text = str(exc)
    if "Caused by" in text:
        text = text.split("Caused by", 1)[1].strip(" ()'\"")
    return text[:200]
