"""The fetcher's deadline (``Fetcher.deadline``): a watchdog thread shuts the socket of a request that passes it,
so a server that drips one byte a second, in its headers or its body, cannot hold a run hostage. Requests
tell their ``_Watch`` which socket they use: through requests, ``_watched_adapter``'s connection pools; through
``fetch_plain``, the client itself. (Moved out of monitor/fetch.py unchanged, which keeps the rules.)"""

from __future__ import annotations

import threading
import time

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
