"""Kind ``imap_inbox``: our own mailbox, against a real IMAP server (pymap, from the test extra) on
loopback, with real SMTP (aiosmtpd) and the SMS stand-in webhook for the alerts, real SQLite files.

A message in our own mailbox is about us by definition: a contact-form message that never names
us becomes a mention with a grade, a crisis one pages the directors; each message is read once and
nothing is ever marked read or deleted; a failing, stuck or trickling server costs only its own
source; the password is never printed, logged or stored."""

from __future__ import annotations

import imaplib
import json
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug import Response

from monitor import config as config_mod
from monitor import store
from monitor.cli import cli
from monitor.analyse import TO_US_REASON
from monitor.pipeline import run_cycle

from .conftest import NOW, _free_port, rss, pymap_server
from .test_alerting import sms  # noqa: F401 (fixture)

USER, PASSWORD = "hello@newbabynetwork.example", "inbox-pass-7f3k9q"
QUESTION = "Hi, what time does the Thursday group start? Thanks, Jo"
READ_TIMEOUT = 5.0
CRISIS = ("Since the baby came I cannot keep myself safe at the moment. "
          "Please don't phone, my partner checks my phone.")


@pytest.fixture
def mailbox(imap_server):
    """The charity's mailbox, emptied for each test (one pymap server for the module: it takes seconds to start)."""
    yield imap_server
    conn = imaplib.IMAP4("127.0.0.1", imap_server)
    conn.login(USER, PASSWORD)
    typ, count = conn.select("INBOX")
    if typ == "OK" and int(count[0] or 0):
        conn.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
        conn.expunge()
    conn.logout()


@pytest.fixture(scope="module")
def imap_server():
    """pymap's in-memory backend on loopback."""
    with pymap_server(USER, PASSWORD) as port:
        yield port


def mail(subject: str, body: str, msgid: str, *, sender="Website <forms@newbabynetwork.example>",
         reply_to: str | None = "Jo Bloggs <jo.parent@example.org>", ctype="text/plain; charset=utf-8",
         headers: str = "") -> bytes:
    """A message as the mail provider stores it (a contact form sends From the website, Reply-To the person)."""
    head = f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{msgid}@mail.example>\r\n"
    head += "Date: Tue, 24 Nov 2026 08:30:00 +0000\r\n"
    if reply_to:
        head += f"Reply-To: {reply_to}\r\n"
    head += headers + f"Content-Type: {ctype}\r\n\r\n"
    return (head + body.replace("\n", "\r\n")).encode()


def deliver(port: int, *messages: bytes, folder: str = "INBOX") -> None:
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    for raw in messages:
        conn.append(folder, None, imaplib.Time2Internaldate(NOW.timestamp()), raw)
    conn.logout()


def flags(port: int) -> list[bytes]:
    """Every message's flags, as the people using the mailbox see them."""
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    conn.select("INBOX", readonly=True)
    typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
    conn.logout()
    return [d for d in data if d]


def inbox_source(port: int, **more) -> dict:
    return {"name": "inbox", "kind": "imap_inbox", "host": "127.0.0.1", "port": port, "tls": "none",
            "user": USER, "password": "${INBOX_PASSWORD}", **more}


def setup(httpserver, make_config, smtp, sms, sources, **extra):  # noqa: F811
    return make_config(
        sources=sources,
        channels={"email": smtp.url(), "sms": {"url": sms.url, "format": "sms"}},
        routes={"crisis": ["sms", "email"], "alert": ["email"]},
        **extra,
    )


