"""Reply to acknowledge: read directors' replies to alert emails from a mailbox over IMAP.

Every alert email's subject ends in ``[ref M12-3f9c2b1a0d]`` (``M12`` is the message, the
rest a signature made with the database's own key, so a reference cannot be guessed). A
director replies from their phone; their mail app keeps the subject. Each run
(``monitor run``) reads the mail that arrived in ``replies.mailbox`` since the last run (a UID cursor
kept in the database; the first read starts at the oldest unread message), and for a reply that

- quotes a valid reference (subject or any header), and
- comes from an address in ``replies.directors``,

applies the first word of the reply's first line to every alert in that message:
``resolve`` resolves, ``not us`` marks them not about us, ``wrong LEVEL`` (``wrong watch``)
corrects the level, anything else acknowledges. Who (the address), when (now) and the
first line (the note) go into the alerts' history. Every reply read is recorded in
``replies`` (by Message-ID, so it is never applied twice); the replies it applied are marked read and
nothing else in the mailbox is touched, so a shared mailbox's other mail stays unread for whoever
answers it. Only outgoing
connections are made: a box behind a home router can do this.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses

from . import store
from .config import Config
from .imap import fetch, first, quote, uids
from .levels import SEVERITIES

MAX_BYTES = 200_000  # of one reply: enough for any first line and its headers
MAX_REPLIES = 200  # per run
TIMEOUT = 30.0


@dataclass
class ReplyReport:
    read: int = 0
    applied: list[str] = field(default_factory=list)  # "acknowledged alert 3 (sam@...)"
    ignored: list[str] = field(default_factory=list)
    error: str | None = None


def command(first_line: str) -> tuple[str, str | None]:
    """(action, level) from the first line of a reply: resolve / not us / wrong LEVEL / anything else = ack."""
    words = re.findall(r"[a-z']+", first_line.lower())
    if not words:
        return "ack", None
    if words[0] in ("resolve", "resolved", "done"):
        return "resolve", None
    if words[0] == "not" and len(words) > 1 and words[1] in ("us", "about"):
        return "not_us", None
    if words[0] in ("wrong", "level"):
        level = next((w for w in words[1:6] if w in SEVERITIES), None)
        return "wrong_level", level
    return "ack", None


def first_line(message) -> str:
    """The reply's own first line: not quoted text, not the "On ... wrote:" line, not a signature."""
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            text = body.get_content()
        except (LookupError, ValueError):
            text = ""
        if body.get_content_type() == "text/html":
            text = re.sub(r"<[^>]+>", "\n", text)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(">"):
            continue
        if re.match(r"(?i)^(on .+wrote:?|-----original message-----|sent from my )", line) or line == "--":
            break
        return " ".join(line.split())[:300]
    return ""


def _imap(rc):
    import imaplib
    import ssl

    if rc.tls == "ssl":
        return imaplib.IMAP4_SSL(rc.host, rc.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT)
    conn = imaplib.IMAP4(rc.host, rc.port, timeout=TIMEOUT)
    if rc.tls == "starttls":
        conn.starttls(ssl_context=ssl.create_default_context())
    return conn


