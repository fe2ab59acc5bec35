"""The baselines, each run as its own process exactly as ``monitor`` is (interpreter start, imports
and all), so that neither side shares a process, or the GIL, with the feed farm.

    python bench/baselines.py floor-same URLS WORKERS      # concurrent fetch, then parse with the run's parser
    python bench/baselines.py floor-same-2 URLS WORKERS    # the same on two cores: two processes, half each
    python bench/baselines.py floor-feedparser URLS WORKERS
    python bench/baselines.py fetch URLS WORKERS           # concurrent fetch only
    python bench/baselines.py conditional URLS WORKERS     # concurrent GETs with If-None-Match (URLS: url<TAB>etag)
    python bench/baselines.py naive URLS                   # one requests.get + feedparser.parse after another

URLS is a file with one address a line.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def fetch_all(lines: list[str], workers: int, conditional: bool = False) -> list[bytes]:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=workers, pool_maxsize=workers))

    def get(line: str) -> bytes:
        url, _tab, etag = line.partition("\t")
        headers = {"If-None-Match": etag} if conditional and etag else {}
        return session.get(url, headers=headers, timeout=30).content

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(get, lines))


def same_parser():
    """The run's parser for a well-formed feed: monitor.sources.rss's fast path when it has one."""
    import feedparser

    def slow(body):
        return feedparser.parse(body, response_headers={"content-type": "application/rss+xml"})

    from monitor.sources import rss

    fast = getattr(rss, "_fast_parse", None)
    if fast is not None:
        try:
            import feedparser_rs  # noqa: F401
        except ImportError:
            fast = None
    if fast is None:
        return "feedparser", slow
    return "feedparser-rs, feedparser when it declines", lambda body: fast(body) or slow(body)


def feedparser_parse(body):
    import feedparser

    return feedparser.parse(body, response_headers={"content-type": "application/rss+xml"})


def main(argv: list[str]) -> int:
    mode, urls_file = argv[0], argv[1]
    workers = int(argv[2]) if len(argv) > 2 else 1
    lines = Path(urls_file).read_text().split("\n")
    lines = [x for x in lines if x]
    if mode == "naive":
        import feedparser
        import requests

        for line in lines:
            feedparser.parse(requests.get(line.partition("\t")[0], timeout=30).content)
    elif mode in ("fetch", "conditional"):
        fetch_all(lines, workers, conditional=mode == "conditional")
    elif mode == "floor-same-2":  # (not the floor: what two processes doing the floor's work reach)
        import os

        import requests  # noqa: F401  (imported once, before the fork, as the one-process floor imports it once)

        parse = same_parser()[1]
        half = len(lines) // 2
        pid = os.fork()
        mine = lines[half:] if pid == 0 else lines[:half]
        for body in fetch_all(mine, max(1, workers // 2)):
            parse(body)
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    elif mode in ("floor-same", "floor-feedparser"):
        parse = same_parser()[1] if mode == "floor-same" else feedparser_parse
        for body in fetch_all(lines, workers):
            parse(body)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
