"""Crash test: SIGKILL `monitor run` at random moments, N rounds, then one run that may finish.

Every round the feeds carry new posts (``--per-round`` more per feed), so every round has
mentions to store and alerts to send, and a kill can land anywhere in a run.

Everything is real and on loopback: RSS feeds from an http.server, an SMTP server (aiosmtpd,
the test extra) that records every email it accepts, a real SQLite file, and the real
`monitor run` (its code forked from a warm parent process, so a round costs the run itself,
not Python's start-up). After the rounds it checks what the README promises:

- the database is intact (``pragma integrity_check``);
- every mention is stored exactly once;
- every delivery in the outbox was accepted by the SMTP server (nothing lost);
- every email that arrived twice (the kill landed after the server accepted it and before
  the run wrote that down) carries the same Message-ID both times, so mail clients show it once.

    python bench/crash.py [--feeds 10] [--per-round 3] [--rounds 48] [--max-delay 4] [--seed 1]

Exit 0 when every check holds. tests/test_delivery.py runs it at a size that takes seconds.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The parent of every run: imports everything once, then forks one child per round.
ZYGOTE = r"""
import os, sys
import monitor.notify as notify
notify.SEND_INTERVAL = 0  # apprise would otherwise wait 5.5 s between emails
from monitor.cli import cli
import apprise, feedparser, jinja2, requests, vaderSentiment.vaderSentiment  # noqa: F401 (warm imports)
import monitor.analyse, monitor.fetch, monitor.pipeline, monitor.sources.rss  # noqa: F401
apprise.Apprise().add(sys.argv[1])  # loads the email plugin
args = sys.argv[2:]
devnull = os.open(os.devnull, os.O_WRONLY)
for _line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = 0
        try:
            cli.main(args=args, prog_name="monitor", standalone_mode=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 99
        os._exit(code)
    print(pid, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def feed(f: int, per_feed: int) -> bytes:
    """Feed ``f`` with its first ``per_feed`` posts (newest first, as feeds list them)."""
    items = "".join(
        f"<item><title>{_x(f'Complaint {i} (feed {f}): New Baby Network ignored me')}</title>"
        f"<link>https://forum{f}.example/t/{i}</link><guid>https://forum{f}.example/t/{i}</guid>"
        f"<description>I messaged New Baby Network {i} times and nobody replied. Really let down.</description></item>"
        for i in reversed(range(per_feed)))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f</title>'
            f"<link>https://example.org/</link><description>d</description>{items}</channel></rss>").encode()


class Feeds:
    """``feeds`` RSS feeds on loopback; ``grow()`` adds ``per_round`` posts to each."""

    def __init__(self, feeds: int, per_round: int):
        self.bodies: dict[str, bytes] = {}
        self.feeds, self.per_round, self.posts = feeds, per_round, 0
        self.grow()
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = bodies.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def grow(self) -> None:
        self.posts += self.per_round
        self.bodies.update({f"/f{f}": feed(f, self.posts) for f in range(self.feeds)})

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """aiosmtpd on loopback: keeps (Message-ID, subject) of every email it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, str]] = []
        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                box.received.append((str(msg["Message-ID"]), str(msg["Subject"])))
                return "250 OK"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.url = f"mailto://127.0.0.1:{self.port}?mode=insecure&from=monitor@nbn.example&to=directors@nbn.example"

    def close(self):
        self.controller.stop()


def write_config(folder: Path, feeds_url: str, feeds: int, mail_url: str) -> Path:
    import yaml

    shipped = yaml.safe_load((REPO / "feeds.yaml").read_text())
    doc = {
        "organisation": shipped["organisation"],
        "settings": {"database": "monitor.db", "alerts_dir": str(REPO / "alerts"), "read_timeout": "5s",
                     "connect_timeout": "5s"},
        "sources": [{"name": f"f{f}", "kind": "rss", "url": f"{feeds_url}/f{f}"} for f in range(feeds)],
        "escalation": shipped["escalation"], "thresholds": shipped["thresholds"],
        "channels": {"email": mail_url}, "routes": {"alert": ["email"], "crisis": ["email"]},
    }
    path = folder / "feeds.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return path


def run(*, feeds: int = 10, per_round: int = 3, rounds: int = 48, max_delay: float = 4.0, seed: int = 1,
        folder: Path | None = None) -> dict:
    """The crash rounds and the figures (see the module docstring)."""
    rng = random.Random(seed)
    folder = Path(folder or tempfile.mkdtemp(prefix="nbn-crash-"))
    server, mailbox = Feeds(feeds, per_round), Mailbox()
    started = time.monotonic()
    try:
        config = write_config(folder, server.url, feeds, mailbox.url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
        zygote = subprocess.Popen([sys.executable, "-c", ZYGOTE, mailbox.url, "--config", str(config), "run", "--quiet", "--force"],
                                  cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        killed, finished, exits = 0, 0, Counter()
        try:
            for r in range(rounds + 1):
                if r:
                    server.grow()
                zygote.stdin.write("run\n")
                zygote.stdin.flush()
                pid = int(zygote.stdout.readline())
                if r < rounds:  # the last round is left to finish
                    time.sleep(rng.uniform(0.0, max_delay))
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                code = int(zygote.stdout.readline())
                exits[code] += 1
                if code == -signal.SIGKILL:
                    killed += 1
                else:
                    finished += 1
            last_exit = code
        finally:
            zygote.stdin.close()
            zygote.wait(30)
        return {**check(config, mailbox), "rounds": rounds, "killed": killed, "finished": finished,
                "last_exit": last_exit, "exits": dict(exits), "seconds": round(time.monotonic() - started, 1),
                "feeds": feeds, "posts_per_feed": server.posts}
    finally:
        server.close()
        mailbox.close()


def check(config_path: Path, mailbox: Mailbox) -> dict:
    from monitor import config as config_mod
    from monitor import store

    cfg = config_mod.load(config_path, environ={})
    db = store.open_db(config_mod.db_path(cfg, environ={}))
    try:
        rows = list(db.query(
            "select d.*, a.created as alert_created, a.group_key from deliveries d join alerts a on a.id = d.alert_id"))
        ids = Counter(mid for mid, _subject in mailbox.received)
        subjects: dict[str, set] = {}
        for mid, subject in mailbox.received:
            subjects.setdefault(mid, set()).add(subject)
        return {
            "integrity": db.execute("pragma integrity_check").fetchone()[0],
            "mentions": db["mentions"].count,
            "distinct_mentions": db.execute("select count(distinct canonical_url) from mentions").fetchone()[0],
            "deliveries": len(rows),
            "recorded_sent": sum(r["status"] == "sent" for r in rows),
            "emails": len(mailbox.received),
            # One email can list many alerts (one message per channel and level per run), so an alert
            # counts as delivered when its outbox row is recorded sent after the final run.
            "lost": sum(r["status"] != "sent" for r in rows),
            "resent": sum(n - 1 for n in ids.values()),
            "resent_with_other_content": sum(1 for s in subjects.values() if len(s) > 1),
        }
    finally:
        db.close()


def ok(r: dict) -> bool:
    return (r["integrity"] == "ok" and r["mentions"] == r["distinct_mentions"] == r["feeds"] * r["posts_per_feed"]
            and r["lost"] == 0 and r["recorded_sent"] == r["deliveries"]
            and r["resent_with_other_content"] == 0 and r["last_exit"] == 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--per-round", type=int, default=3, help="new posts per feed each round")
    ap.add_argument("--rounds", type=int, default=48)
    ap.add_argument("--max-delay", type=float, default=4.0, help="a kill lands uniformly in [0, this] s after start")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = run(feeds=a.feeds, per_round=a.per_round, rounds=a.rounds, max_delay=a.max_delay, seed=a.seed)
    print(json.dumps(r, indent=2))
    print("OK" if ok(r) else "FAILED")
    return 0 if ok(r) else 1


if __name__ == "__main__":
    sys.exit(main())
