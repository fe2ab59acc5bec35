"""Feed parsing on the machine's other cores, for runs that poll many feeds.

Fetching happens in threads, and everything in one process shares one interpreter lock:
parsing a feed and turning its entries into plain text is pure CPU, so while one thread
parses, the others cannot even read their sockets. With more than ``MIN_FEEDS`` feeds due,
``run_cycle`` starts a small process pool (one process per spare core) before its fetch
threads; ``RssSource.parse`` sends each body there and its thread waits without holding the
lock. Small runs (cron's usual handful of due feeds) and machines with one core parse in
the thread as before. If the pool cannot start or breaks, parsing falls back to the thread.
"""

from __future__ import annotations

import os

MIN_FEEDS = 40

_pool = None


def start(feeds: int) -> bool:
    """Start the pool when ``feeds`` is worth it; call before any thread is started (it forks)."""
    global _pool
    spare = (os.cpu_count() or 1) - 1
    if _pool is not None or feeds < MIN_FEEDS or spare < 1:
        return False
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from .sources import rss  # noqa: F401  (imported before the fork, so the workers start ready)

        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=min(spare, 2), mp_context=context)
        pool.submit(os.getpid).result(timeout=30)  # forks every worker now, while there are no threads
    except Exception:  # no fork on this platform, no /dev/shm, ...: parse in the threads
        return False
    _pool = pool
    return True


def stop() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def parse_feed(source: str, body: bytes, headers: dict[str, str], url: str):
    """``rss.parse_feed``, in the pool when there is one."""
    from .sources.rss import parse_feed as parse_here

    pool = _pool
    if pool is None:
        return parse_here(source, body, headers, url)
    try:
        future = pool.submit(_parse_in_worker, source, body, headers, url)
    except Exception:  # the pool broke or is shutting down
        return parse_here(source, body, headers, url)
    kind, value = future.result()
    if kind == "failed":
        from .sources.base import SourceFailed

        message, fields = value
        raise SourceFailed(message, **fields)
    return value


def _parse_in_worker(source, body, headers, url):
    """Runs in a pool process. SourceFailed comes back as data (its keyword fields do not pickle)."""
    from .sources.base import SourceFailed
    from .sources.rss import parse_feed as parse_here

    try:
        return "ok", parse_here(source, body, headers, url)
    except SourceFailed as exc:
        return "failed", (str(exc), {"outcome": exc.outcome, "status": exc.status, "retry_after": exc.retry_after,
                                     "bytes": exc.bytes, "duration": exc.duration})
