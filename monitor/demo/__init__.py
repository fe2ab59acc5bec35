"""``monitor demo``: the real pipeline on a bundled week of mentions, no internet needed.

The sample feeds (Google Alerts Atom, Google News RSS, Bing News RSS, a
Mastodon hashtag RSS) are served from a loopback HTTP server that supports
ETag and Last-Modified like a real one. The demo uses the organisation,
escalation and thresholds of your ``feeds.yaml``, its own database under
``data/demo/``, and channels that print instead of sending. It runs two
cycles: the second shows every source unchanged and nothing stored twice.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import yaml

FEEDS_DIR = Path(__file__).with_name("feeds")
REPO_ROOT = Path(__file__).resolve().parents[2]
# The bundled feeds were written as the week up to this moment. They are served with
# every date moved by the same amount, so the newest item is an hour old whenever the
# demo runs: the demo shows the same week on any date (a new source looks back 7 days).
WRITTEN_AT = datetime(2026, 11, 22, 18, 5, tzinfo=timezone.utc)
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_RFC822 = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d? \w{3} \d{4} \d\d:\d\d:\d\d (?:GMT|[+-]\d{4})")


def shift_dates(text: str, by: timedelta) -> str:
    """Move every ISO 8601 and RFC 822 date in a feed by ``by``."""
    def iso(m):
        dt = datetime.strptime(m.group(0), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        return (dt + by).strftime("%Y-%m-%dT%H:%M:%SZ")

    def rfc(m):
        return format_datetime((parsedate_to_datetime(m.group(0)) + by).astimezone(timezone.utc), usegmt=True)

    return _RFC822.sub(rfc, _ISO.sub(iso, text))


def demo_offset(now: datetime) -> timedelta:
    """How far to move the bundled week so that it ends an hour before ``now`` (whole minutes)."""
    minutes = int((now - timedelta(hours=1) - WRITTEN_AT).total_seconds() // 60)
    return timedelta(minutes=minutes)


FEED_FILES = {
    "google-alerts": "google-alerts.xml",
    "google-news": "google-news.xml",
    "bing-news": "bing-news.xml",
    "mastodon-tag": "mastodon-tag.xml",
}


class _FeedHandler(BaseHTTPRequestHandler):
    """Serves the bundled feeds with ETag/Last-Modified and answers 304 when nothing changed."""

    server_version = "demo-feeds/1"
    offset = timedelta(0)  # set per server by serve_feeds()
    last_modified = formatdate(1763800000, usegmt=True)

    def do_GET(self):  # noqa: N802 - http.server's naming
        name = self.path.lstrip("/").split("?", 1)[0]
        path = FEEDS_DIR / name
        if name not in FEED_FILES.values() or not path.is_file():
            self.send_error(404)
            return
        body = shift_dates(path.read_text(encoding="utf-8"), self.offset).encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == self.last_modified:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        ctype = "application/atom+xml" if "alerts" in name else "application/rss+xml"
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", self.last_modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the demo's output readable
        pass


def serve_feeds(now: datetime | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Serve the bundled feeds on loopback, dated as the week before ``now`` (default: the clock)."""
    from ..clock import utcnow

    offset = demo_offset(now or utcnow())
    handler = type("_DatedFeedHandler", (_FeedHandler,), {
        "offset": offset,
        "last_modified": formatdate((WRITTEN_AT + offset).timestamp(), usegmt=True),
    })
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _register_demo_channel() -> None:
    """``demo://`` channels accept every message; the demo prints what was sent afterwards."""
    import apprise

    @apprise.decorators.notify(on="demo", name="Demo printer")
    def _demo(body, title, notify_type, *args, **kwargs):
        return True


