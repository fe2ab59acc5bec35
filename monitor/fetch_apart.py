"""A second fetching process for a run of many feeds (issue 14): the other core fetches and parses some hosts.

One interpreter with 16 fetch threads is bound by its interpreter lock, not by the network: each request
waits for the lock several times, so a round of 16 requests took ~75 ms on a 50 ms farm. With
``APART_FROM`` or more RSS sources due on two or more hosts, the run forks one process before its fetch
threads start and gives it about half of the **hosts** (every source of a host goes to the same process, so
the per-host limit, ``Fetcher``'s, still holds for each host: nothing about politeness moves). The child makes
its own ``Fetcher`` with the run's settings (the same rules: timeouts, deadline, size cap, conditional GETs),
polls its sources exactly as a fetch thread does (``pipeline._poll``: fetch and parse), and hands each
poll back pickled on a pipe as soon as it is done. The main process stores them, sends their items to the
analysis worker, and decides back-off, exactly as for its own polls.

Sources with a paced host (``min_interval``: GDELT) and every kind but RSS stay in the main process. A
source the child never answered (the child died, or could not start) is polled by the main process itself
when the pipe closes: nothing is lost. ``MONITOR_FETCH_APART=0`` turns it off, ``=1`` forces it.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
from collections import defaultdict
from concurrent.futures import Future
from urllib.parse import urlsplit

APART_FROM = 40  # RSS sources due, as the analysis worker's MIN_SOURCES
SHARE = 0.5  # of the sources due, to the child
_HEAD = struct.Struct("!II")  # the source's index, the pickle's length


def _host(src, state) -> str | None:
    """The host an RSS source's request goes to first (None: it stays in the main process)."""
    if getattr(src, "kind", "") != "rss" or getattr(src, "min_interval", 0.0):
        return None
    try:
        return (urlsplit(state.moved_to or src.feed_url()).hostname or "").lower() or None
    except (AttributeError, ValueError):
        return None


def split(todo: list) -> tuple[list, list]:
    """(the main process's share, the child's) of ``todo`` [(config, source, state)], by whole hosts:
    hosts in order of size, each to the side with fewer sources so far."""
    setting = os.environ.get("MONITOR_FETCH_APART", "")
    by_host: dict[str, list] = defaultdict(list)
    rest = []
    for entry in todo:
        host = _host(entry[1], entry[2])
        (by_host[host] if host else rest).append(entry)
    if setting == "0" or len(by_host) < 2 or (setting != "1" and (
            sum(map(len, by_host.values())) < APART_FROM or (os.cpu_count() or 1) < 2)):
        return todo, []
    mine, theirs = list(rest), []
    total = len(todo)
    for host in sorted(by_host, key=lambda h: -len(by_host[h])):
        (theirs if len(theirs) + len(by_host[host]) / 2 <= SHARE * total else mine).extend(by_host[host])
    # back in the config's order: a host's sources one after another would hold all threads but per_host
    # waiting for that host's turn
    order = {id(entry): i for i, entry in enumerate(todo)}
    return sorted(mine, key=lambda e: order[id(e)]), sorted(theirs, key=lambda e: order[id(e)])


class Apart:
    """The child's polls as futures the run waits on like its own (``future.result()`` is the Poll)."""

    def __init__(self, entries: list, fetcher_args: dict, poll, lock_fd: int | None = None):
        self.entries = entries
        self.futures = [Future() for _ in entries]
        self.pid = None
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            self.pid = None
            return
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(entries, fetcher_args, poll, write, lock_fd)
        os.close(write)
        self.pid = pid
        self._read = os.fdopen(read, "rb", buffering=1 << 16)

    def start(self, fallback) -> None:
        """Read the child's polls on a thread; ``fallback(index)``: a Future of the main process's own poll of
        an entry the child never answered (the pipe closed without it)."""
        if self.pid is None:
            self._settle(fallback)
            return
        threading.Thread(target=self._reader, args=(fallback,), name="fetch-apart", daemon=True).start()

    def _reader(self, fallback) -> None:
        try:
            while head := self._read.read(_HEAD.size):
                if len(head) < _HEAD.size:
                    break
                index, size = _HEAD.unpack(head)
                data = self._read.read(size)
                if len(data) < size:
                    break
                poll = pickle.loads(data)
                poll.sent = None
                self.futures[index].set_result(poll)
        except Exception:  # a broken pipe or pickle: whatever was not answered is polled here
            pass
        finally:
            self._read.close()
            try:
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self._settle(fallback)

    def _settle(self, fallback) -> None:
        for index, future in enumerate(self.futures):
            if not future.done():
                fallback(index).add_done_callback(lambda got, f=future: f.set_result(got.result()))


def _child(entries: list, fetcher_args: dict, poll, write: int, lock_fd: int | None) -> None:
    code = 0
    try:
        if lock_fd is not None:
            try:
                os.close(lock_fd)  # (closing, not unlocking: the run keeps the lock)
            except OSError:
                pass
        from concurrent.futures import ThreadPoolExecutor

        from .fetch import Fetcher

        out = os.fdopen(write, "wb", buffering=0)
        sending = threading.Lock()
        fetcher = Fetcher(**fetcher_args)

        def one(index: int) -> None:
            _sc, src, state = entries[index]
            data = pickle.dumps(poll(src, fetcher, state), protocol=pickle.HIGHEST_PROTOCOL)
            with sending:
                out.write(_HEAD.pack(index, len(data)) + data)

        workers = max(1, min(len(entries), fetcher_args.get("pool_size") or 8))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apart") as pool:
            for _ in pool.map(one, range(len(entries))):
                pass
        fetcher.close()
        out.close()
    except BaseException:
        code = 1
    finally:
        os._exit(code)
