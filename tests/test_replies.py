"""Reply to acknowledge, against a real IMAP server (pymap, from the test extra) on loopback,
with alert emails sent by real apprise to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import imaplib
from datetime import timedelta

import pytest

from monitor import actions, store
from monitor.pipeline import run_cycle
from monitor.replies import command

from .conftest import NOW, _free_port, pymap_server
from .test_alerting import CRISIS, complaint, setup
from .test_alerting import sms  # noqa: F401 (fixture)

USER, PASSWORD = "replies@newbabynetwork.example", "imap-pass-123"


@pytest.fixture
def imap():
    """pymap's in-memory backend on loopback, one mailbox for the monitor's replies."""
    with pymap_server(USER, PASSWORD) as port:
        yield port


def deliver(port: int, sender: str, subject: str, body: str, message_id: str) -> None:
    """What the mail provider does when a director presses Reply: the message lands in the mailbox."""
    raw = (f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}@phone.example>\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n")).encode()
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    conn.append("INBOX", None, None, raw)
    conn.logout()


def replies_config(port: int) -> dict:
    return {"host": "127.0.0.1", "port": port, "tls": "none", "username": USER, "password": "${REPLY_PASSWORD}",
            "directors": ["sam@newbabynetwork.example", "Jo@NewBabyNetwork.example"]}


def test_a_director_acknowledges_by_replying_and_the_crisis_stops_repeating(httpserver, make_config, smtp, sms, imap,
                                                                            monkeypatch, tmp_path):
    box = [[CRISIS]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, replies=replies_config(imap))
    from monitor import config as config_mod

    cfg = config_mod.load(cfg.path, environ={"REPLY_PASSWORD": PASSWORD})
    run_cycle(cfg, db_path, now=NOW)
    (alert_mail,) = smtp.messages
    subject = alert_mail["Subject"]
    assert "[ref M" in subject and "monitor ack" not in str(alert_mail)
    # A stranger who saw the subject, and a reply with no reference, change nothing.
    deliver(imap, "Mallory <mallory@evil.example>", "Re: " + subject, "resolve", "m1")
    deliver(imap, "sam@newbabynetwork.example", "Re: something else", "On it", "m2")
    # A forged reference (right shape, wrong signature) changes nothing either.
    deliver(imap, "sam@newbabynetwork.example", "Re: [ref M1-0000000000]", "resolve", "m3")
    # Sam replies from a phone.
    deliver(imap, "Sam Jones <sam@newbabynetwork.example>", "Re: " + subject,
            "On it, ringing her now\n\nOn Tue, 24 Nov 2026, monitor wrote:\n> resolve\n", "m4")
    logs = []
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15), log=logs.append)
    db = store.open_db(db_path)
    alert = store.alert(db, 1)
    assert alert["status"] == "acked" and alert["acked_by"] == "sam@newbabynetwork.example"
    (row,) = actions.history(db, alert_id=1)
    assert (row["action"], row["via"], row["note"], row["time"]) == ("ack", "email", "On it, ringing her now",
                                                                     "2026-11-24T09:15:00Z")
    assert any("mallory@evil.example: not a director" in line for line in logs)
    assert any("no alert reference" in line for line in logs)
    # No escalation, no repeat: it was acknowledged.
    sent = len(sms)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=7))
    assert len(sms) == sent
    # Jo (address in any case) resolves it later; the first acknowledgement stays.
    deliver(imap, "jo@newbabynetwork.example", "RE: " + subject, "Resolved - safeguarding lead has it", "m5")
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=8))
    assert [(r["action"], r["by"]) for r in actions.history(db, alert_id=1)] == [
        ("ack", "sam@newbabynetwork.example"), ("resolve", "jo@newbabynetwork.example")]
    assert store.alert(db, 1)["status"] == "resolved" and store.alert(db, 1)["acked_by"] == "sam@newbabynetwork.example"
    # Each reply is read once: running again applies nothing twice.
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=9))
    assert len(actions.history(db, alert_id=1)) == 2
    assert db["replies"].count == 5


def test_not_us_and_wrong_level_by_reply_label_every_alert_in_the_message(httpserver, make_config, smtp, sms, imap):
    box = [[complaint(1, headline="Mum one says New Baby Network ignored her"),
            complaint(2, headline="Mum two says New Baby Network ignored her")]]
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, replies=replies_config(imap))
    from monitor import config as config_mod

    cfg = config_mod.load(cfg.path, environ={"REPLY_PASSWORD": PASSWORD})
    run_cycle(cfg, db_path, now=NOW)
    (mail,) = smtp.messages  # both alerts in one message
    deliver(imap, "sam@newbabynetwork.example", "Re: " + mail["Subject"], "Wrong: watch, it's a gripe", "w1")
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15))
    db = store.open_db(db_path)
    assert [r[0] for r in db.execute("select corrected_severity from mentions order by id")] == ["watch", "watch"]
    assert {r["status"] for r in store.alerts(db)} == {"acked"}


def test_an_unreachable_mailbox_costs_only_itself(httpserver, make_config, smtp, sms):
    box = [[CRISIS]]
    conf = replies_config(_free_port())  # nothing listens there
    cfg, db_path = setup(httpserver, make_config, smtp, sms, box, replies=conf)
    from monitor import config as config_mod

    cfg = config_mod.load(cfg.path, environ={"REPLY_PASSWORD": PASSWORD})
    logs = []
    summary = run_cycle(cfg, db_path, now=NOW, log=logs.append)
    assert summary.alerts_sent == 2 and any("cannot be reached" in line for line in logs)
    assert not any(PASSWORD in line for line in logs)


@pytest.mark.parametrize("line, expected", [
    ("On it", ("ack", None)), ("", ("ack", None)), ("resolve", ("resolve", None)), ("Resolved, thanks", ("resolve", None)),
    ("not us", ("not_us", None)), ("Not about us - another charity", ("not_us", None)),
    ("wrong watch", ("wrong_level", "watch")), ("WRONG level: info", ("wrong_level", "info")),
    ("wrong", ("wrong_level", None)), ("Nothing wrong here", ("ack", None)),
])
def test_first_word_decides(line, expected):
    assert command(line) == expected


def test_reply_settings_are_checked(tmp_path):
    from monitor import config as config_mod

    from .conftest import write_config

    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": "https://example.org/feed"}],
                        replies={"host": "imap.example.org", "tls": "none", "username": "u",
                                 "password": "plain-text-password", "directors": ["not-an-address"]},
                        settings={"public_url": "ftp://x"})
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(path, environ={})
    text = str(err.value)
    assert "replies.tls: none is only allowed for a server on this machine" in text
    assert "replies.password: write the password as ${ENV_VAR}" in text
    assert "replies.directors[0]: 'not-an-address' is not an email address" in text
    assert "settings.public_url: must be an http(s) address" in text
    # An unset secret does not stop alerts: the mailbox is simply not read, and each run says so.
    path = write_config(tmp_path, sources=[{"name": "a", "kind": "rss", "url": "https://example.org/feed"}],
                        replies={"host": "imap.example.org", "username": "${U}", "password": "${P}",
                                 "directors": ["sam@example.org"]})
    cfg = config_mod.load(path, environ={"U": "x"})
    assert cfg.replies.port == 993 and not cfg.replies.ready and cfg.replies.missing == ["P"]
    from monitor.replies import read_replies

    report = read_replies(store.open_db(tmp_path / "x.db"), cfg, NOW)
    assert report.error == "reply mailbox not read: environment variable P is not set"


def seen_flags(port: int) -> dict[str, bool]:
    """Message-ID -> whether the message is marked read, as a person's mail app would show it."""
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    conn.select("INBOX", readonly=True)
    typ, data = conn.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    conn.logout()
    flags, out = None, {}
    for part in data:
        if isinstance(part, tuple):
            flags = part[0]
            mid = part[1].decode().split("<", 1)[1].split("@", 1)[0]
            out[mid] = b"\\Seen" in flags
    return out