def write_config(base_config: Path, base_url: str, workdir: Path) -> Path:
    """The demo's config: your organisation and escalation rules, the bundled sources, printing channels."""
    doc = yaml.safe_load(base_config.read_text(encoding="utf-8")) if base_config.is_file() else {}
    alerts_dir = (base_config.parent / (doc.get("settings") or {}).get("alerts_dir", "alerts")).resolve()
    if not alerts_dir.is_dir():
        alerts_dir = REPO_ROOT / "alerts"
    demo = {
        "organisation": doc.get("organisation"),
        "settings": {"database": "monitor.db", "alerts_dir": str(alerts_dir), "timezone": "Europe/London"},
        "sources": [{"name": name, "kind": "rss", "url": f"{base_url}/{file}"} for name, file in FEED_FILES.items()],
        "escalation": doc.get("escalation"),
        "thresholds": doc.get("thresholds"),
        "channels": {
            "email": {"url": "demo://directors-email", "format": "text"},
            "sms": {"url": "demo://directors-sms", "format": "sms"},
        },
        "routes": {"crisis": ["sms", "email"], "alert": ["email"]},
    }
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "feeds.yaml"
    header = "# Generated by `monitor demo` from your feeds.yaml; edit that file, not this one.\n"
    path.write_text(header + yaml.safe_dump(demo, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run_demo(
    *, base_config: Path | None = None, workdir: Path | None = None, fresh: bool = True,
    echo: Callable[[str], None] = print, now: datetime | None = None,
) -> int:
    """Run the demo; ``now`` (default: the clock) is when the demo's week ends, for tests."""
    from .. import config as config_mod
    from .. import store
    from ..pipeline import run_cycle
    from ..report import mentions_table

    base_config = base_config or config_mod.config_path()
    if not base_config.is_file():
        base_config = REPO_ROOT / "feeds.yaml"
    workdir = workdir or Path("data/demo")
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    _register_demo_channel()
    server, base_url = serve_feeds(now)
    try:
        cfg_path = write_config(base_config, base_url, workdir)
        try:
            cfg = config_mod.load(cfg_path)
        except config_mod.ConfigError as exc:
            echo(f"The demo could not use {base_config}:\n{exc}")
            return 2
        db_path = config_mod.db_path(cfg, environ={})
        echo(f"Demo: serving {len(FEED_FILES)} sample feeds from {base_url} (this machine only).")
        echo(f"Rules from {base_config}; database {db_path}\n")

        echo("=== Cycle 1: first poll of every source ===")
        first = run_cycle(cfg, db_path, force=True, now=now)
        _print_cycle(first, echo)
        db = store.open_db(db_path)
        found = [store.mention(db, i) for i in first.new_mention_ids]
        found.sort(key=lambda r: ("info", "watch", "alert", "crisis").index(r["severity"]), reverse=True)
        echo("\nMentions found:")
        echo(mentions_table(found, cfg.settings.timezone) if found else "(none)")
        echo(f"\nAlert messages that would have been sent ({len(first.sent_messages)}):")
        for channel, message in first.sent_messages:
            echo(f"\n--- to {channel} ({message.format}) ---")
            if message.format != "sms":  # an SMS has no subject line
                echo(message.title)
            echo(message.body.rstrip())

        echo("\n=== Cycle 2: the same feeds again ===")
        second = run_cycle(cfg, db_path, force=True, now=now and now + timedelta(minutes=15))
        _print_cycle(second, echo)
        total, carriers = store.totals(db)
        db.close()
        echo(f"\nStored: {total} mentions from {carriers} source copies; "
             f"cycle 2 added {len(second.new_mention_ids)} and sent {second.alerts_sent} alerts.")
        echo(f"Look around:  .venv/bin/monitor --config {cfg_path} mentions")
        return 0 if first.exit_code == 0 and second.exit_code == 0 else 1
    finally:
        server.shutdown()
        server.server_close()


def _print_cycle(summary, echo) -> None:
    from ..report import source_lines  # the same lines `monitor run` prints

    for line in source_lines(summary):
        echo(line)
    echo(summary.line())
