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

A plain GET (a feed: no query parameters, only conditional headers) is carried by ``fetch_plain``
(``http.client`` on connections kept per host, far less CPU a request) when requests would read
nothing from the environment; every rule here applies to it the same. The deadline's watchdog
lives in ``fetch_deadline``.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timezone
from urllib.parse import urlsplit

from . import __version__
from .fetch_deadline import _Watch, _Watchdog, _watched_adapter  # noqa: F401  (the deadline's machinery)

PERMANENT = (301, 308)
MAX_REDIRECTS = 5
ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, "
          "*/*;q=0.5")


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
    import sys

    if sys.platform in ("darwin", "win32"):  # the system's own proxy settings too (urllib's getproxies reads them)
        import urllib.request

        if urllib.request.getproxies():
            return False
    elif any(value and name[-6:].lower() == "_proxy" for name, value in os.environ.items()):
        # urllib's getproxies here reads only these variables; any of them set, requests looks (a variable that
        # urllib would then ignore too: the cautious side). Not importing urllib.request saves a cold run 14 ms
        # of start-up, before its first request (round speed11 in bench/NOTES.md).
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
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline or connect_timeout + 2 * read_timeout
        self.max_bytes = max_bytes
        self.per_host = per_host
        self.pool_size = pool_size
        # What every request sends: requests' own defaults (default_headers) with ours over them, in its order.
        self.headers = {"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate", "Accept": ACCEPT,
                        "Connection": "keep-alive"}
        # requests looks in the environment for proxies, a CA bundle and a ~/.netrc login on every request
        # (and again on every redirect): a tenth to a quarter of a fetch thread's CPU (it walks every environment
        # variable twice a request). With no proxy and no login there, it is told not to look, and a CA bundle
        # variable (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE: a sandbox, a company's own CA) is given to the session
        # as requests would have taken it for each request: the same requests go out, checked the same way.
        self.trust_env = not _nothing_in_environment()
        self.verify = (_ca_bundle() or True) if not self.trust_env else True
        self._session = None  # made at its first use (``session``): a run of feeds alone may never import requests
        self._session_lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
        self._slots_lock = threading.Lock()
        self._watchdog = _Watchdog()
        # Plain GETs (feeds) go by a leaner carrier on the same rules (monitor/fetch_plain.py) when requests would
        # take nothing from the environment; MONITOR_PLAIN_GET=0 sends everything through requests.
        self._plain = None
        if not self.trust_env and os.environ.get("MONITOR_PLAIN_GET", "1") != "0":
            from .fetch_plain import PlainClient

            self._plain = PlainClient(self, connect_timeout=connect_timeout, read_timeout=read_timeout,
                                      pool_size=pool_size, per_host=per_host)

    @property
    def session(self):
        """The requests session (every request but the plain GETs ``fetch_plain`` carries), made when first needed."""
        if self._session is None:
            with self._session_lock:
                if self._session is None:
                    import requests

                    session = requests.Session()
                    session.max_redirects = MAX_REDIRECTS
                    session.headers.update(self.headers)
                    session.trust_env = self.trust_env
                    if self.verify is not True:
                        session.verify = self.verify
                    adapter = _watched_adapter()(pool_connections=self.pool_size, pool_maxsize=self.pool_size,
                                                 max_retries=0)
                    session.mount("http://", adapter)
                    session.mount("https://", adapter)
                    self._session = session
        return self._session

    def close(self) -> None:
        self._watchdog.stop()
        if self._plain is not None:
            self._plain.close()
        if self._session is not None:
            self._session.close()

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
        self._wait_turn(url, min_interval)
        with self._slot(url):
            started = time.monotonic()
            watch = self._watchdog.watch(started + self.deadline)
            try:
                if self._plain is not None and self._plain.takes(method, kwargs):
                    status, final_url, headers, body, hist = self._plain_get(url, kwargs.get("headers"), watch)
                else:
                    status, final_url, headers, body, hist = self._through_requests(method, url, watch, kwargs)
            finally:
                self._watchdog.release(watch)
        moved_to = final_url if hist and all(code in PERMANENT for code in hist) and final_url != url else None
        return Response(
            status=status,
            url=final_url,
            headers=headers,
            body=body,
            elapsed=time.monotonic() - started,
            moved_to=moved_to,
            retry_after=parse_retry_after(headers.get("retry-after")),
            history=hist,
        )

    def _too_slow(self) -> str:
        return f"server too slow: no complete answer within {self.deadline:g}s"

    def _through_requests(self, method: str, url: str, watch: "_Watch", kwargs: dict):
        import requests

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
                raise FetchError(self._too_slow()) from None
            raise FetchError(f"timed out after {self.read_timeout:g}s waiting for the server") from None
        except requests.exceptions.TooManyRedirects:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from None
        except requests.exceptions.RequestException as exc:
            if watch.expired:
                raise FetchError(self._too_slow()) from None
            raise FetchError(_short(exc)) from None
        try:
            body = self._read_capped(r, watch)
        finally:
            r.close()
        if watch.expired:  # the socket was shut under a body with no declared length
            raise FetchError(self._too_slow())
        return (r.status_code, r.url, {k.lower(): v for k, v in r.headers.items()}, body,
                [h.status_code for h in r.history])

    def _plain_get(self, url: str, headers: dict | None, watch: "_Watch"):
        """A plain GET through ``fetch_plain`` (the same rules and words as through requests)."""
        from .fetch_plain import Failed, TooManyRedirects

        try:
            answer = self._plain.get(url, headers, watch)
        except TooManyRedirects:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from None
        except Failed as exc:
            if watch.expired:
                raise FetchError(self._too_slow()) from None
            if isinstance(exc.cause, TimeoutError):
                raise FetchError(f"timed out after {self.read_timeout:g}s waiting for the server") from None
            raise FetchError(_words(_chain(exc.cause), exc.host, str(exc.cause) or type(exc.cause).__name__)) from None
        except ValueError as exc:  # the URL itself (no scheme, no host...: requests' errors, also ValueErrors)
            raise FetchError(_short(exc)) from None
        try:
            body = self._capped(answer.headers.get("content-length"), iter(lambda: answer.read(65536), b""))
        except Failed as exc:
            if watch.expired:
                raise FetchError(self._too_slow()) from None
            if isinstance(exc.cause, TimeoutError):
                raise FetchError(f"timed out after {self.read_timeout:g}s while reading the response") from None
            text = str(exc.cause) or type(exc.cause).__name__
            raise FetchError(f"connection broke while reading: {_words(_chain(exc.cause), exc.host, text)}") from None
        finally:
            answer.close()
        if watch.expired:
            raise FetchError(self._too_slow())
        return answer.status, answer.url, answer.headers, body, answer.history

    def _read_capped(self, r, watch: "_Watch") -> bytes:
        import requests
        from urllib3.exceptions import ReadTimeoutError

        try:
            return self._capped(r.headers.get("Content-Length"), r.iter_content(chunk_size=65536))
        except requests.exceptions.RequestException as exc:
            if watch.expired:
                raise FetchError(self._too_slow()) from None
            if any(isinstance(e, (TimeoutError, ReadTimeoutError, requests.exceptions.Timeout)) for e in _chain(exc)):
                raise FetchError(f"timed out after {self.read_timeout:g}s while reading the response") from None
            raise FetchError(f"connection broke while reading: {_short(exc)}") from None

    def _capped(self, declared: str | None, chunks) -> bytes:
        """The body from ``chunks``, refused if its declared length or what arrives passes ``max_bytes`` (both
        routes; a route's own errors while reading pass through to it)."""
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"response is {int(declared):,} bytes, over the {self.max_bytes:,}-byte cap")
        got: list[bytes] = []
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"response passed the {self.max_bytes:,}-byte cap; stopped reading")
            got.append(chunk)
        return b"".join(got)


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
    chain = _chain(exc)
    text = str(exc)
    if "Caused by" in text:
        text = text.split("Caused by", 1)[1].strip(" ()'\"")
    return _words(chain, _host(exc, chain), text)


def _words(chain: list[BaseException], where: str, text: str) -> str:
    """``_short``'s words for an error (``chain``: it and its causes) on a request to ``where``."""
    import errno
    import socket
    import ssl

    from requests.exceptions import SSLError as RequestsSSLError
    from urllib3.exceptions import NameResolutionError
    from urllib3.exceptions import SSLError as Urllib3SSLError

    codes = {e.errno for e in chain if isinstance(e, OSError)}
    if any(isinstance(e, (NameResolutionError, socket.gaierror)) for e in chain):
        return f"cannot find {where} (name lookup failed): is this machine online, and is the address right?"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or errno.ECONNREFUSED in codes:
        return f"{where} refused the connection (nothing listening there?)"
    if any(isinstance(e, (ssl.SSLError, RequestsSSLError, Urllib3SSLError)) for e in chain):
        return f"secure connection to {where} failed (certificate problem)"
    if codes & {errno.ENETUNREACH, errno.EHOSTUNREACH}:
        return f"cannot reach {where}: network unreachable"
    return text[:200]
