"""Shared fixtures: real HTTP (pytest-httpserver), real SMTP (aiosmtpd), real SQLite files.

Only the clock is ours to set; nothing leaves the loopback interface.
"""

from __future__ import annotations

import contextlib
import imaplib
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_httpserver import HTTPServer

from monitor import config as config_mod
from monitor import notify

# Property tests check what holds, never how fast: hypothesis's default 200 ms deadline per example
# would make them fail on a busy machine (CI, or two test runs at once), and so would its "too slow"
# health check. Derandomised, so every run (and CI) tries the same examples and a failure reproduces.
hypothesis_settings.register_profile("repeatable", deadline=None, derandomize=True,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("repeatable")

REPO = Path(__file__).resolve().parents[1]
SHIPPED = yaml.safe_load((REPO / "feeds.yaml").read_text())
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _grade_by_rules_unless_marked(request, monkeypatch):
    """Tests grade by the keyword rules alone, so retraining the model never moves them;
    tests marked ``model`` (tests/test_model.py) grade with the model and the rules, as a run does."""
    if "model" not in request.keywords:
        from monitor import analyse

        monkeypatch.setattr(analyse, "DEFAULT_MODEL", None)


@pytest.fixture(scope="session")
def make_httpserver():
    """Threaded, so a deliberately slow handler cannot stall the other sources."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture(autouse=True)
def _fast_email(monkeypatch):
    # apprise's email plugin waits 5.5 s between messages; a test has better things to do.
    monkeypatch.setattr(notify, "SEND_INTERVAL", 0)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.delenv("MONITOR_DB", raising=False)


def rss(*items: dict, title: str = "Test feed") -> bytes:
    """A minimal RSS 2.0 document; each item: title, link, description, guid, pubDate."""
    parts = []
    for i, it in enumerate(items):
        parts.append(
            "<item>"
            f"<title>{_x(it.get('title', ''))}</title>"
            f"<link>{_x(it.get('link', f'https://example.org/post/{i}'))}</link>"
            f"<guid>{_x(it.get('guid', it.get('link', f'https://example.org/post/{i}')))}</guid>"
            f"<description>{_x(it.get('description', ''))}</description>"
            f"<pubDate>{it.get('pubDate', 'Mon, 23 Nov 2026 10:00:00 GMT')}</pubDate>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{_x(title)}</title><link>https://example.org/</link><description>d</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_config(tmp_path: Path, *, sources=None, channels=None, routes=None, settings=None, **extra) -> Path:
    """A config file built from the shipped feeds.yaml's organisation and escalation rules."""
    doc = {
        "organisation": SHIPPED["organisation"],
        "settings": {"database": "monitor.db", "alerts_dir": str(REPO / "alerts"), "read_timeout": "2s",
                     "connect_timeout": "2s", **(settings or {})},
        "sources": sources or [],
        "escalation": SHIPPED["escalation"],
        "thresholds": SHIPPED["thresholds"],
        "channels": channels or {},
        "routes": routes or {},
        **extra,
    }
    path = tmp_path / "feeds.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture
def make_config(tmp_path):
    def make(**kwargs):
        path = write_config(tmp_path, **kwargs)
        cfg = config_mod.load(path, environ={})
        return cfg, config_mod.db_path(cfg, environ={})

    return make


class SMTPSink:
    """A real SMTP server on loopback that can be switched off and on."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = _free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                import email
                import email.policy

                # The default policy decodes headers as a mail client shows them (RFC 2047 subjects).
                sink.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.running = False

    def start(self):
        self._controller.start()
        self.running = True

    def stop(self):
        if self.running:
            self._controller.stop()
            self.running = False

    def url(self, to="directors@example.org"):
        return f"mailto://127.0.0.1:{self.port}?mode=insecure&from=monitor@example.org&to={to}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def pymap_server(user: str, password: str):
    """pymap's in-memory backend on loopback with one demo user; yields its port, stops it after."""
    port = _free_port()
    exe = Path(sys.executable).with_name("pymap")
    proc = subprocess.Popen([str(exe), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict",
                             "--demo-user", user, "--demo-password", password],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pymap did not start: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)



@pytest.fixture
def smtp():
    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_down():
    """An SMTP sink that is not listening yet; call .start() to bring it up."""
    sink = SMTPSink()
    yield sink
    sink.stop()


def parts(message) -> dict[str, str]:
    """{content type: decoded text} for every leaf part of an email."""
    out = {}
    for part in message.walk():
        if not part.is_multipart():
            out[part.get_content_type()] = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return out



def profile_analyser(cfg, products, places):
    """A rules-only analyser whose is-it-us check reads ``products`` and ``places`` as the profile's (the short-form
    tests: ``test_identity_round22``, ``test_identity_recall24``)."""
    from monitor.analyse import Analyser

    an = Analyser(cfg, [])
    an.identity.set_products(products)
    an.identity.set_places(places)
    return an


def assert_read_unsure(an, body: str, rule: str, words: str) -> None:
    """``body`` (naming neither us nor a product in full) is read as a short form of us by ``rule``, its reason
    quoting ``words``, and kept unsure: never a crisis; since round 29 us when one of our places is in ``body``
    (``assert_place_makes_it_us``)."""
    a = an.analyse("", body)
    assert a is not None, body
    found = an.identity.names_product(body)
    assert found is not None and found.rule == rule, (body, found)
    assert words in found, found
    if not assert_place_makes_it_us(an, body):
        assert an.last_identity.verdict == "unsure", an.last_identity
        assert a.severity in ("info", "watch", "alert")


def assert_place_makes_it_us(an, body: str) -> bool:
    """Round 29 (``decide.place_with``): a text read from our product or a short form is us only when one of our
    places is written in it, and its reason names that place; with none of our places in it, it is never us, but for
    (round 36, ``products.in_full``) a product of ours named by two or more words with a word of our work in the text
    besides, which the reason quotes."""
    import re

    d = an.last_identity
    ours = [p for p in an.identity.places if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", body, re.IGNORECASE)]
    if d.verdict != "us":
        return False
    full = re.fullmatch(r"it is us: our product '(\S+ [^']+)' by its own name, with words of our work \('([^']+)'\)", d.reason)
    if full is not None and not ours:
        assert full.group(1).lower() in body.lower() and full.group(2).lower() in body.lower(), (body, d)
        return True
    assert ours, (body, d)  # us without a place of ours in the text: never
    assert d.reason.startswith("it is us: ") and any(p.lower() in d.reason.lower() for p in ours), d.reason
    return True