def test_a_contact_form_message_that_never_names_us_is_a_mention_and_a_crisis_pages(
        httpserver, make_config, smtp, sms, mailbox, monkeypatch):  # noqa: F811
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    deliver(mailbox,
            mail("Website enquiry", QUESTION, "q1"),
            mail("Message via website", CRISIS, "c1", reply_to="K <k.parent@example.org>"),
            # a copy of our own alert email, the weekly digest, a bounce: never read as mentions
            mail("[CRISIS] New Baby Network: safeguarding - I cannot keep myself safe", "CRISIS ...", "x",
                 sender="monitor@newbabynetwork.example", reply_to=None,
                 headers="X-Note: ours\r\n").replace(b"<x@mail.example>", b"<alert-1.0.email.0123456789abcdef@example.org>"),
            mail("New Baby Network CIC weekly digest 2026-W47: 3 mentions, 1 crisis", "I cannot keep myself safe",
                 "d1", sender="monitor@newbabynetwork.example", reply_to=None),
            mail("Undelivered Mail Returned to Sender", "I cannot keep myself safe", "b1",
                 sender="MAILER-DAEMON@mail.example", reply_to=None))
    cfg, db_path = setup(httpserver, make_config, smtp, sms, [inbox_source(mailbox)])
    logs: list[str] = []
    summary = run_cycle(cfg, db_path, now=NOW, log=logs.append)
    assert summary.exit_code == 0, logs
    db = store.open_db(db_path)
    rows = {r["title"]: r for r in db.query("select * from mentions")}
    assert set(rows) == {"Website enquiry", "Message via website"}
    question, crisis = rows["Website enquiry"], rows["Message via website"]
    assert json.loads(question["reasons"])[0].startswith("sent to us (our inbox")
    assert question["severity"] == "info" and question["needs_reply"] == 1  # a question to us waits for a reply
    assert question["author"] == "Jo Bloggs <jo.parent@example.org>"  # the person, from the contact form's Reply-To
    assert crisis["severity"] == "crisis" and "safeguarding" in json.loads(crisis["categories"])
    assert len(sms) == 1 and "cannot keep myself safe" in json.dumps(sms[0])
    assert len(smtp.messages) == 1 and smtp.messages[0]["Subject"].startswith("[CRISIS]")
    assert not any("jo.parent" in line or "k.parent" in line for line in logs)  # senders are never logged
    assert any("3 of our own or the directors' messages skipped" in line for line in logs)

    # Read-only: nothing was marked read, moved or deleted.
    assert len(flags(mailbox)) == 5 and not any(b"\\Seen" in f for f in flags(mailbox))

    # Each message is read once: the next run reads nothing, and then only what arrived since.
    again = run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15), force=True)
    assert again.new_mention_ids == [] and again.entries == 0 and len(sms) == 1
    deliver(mailbox, mail("Your volunteer", "Thank you so much for the visit yesterday.", "t1"))
    third = run_cycle(cfg, db_path, now=NOW + timedelta(minutes=30), force=True)
    assert third.entries == 1 and len(third.new_mention_ids) == 1
    assert db["mentions"].count == 3


def test_two_messages_with_the_same_subject_are_two_stories(httpserver, make_config, smtp, sms, mailbox,
                                                            monkeypatch):  # noqa: F811
    """A contact form gives every message the same subject; a crisis must not swallow a complaint."""
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    subject = "New message from the contact form on your website"
    deliver(mailbox, mail(subject, CRISIS, "s1"),
            mail(subject, "I want to complain: the volunteer was rude and nobody answered my emails.", "s2"))
    cfg, db_path = setup(httpserver, make_config, smtp, sms, [inbox_source(mailbox)])
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    assert db["mentions"].count == 2 and db["alerts"].count == 2


def test_the_directors_mail_and_their_replies_to_alerts_are_not_read_as_mentions(
        httpserver, make_config, smtp, sms, mailbox, monkeypatch):  # noqa: F811
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    deliver(mailbox,
            mail("Rota", "Can someone cover Thursday? I cannot keep myself safe from this rota, ha.", "r1",
                 sender="Sam <Sam@NewBabyNetwork.example>", reply_to=None),
            mail("Re: [ALERT] New Baby Network: complaint [ref M3-0123456789]", "On it", "r2",
                 sender="someone@else.example", reply_to=None),
            mail("Website enquiry", QUESTION, "q1"))
    cfg, db_path = setup(httpserver, make_config, smtp, sms, [inbox_source(mailbox, skip_from=["forms@elsewhere.example"])],
                         replies={"host": "127.0.0.1", "port": mailbox, "tls": "none", "username": USER,
                                  "password": "${INBOX_PASSWORD}", "directors": ["sam@newbabynetwork.example"]})
    cfg = config_mod.load(cfg.path, environ={"INBOX_PASSWORD": PASSWORD})
    assert cfg.sources[0].directors == ["sam@newbabynetwork.example"]
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    assert [r["title"] for r in db.query("select title from mentions")] == ["Website enquiry"]