def read_replies(db, config: Config, now: datetime) -> ReplyReport:
    """Read unread replies and act on them; a mailbox that cannot be reached costs only this step."""
    report = ReplyReport()
    rc = config.replies
    if rc is None:
        return report
    if not rc.ready:
        report.error = f"reply mailbox not read: environment variable {', '.join(rc.missing) or 'for the password'} is not set"
        return report
    from .signing import find_ref

    key = store.signing_key(db)
    try:
        conn = _imap(rc)
    except Exception as exc:
        report.error = f"reply mailbox {rc.host}:{rc.port} cannot be reached: {type(exc).__name__}: {exc}"[:300]
        return report
    try:
        conn.login(rc.username, rc.password)
        typ, _ = conn.select(quote(rc.mailbox))
        if typ != "OK":
            report.error = f"reply mailbox has no folder {rc.mailbox!r}"
            return report
        validity = first(conn.response("UIDVALIDITY")[1])
        cursor = store.reply_cursor(db)
        last = _start(conn, cursor, validity)
        if cursor != (validity, last):
            store.set_reply_cursor(db, validity, last)  # so mail read by a person before the next run still counts
        typ, data = conn.uid("SEARCH", None, f"UID {last + 1}:*")
        for uid in (uids(data, last) if typ == "OK" else [])[:MAX_REPLIES]:
            raw = fetch(conn, uid, MAX_BYTES)
            if raw is not None:
                report.read += 1
                if _handle(db, config, key, find_ref, email.message_from_bytes(raw, policy=email.policy.default),
                           now, report):
                    conn.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")  # a reply we acted on; nothing else is touched
            store.set_reply_cursor(db, validity, uid)
    except Exception as exc:  # a broken server or message must not stop the run
        text = str(exc)
        for secret in (rc.password, rc.username):
            if secret:
                text = text.replace(secret, "***")
        report.error = f"reply mailbox {rc.host}: {type(exc).__name__}: {text}"[:300]
    finally:
        try:
            conn.logout()
        except Exception:
            pass
    return report


def _start(conn, cursor: tuple[str, int] | None, validity: str) -> int:
    """The UID after which to read: the stored cursor; on the first read (or when the folder was
    rebuilt, a new UIDVALIDITY) just before the oldest unread message, so what was read before
    this version kept a cursor is not read again."""
    if cursor is not None and cursor[0] == validity:
        return cursor[1]
    typ, data = conn.uid("SEARCH", None, "UNSEEN")
    unseen = uids(data) if typ == "OK" else []
    if unseen:
        return unseen[0] - 1
    typ, data = conn.uid("SEARCH", None, "ALL")
    return max(uids(data) if typ == "OK" else [], default=0)


def _handle(db, config: Config, key: bytes, find_ref, msg, now: datetime, report: ReplyReport) -> bool:
    """Act on one message; True when it was a director's reply the watch applied (then it is marked read)."""
    from .actions import ActionError, act

    message_id = str(msg.get("Message-ID") or "").strip()[:300] or None
    if message_id and store.reply_seen(db, message_id):
        return False  # already read (e.g. marked unread again by a person)
    try:
        sender = (getaddresses([str(msg.get("From") or "")]) or [("", "")])[0][1].strip().lower()
    except Exception:
        sender = ""
    subject = " ".join(str(msg.get("Subject") or "").split())[:300]
    ref = find_ref(key, subject)
    if ref is None:
        for name, value in msg.items():
            if name.lower() not in ("subject", "from", "to", "cc"):
                ref = find_ref(key, str(value))
                if ref is not None:
                    break

    def done(outcome: str, applied: bool = False) -> bool:
        store.record_reply(db, time=now, message_id=message_id, sender=sender, subject=subject, outcome=outcome)
        return applied

    if ref is None:
        report.ignored.append(f"reply from {sender or 'unknown sender'}: no alert reference in it")
        return done("no reference")
    if sender not in config.replies.directors:
        report.ignored.append(f"reply from {sender or 'unknown sender'}: not a director's address in replies.directors")
        return done("not a director")
    alert_ids = store.message_alert_ids(db, ref)
    if alert_ids is None:
        return done("unknown message")

    line = first_line(msg)
    action, level = command(line)
    if action == "wrong_level" and level is None:
        report.ignored.append(f"reply from {sender}: 'wrong' needs a level, e.g. 'wrong watch'")
        return done("wrong without a level")
    for alert_id in alert_ids:
        try:
            act(db, action, now, alert_id=alert_id, by=sender, via="email", note=line or None, level=level)
        except (KeyError, ActionError):
            continue
        report.applied.append(f"{action.replace('_', ' ')} alert {alert_id} ({sender})")
    return done(action, applied=True)