def test_a_shared_inbox_keeps_its_other_mail_unread_and_a_reply_behind_many_still_counts(
        httpserver, make_config, smtp, sms, imap, monkeypatch):
    """The replies mailbox may be the charity's own inbox: only the replies the watch applied are
    marked read, and a reply that arrives behind more messages than one run reads is still applied."""
    from monitor import config as config_mod
    from monitor import replies

    monkeypatch.setattr(replies, "MAX_REPLIES", 2)
    cfg, db_path = setup(httpserver, make_config, smtp, sms, [[CRISIS]], replies=replies_config(imap))
    cfg = config_mod.load(cfg.path, environ={"REPLY_PASSWORD": PASSWORD})
    run_cycle(cfg, db_path, now=NOW)
    subject = smtp.messages[0]["Subject"]
    for n in range(3):  # contact-form mail for whoever answers the inbox
        deliver(imap, "parent@example.net", f"Question {n}", "What time is the Thursday group?", f"cf{n}")
    deliver(imap, "mallory@evil.example", "Re: " + subject, "resolve", "stranger")
    deliver(imap, "sam@newbabynetwork.example", "Re: " + subject, "On it", "sam")
    db = store.open_db(db_path)
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=15))
    assert store.alert(db, 1)["acked_by"] is None  # two messages read this run, neither a reply
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=30))
    run_cycle(cfg, db_path, now=NOW + timedelta(minutes=45))
    assert store.alert(db, 1)["status"] == "acked" and store.alert(db, 1)["acked_by"] == "sam@newbabynetwork.example"
    assert seen_flags(imap) == {"cf0": False, "cf1": False, "cf2": False, "stranger": False, "sam": True}
    assert db["replies"].count == 5  # each read once, whatever its flag
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert db["replies"].count == 5 and len(actions.history(db, alert_id=1)) == 1


def test_the_first_read_starts_at_the_oldest_unread_message(httpserver, make_config, smtp, sms, imap):
    """Mail a person had already read before the watch first looked (or before this version kept a
    cursor) is not acted on again; everything from the oldest unread message on is."""
    from monitor import config as config_mod

    cfg, db_path = setup(httpserver, make_config, smtp, sms, [[CRISIS]], replies=replies_config(imap))
    deliver(imap, "jo@newbabynetwork.example", "Old thread", "resolve", "old")
    conn = imaplib.IMAP4("127.0.0.1", imap)
    conn.login(USER, PASSWORD)
    conn.select("INBOX")
    conn.uid("STORE", "1:*", "+FLAGS", "(\\Seen)")
    conn.logout()
    deliver(imap, "jo@newbabynetwork.example", "Hello", "Not a reply", "new")
    cfg = config_mod.load(cfg.path, environ={"REPLY_PASSWORD": PASSWORD})
    run_cycle(cfg, db_path, now=NOW)
    db = store.open_db(db_path)
    assert [r["message_id"] for r in db["replies"].rows] == ["<new@phone.example>"]