def test_the_password_is_never_printed_logged_or_stored(httpserver, make_config, smtp, sms, mailbox, monkeypatch,
                                                        tmp_path):  # noqa: F811
    wrong = "wrong-pass-Zq81x"
    monkeypatch.setenv("INBOX_PASSWORD", wrong)
    deliver(mailbox, mail("Website enquiry", QUESTION, "q1"))
    cfg, db_path = setup(httpserver, make_config, smtp, sms, [inbox_source(mailbox)])
    logs: list[str] = []
    summary = run_cycle(cfg, db_path, now=NOW, log=logs.append)
    assert summary.exit_code == 1
    (line,) = [x for x in logs if x.startswith("inbox:")]
    assert line == "inbox: the mailbox refused the login: check INBOX_PASSWORD"
    # The right password: read, and still nowhere to be seen.
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1), log=logs.append, force=True)
    db = store.open_db(db_path)
    assert db["mentions"].count == 1
    env = {"INBOX_PASSWORD": PASSWORD}
    runner = CliRunner()
    shown = [runner.invoke(cli, ["--config", str(cfg.path), "--db", str(db_path), *cmd], env=env).output
             for cmd in (["check"], ["sources"], ["sources", "--json"], ["mentions", "--json"])]
    assert "reads: INBOX_PASSWORD (set)" in shown[0]
    db.close()
    stored = b"".join(p.read_bytes() for p in Path(db_path).parent.glob("monitor.db*"))
    for secret in (PASSWORD, wrong):
        assert secret.encode() not in stored
        assert not any(secret in text for text in logs + shown)


class SlowServer:
    """A loopback server that sends an IMAP greeting one byte every ``gap`` seconds (``gap`` None: never)."""

    def __init__(self, gap: float | None):
        self.gap = gap
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            for byte in b"* OK IMAP4rev1 ready, eventually" + b" " * 10_000:
                if self._stop.wait(self.gap if self.gap is not None else 60):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self):
        self._stop.set()
        self._sock.close()


@pytest.mark.parametrize("gap, said", [(0.2, "server too slow: no complete answer within 2s"),
                                       (None, "did not answer in time"),
                                       ("down", "refused the connection")])
def test_a_failing_stuck_or_trickling_mailbox_costs_only_its_own_source(httpserver, make_config, smtp, sms,
                                                                        monkeypatch, gap, said):  # noqa: F811
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    server = None if gap == "down" else SlowServer(gap)
    port = _free_port() if server is None else server.port
    httpserver.expect_request("/feed").respond_with_handler(lambda _r: Response(rss(
        {"title": "", "link": "https://social.example/@a/1",
         "description": "@newbabynetwork I came to your group. I can't keep myself safe at the moment."}),
        content_type="application/rss+xml"))
    cfg, db_path = setup(httpserver, make_config, smtp, sms,
                         [inbox_source(port), {"name": "feed", "kind": "rss", "url": httpserver.url_for("/feed")}],
                         settings={"fetch_deadline": "2s", "read_timeout": "1s", "connect_timeout": "1s"})
    logs: list[str] = []
    started = time.monotonic()
    try:
        summary = run_cycle(cfg, db_path, now=NOW, log=logs.append)
    finally:
        if server is not None:
            server.close()
    assert time.monotonic() - started < 15
    assert summary.failed == 1 and summary.exit_code == 1
    assert any(line.startswith("inbox: ") and said in line for line in logs), logs
    db = store.open_db(db_path)
    assert db["mentions"].count == 1 and len(sms) == 1  # the other source's crisis went out
    row = store.source_row(db, "inbox")
    assert row["consecutive_failures"] == 1 and said in row["last_error"]


def test_config_refuses_a_written_password_and_plain_imap_to_another_machine(tmp_path):
    from .conftest import write_config

    path = write_config(tmp_path, sources=[
        {"name": "inbox", "kind": "imap_inbox", "host": "imap.example.org", "tls": "none", "user": "u",
         "password": "hunter2-plain", "port": 99999}])
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(path, environ={})
    text = str(err.value)
    assert "sources[0].password: write the password as ${ENV_VAR}" in text
    assert "sources[0].tls: none is only allowed for a server on this machine" in text
    assert "sources[0].port: must be a port number from 1 to 65535" in text
    assert "hunter2-plain" not in text
    # Defaults: IMAPS on 993, INBOX; an unset ${VAR} is no config error: the source says so when polled.
    path = write_config(tmp_path, sources=[{"name": "inbox", "kind": "imap_inbox", "host": "imap.example.org",
                                            "user": "${INBOX_USER}", "password": "${INBOX_PASSWORD}"}])
    cfg = config_mod.load(path, environ={})
    opts = cfg.sources[0].options
    assert (opts["port"], opts["tls"], opts["folder"], opts["max_messages"]) == (993, "ssl", "INBOX", 100)
    from monitor.sources.imap_inbox import ImapInboxSource
    from monitor.sources.base import SourceFailed, SourceState

    assert ImapInboxSource.env_needed(opts) == ["INBOX_USER", "INBOX_PASSWORD"]
    with pytest.raises(SourceFailed, match="environment variable INBOX_USER and INBOX_PASSWORD is not set"):
        ImapInboxSource(cfg.sources[0]).poll(None, SourceState(now=NOW))


