"""A feed farm: N synthetic RSS feeds served from this machine, for benchmarks.

Threaded HTTP servers on several loopback addresses (127.0.0.1, 127.0.0.2, ...: all of
127.0.0.0/8 reaches this machine), so the monitor's per-host politeness limit behaves as it
would with many real sites. Each request waits ``latency_ms`` before answering. With
``etag=True`` every feed carries an ETag and Last-Modified and answers 304 to a matching
conditional request; with ``etag=False`` it always answers 200 with the same body. A
``mention_share`` of entries mention the charity. Nothing leaves the loopback interface.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ("council", "parents", "families", "library", "funding", "volunteers", "nursery", "health", "visitor",
         "playgroup", "weather", "traffic", "school", "park", "community", "market", "charity", "festival")


def feed_body(i: int, entries: int, mention_share: float, rng: random.Random) -> bytes:
    items = []
    for j in range(entries):
        words = " ".join(rng.choice(WORDS) for _ in range(30))
        if rng.random() < mention_share:
            title = f"Parents praise New Baby Network in report {i}-{j}"
            desc = f"New Baby Network volunteers were thanked by parents. {words}."
        else:
            title = f"Local story {i}-{j} about {rng.choice(WORDS)}"
            desc = f"{words.capitalize()}."
        items.append(
            f"<item><title>{title}</title><link>https://news{i % 97}.example/{i}/{j}</link>"
            f"<guid>https://news{i % 97}.example/{i}/{j}</guid><description>{desc}</description>"
            f"<pubDate>Mon, 23 Nov 2026 {j % 24:02d}:00:00 GMT</pubDate></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {i}</title>'
            f"<link>https://news{i % 97}.example/</link><description>synthetic</description>{''.join(items)}"
            "</channel></rss>").encode()


class Farm:
    def __init__(self, feeds: int, entries: int, latency_ms: float, *, etag: bool = True, mention_share: float = 0.05,
                 hosts: int = 16, seed: int = 1):
        rng = random.Random(seed)
        self.latency = latency_ms / 1000
        self.etag = etag
        self.hosts = min(hosts, feeds)
        self.bodies = {f"/feed/{i}.xml": feed_body(i, entries, mention_share, rng) for i in range(feeds)}
        self.etags = {p: '"' + hashlib.sha1(b).hexdigest()[:16] + '"' for p, b in self.bodies.items()}
        self.last_modified = formatdate(1795500000, usegmt=True)
        self.servers: list[ThreadingHTTPServer] = []
        self.requests = 0
        self.first_at: float | None = None  # time.monotonic() of the first and last request (bench/timeline.py)
        self.last_at: float | None = None
        self._lock = threading.Lock()

    def start(self) -> "Farm":
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                with farm._lock:
                    farm.requests += 1
                    farm.last_at = time.monotonic()
                    if farm.first_at is None:
                        farm.first_at = farm.last_at
                time.sleep(farm.latency)
                body = farm.bodies.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                if farm.etag and self.headers.get("If-None-Match") == farm.etags[self.path]:
                    self.send_response(304)
                    self.send_header("ETag", farm.etags[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if farm.etag:
                    self.send_header("ETag", farm.etags[self.path])
                    self.send_header("Last-Modified", farm.last_modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        for h in range(self.hosts):
            server = ThreadingHTTPServer((f"127.0.0.{h + 1}", 0), Handler)
            server.daemon_threads = True
            server.request_queue_size = 512
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        return self

    def urls(self) -> list[str]:
        out = []
        for i, path in enumerate(self.bodies):
            host, port = self.servers[i % len(self.servers)].server_address[:2]
            out.append(f"http://{host}:{port}{path}")
        return out

    def stop(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


def farm_in_child(feeds: int, entries: int, latency_ms: float):
    """A farm served from a forked process, so its CPU is not the measured process's: returns
    ``(process, conn, urls)``; ``conn.send("stop")`` ends it, ``conn.send("times")`` answers
    ``(first, last)``: the ``time.monotonic()`` of the first and last request since the last ask
    (the clock is the machine's, so another process can compare it with its own)."""
    import multiprocessing

    def serve(conn):
        farm = Farm(feeds, entries, latency_ms).start()
        conn.send(farm.urls())
        while conn.recv() == "times":
            with farm._lock:
                conn.send((farm.first_at, farm.last_at))
                farm.first_at = farm.last_at = None

    parent, kid = multiprocessing.Pipe()
    proc = multiprocessing.get_context("fork").Process(target=serve, args=(kid,), daemon=True)
    proc.start()
    return proc, parent, parent.recv()