def _poll(port: int, cursor: str | None = None, **options):
    from monitor.config.model import SourceConfig
    from monitor.sources.base import SourceState
    from monitor.sources.imap_inbox import ImapInboxSource

    limits = {"deadline": options.pop("deadline", 20.0)}
    opts = {"host": "127.0.0.1", "port": port, "tls": "none", "user": USER, "password": "${INBOX_PASSWORD}",
            "folder": "INBOX", "skip_from": [], "max_messages": 100, "max_bytes": 256 * 1024, **options}

    class Limits:
        read_timeout, deadline = READ_TIMEOUT, limits["deadline"]

    src = ImapInboxSource(SourceConfig(name="inbox", kind="imap_inbox", every=900, options=opts))
    return src.poll(Limits(), SourceState(now=NOW, cursor=cursor))


class Relay:
    """A loopback relay between the source and pymap that writes down every command the source sends."""

    def __init__(self, port: int, stall_at_fetch: int | None = None):
        self.target = port
        self.sent = bytearray()
        self.stall_at_fetch = stall_at_fetch  # stop answering once the source has asked for this many messages
        self.closed = False
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src, dst, record: bool):
        try:
            while data := src.recv(65536):
                if record:
                    self.sent += data
                while not record and self.stall_at_fetch and bytes(self.sent).count(b"UID FETCH") >= self.stall_at_fetch:
                    if self.closed:
                        return
                    time.sleep(0.05)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def commands(self) -> list[str]:
        """Each command's name and arguments, without its tag (the LOGIN line's arguments left out)."""
        out = []
        for line in bytes(self.sent).decode("utf-8", "replace").splitlines():
            words = line.split(" ", 2)[1:]
            if words and words[0].upper() == "LOGIN":
                words = ["LOGIN"]
            out.append(" ".join(words).upper())
        return out

    def close(self):
        self.closed = True
        self._sock.close()


def test_the_mailbox_is_opened_read_only_and_read_with_peek(mailbox, monkeypatch):
    """Read-only, as the server hears it: EXAMINE, never SELECT; BODY.PEEK, never STORE, COPY, MOVE or EXPUNGE."""
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    deliver(mailbox, mail("Website enquiry", QUESTION, "q1"), mail("Another", "Is it on Friday?", "q2"))
    relay = Relay(mailbox)
    try:
        poll = _poll(relay.port)
    finally:
        relay.close()
    assert len(poll.items) == 2
    commands = relay.commands()
    assert 'EXAMINE "INBOX"' in commands and not any(c.startswith("SELECT") for c in commands)
    fetches = [c for c in commands if c.startswith("UID FETCH")]
    assert len(fetches) == 2 and all("BODY.PEEK[]<0.262144>" in c for c in fetches)
    assert not any(w in c for c in commands for w in ("STORE", "COPY", "MOVE", "EXPUNGE", "APPEND", "DELETE"))
    assert PASSWORD.upper() not in " ".join(commands)


def test_a_server_that_stalls_midway_keeps_what_was_read_and_the_rest_comes_next_poll(mailbox, monkeypatch):
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    deliver(mailbox, *[mail(f"Question {n}", QUESTION, f"q{n}") for n in range(3)])
    relay = Relay(mailbox, stall_at_fetch=2)  # answers the first message, then nothing
    try:
        started = time.monotonic()
        poll = _poll(relay.port, deadline=2.0)
    finally:
        relay.close()
    assert time.monotonic() - started < 10
    assert [i.title for i in poll.items] == ["Question 0"]
    assert "server too slow: no complete answer within 2s; kept the 1 messages read before it" in poll.warning
    rest = _poll(mailbox, poll.remember["cursor"])
    assert [i.title for i in rest.items] == ["Question 1", "Question 2"]


def test_text_comes_from_plain_text_or_html_without_quoted_history_and_caps_hold(mailbox, monkeypatch):
    monkeypatch.setenv("INBOX_PASSWORD", PASSWORD)
    html = "<html><body><p>Hello,</p><p>Is the <b>baby caf&eacute;</b> on at Easter?</p><script>x()</script></body></html>"
    deliver(mailbox,
            mail("Easter", html, "h1", ctype="text/html; charset=utf-8"),
            mail("Re: your reply", "That's not what I asked.\n\nOn Mon, 23 Nov 2026, Hello wrote:\n> We open at 10.\n> "
                                   "I cannot keep myself safe", "r1"),
            mail("Big", "Start of a long message. " + "x" * 400_000, "big"))
    poll = _poll(mailbox, max_messages=2)
    assert [i.title for i in poll.items] == ["Easter", "Re: your reply"] and all(i.to_us for i in poll.items)
    assert poll.items[0].text.split() == ["Hello,", "Is", "the", "baby", "café", "on", "at", "Easter?"]
    assert poll.items[1].text == "That's not what I asked."
    assert poll.items[0].url == "" and poll.items[0].item_id == "<h1@mail.example>"
    assert "1 more messages wait for the next poll" in poll.warning
    rest = _poll(mailbox, poll.remember["cursor"], max_bytes=4096)
    (big,) = rest.items
    assert big.text.startswith("Start of a long message.") and len(big.text) < 4096 and rest.bytes <= 4096
    assert _poll(mailbox, rest.remember["cursor"]).items == []
    # The server renumbered the folder (a new UIDVALIDITY): read afresh within backfill; the store knows them.
    stale = json.dumps({**json.loads(rest.remember["cursor"]), "uidvalidity": "1"})
    assert len(_poll(mailbox, stale).items) == 3


def test_the_analysis_worker_carries_to_us(monkeypatch):
    from monitor.analyse import Analyser
    from monitor.analyse_worker import Background
    from monitor.sources.base import Item

    from .conftest import REPO

    cfg = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    analyser = Analyser(cfg)
    monkeypatch.setenv("MONITOR_ANALYSIS_WORKER", "1")
    background = Background.start(analyser, 1)
    items = [Item("inbox", "a", "", "Website enquiry", QUESTION, to_us=True),
             Item("feed", "b", "https://x.example/1", "Thursday", QUESTION)]
    try:
        ready = background.ready(background.submit(items))
        answers = [ready.answer(it) for it in items]
    finally:
        background.close()
    assert answers[1] is None and answers[0].reasons[0] == TO_US_REASON
    assert answers[0].reasons == analyser.analyse("Website enquiry", QUESTION, to_us=True).reasons


def test_to_us_reads_the_whole_text_as_about_us_and_makes_no_name_check():
    from monitor.analyse import Analyser

    from .conftest import REPO

    cfg = config_mod.load(REPO / "feeds.yaml", environ={}, secrets=False)
    analyser = Analyser(cfg)
    assert analyser.analyse("", "your volunteer smelled of alcohol") is None  # a public post not naming us
    a = analyser.analyse("", "your volunteer smelled of alcohol", to_us=True)
    assert a is not None and a.reasons[0] == TO_US_REASON and a.matched_terms == []
    # A message naming us in words the name check would doubt is still ours, with no is-it-us decision.
    text = "Dear New Baby Network Ltd, my order never arrived. I cannot keep myself safe."
    b = analyser.analyse("Order 4471", text, to_us=True)
    assert analyser.last_identity is None and b.severity == "crisis"
    assert b.reasons[0] == TO_US_REASON + " (names us: New Baby Network)"
    assert analyser.analyse("", "", to_us=True) is None


def test_eval_reads_a_contact_form_as_arriving_in_our_inbox(tmp_path):
    from .test_eval import run_eval

    path = tmp_path / "inbox.jsonl"
    rows = [{"id": "cf", "kind": "contact_form", "title": "", "body": CRISIS, "mention": True,
             "families": ["safeguarding"], "severity": "crisis"},
            {"id": "em", "kind": "email", "title": "", "body": CRISIS, "mention": True,
             "families": ["safeguarding"], "severity": "crisis"}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    report = json.loads(run_eval(path, "--json", "--rules-only").output)
    assert report["to_us"] == 1 and report["mention"]["tp"] == 1 and report["mention"]["fn"] == 1
    assert [m["id"] for m in report["misses"]] == ["em"]
    assert "sent to us      1 items read as arriving in our inbox" in run_eval(path, "--rules-only").output


def test_eval_reads_the_to_us_label_when_a_set_has_one(tmp_path):
    """Newer sets say how each text arrived: an email to a director is sent to us, a contact form
    labelled public is not, whatever its kind."""
    from .test_eval import run_eval

    path = tmp_path / "inbox.jsonl"
    rows = [{"id": "em", "kind": "email", "to_us": True, "title": "", "body": CRISIS, "mention": True,
             "families": ["safeguarding"], "severity": "crisis"},
            {"id": "cf", "kind": "contact_form", "to_us": False, "title": "", "body": CRISIS,
             "mention": True, "families": ["safeguarding"], "severity": "crisis"}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    report = json.loads(run_eval(path, "--json", "--rules-only").output)
    assert report["to_us"] == 1 and report["mention"]["tp"] == 1
    assert [m["id"] for m in report["misses"]] == ["cf"]
