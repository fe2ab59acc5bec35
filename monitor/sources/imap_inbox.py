"""Kind ``imap_inbox``: our own mailbox, where the website's contact form and people's emails arrive.

Watches: one folder (``folder``, INBOX) of the charity's mailbox, over IMAP. A message that
arrives there was written to us, so it is about us whether or not it names us ("Hi, what time
does the Thursday group start?"): its items carry ``to_us``, the analysis reads the whole text
as about us and makes no is-it-us check ("sent to our inbox"), and it is graded, floored and
routed like any mention (a crisis in a contact-form message pages the directors).
Options: ``host``; ``port`` (993 with ``tls: ssl``, else 143); ``tls`` (ssl, starttls, or none
for a server on this machine only); ``user`` and ``password`` (the password only as
``${ENV_VAR}``, read from the environment when the mailbox is read, so it never reaches the
database, ``monitor check`` or a log); ``folder``; ``skip_from`` (addresses whose mail is never
read, e.g. the address alert emails are sent from); ``max_messages`` (per poll, 100; the rest
come next poll); ``max_bytes`` (of one message, 256 KB: attachments beyond are cut off).
Read-only: the folder is opened with EXAMINE and every message read with BODY.PEEK, so nothing
is deleted, moved or marked read; people using the mailbox see it exactly as before.
New items: the cursor is the folder's UIDVALIDITY and the highest UID read: each poll asks
``UID SEARCH UID n+1:*``, so each message is read once. The first poll (and a poll after the
server renumbered the folder) takes what arrived within ``backfill`` (``SEARCH SINCE``).
Skipped: our own mail (alert emails, by their Message-ID or ``[CRISIS]``-style subject; replies
quoting an alert's ``[ref M12-...]``, which the replies feature reads; the weekly digest), mail
from ``replies.directors`` and ``skip_from``, and delivery-failure reports.
Text: the text/plain part, else the HTML part as plain text; quoted lines (``>``) and the quoted
history after an "On ... wrote:" line are left out. Title: the subject. Author: the sender
(Reply-To, which a contact form sets to the person, else From); it is stored with the mention
like any author and never logged.
Time: ``settings.read_timeout`` per answer and ``settings.fetch_deadline`` for the whole poll (a
watchdog shuts the connection): a slow, stuck or failing server costs only this source, and what
was read before the deadline is kept.
Reach: none.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_to_datetime

from ..config.values import ENV_REF
from ..imap import fetch, first, quote, uids as uids_after
from ..yamlsource import join
from .base import Item, Option, Poll, Source, SourceFailed, SourceState

TLS_MODES = ("ssl", "starttls", "none")
PORTS = {"ssl": 993, "starttls": 143, "none": 143}
_LOCAL = ("127.0.0.1", "localhost", "::1")
MAX_TEXT = 20_000  # characters of one message kept, as for every other kind

# Our own mail: the alert emails' Message-ID (monitor/notify/channels.message_id), a reply reference
# (monitor/signing.REF), the subjects of alert and digest emails (alerts/*.title.txt, digest.subject.txt).
_OUR_MESSAGE_ID = re.compile(r"<alert-\d+\.\d+\.[A-Za-z0-9-]*\.[0-9a-f]{16}@", re.I)
_REF = re.compile(r"\bref[: ]+M\d{1,9}-[0-9a-f]{10}\b", re.I)
_OUR_SUBJECT = re.compile(
    r"^\s*(?:(?:re|fwd?|fw|aw|tr|sv|wg)\s*:\s*)*(?:(?:update|still open|escalated)\s+)?"
    r"\[(?:crisis|alert|watch|info|test|monitor|reply due)\]\s|\bweekly digest \d{4}-W\d{2}\b", re.I)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster)@", re.I)
_QUOTE_HEADER = re.compile(r"(?i)^(?:on .{0,200}wrote:?|-{2,} ?original message ?-{2,}|from: .+ sent: .+)$")


class ImapInboxSource(Source):
    kind = "imap_inbox"
    description = ("our own mailbox, where contact-form messages and emails to us arrive (`host`, `user`, "
                   "`password`, `folder`)")
    needs = "the mailbox's IMAP login (an app password if the provider offers one) in an environment variable"
    notes = (
        "a message there is about us by definition: no name check; read-only (EXAMINE, BODY.PEEK: nothing "
        "deleted or marked read); UID cursor, each message read once; skips our own alert, reply and digest "
        "mails and the directors' addresses; 100 messages a poll, 256 KB each; the password only as "
        "`${ENV_VAR}`, never shown"
    )
    options = (
        Option("host", "the IMAP server, e.g. imap.example.org"),
        Option("port", "default 993 with tls ssl, else 143", type="port", default=None),
        Option("tls", "ssl (port 993), starttls (143), or none (only for a server on this machine)", default="ssl"),
        Option("user", "the login, e.g. ${MONITOR_INBOX_USER} or the address itself", type="env"),
        Option("password", "${ENV_VAR} holding the password (never the password itself)", type="env"),
        Option("folder", "the folder to read", default="INBOX"),
        Option("skip_from", "addresses whose mail is never read (e.g. the address alerts are sent from)",
               type="list", default=()),
        Option("max_messages", "messages read per poll at most (the rest come next poll)", type="int", default=100),
        Option("max_bytes", "bytes of one message read at most", type="int", default=256 * 1024),
    )

    # -- configuration ---------------------------------------------------------------

    @classmethod
    def read_options(cls, r, raw: dict, path: str) -> dict:
        out = super().read_options(r, {k: v for k, v in raw.items() if k not in ("skip_from", "max_bytes")}, path)
        out["skip_from"] = [a.strip().lower() for a in r.strings(raw.get("skip_from"), join(path, "skip_from"))]
        out["max_bytes"] = r.integer(raw.get("max_bytes"), join(path, "max_bytes"), 256 * 1024, 1024, 50 * 1024 * 1024)
        if out["tls"] not in TLS_MODES:
            r.problem(join(path, "tls"), f"must be one of {', '.join(TLS_MODES)}, got {out['tls']!r}")
            out["tls"] = "ssl"
        elif out["tls"] == "none" and out.get("host") not in _LOCAL:
            r.problem(join(path, "tls"), "none is only allowed for a server on this machine (127.0.0.1); "
                                         "use ssl or starttls")
        port = out.get("port")
        if port in (None, ""):
            out["port"] = PORTS[out["tls"]]
        else:
            try:
                out["port"] = int(str(port))
                if not 1 <= out["port"] <= 65535:
                    raise ValueError
            except ValueError:
                r.problem(join(path, "port"), f"must be a port number from 1 to 65535, got {port!r}")
                out["port"] = PORTS[out["tls"]]
        password = (out.get("password") or "").strip()
        if password and not ENV_REF.fullmatch(password):
            r.problem(join(path, "password"), "write the password as ${ENV_VAR} (e.g. ${MONITOR_INBOX_PASSWORD}), "
                                              "never in this file")
        return out

    @classmethod
    def env_needed(cls, options: dict) -> list[str]:
        return [n for key in ("user", "password") for n in ENV_REF.findall(str(options.get(key) or ""))]

    def _credentials(self) -> tuple[str, str]:
        """(user, password) from the environment, read only now; SourceFailed naming what is not set."""
        import os

        values, missing = [], []
        for key in ("user", "password"):
            text = str(getattr(self, key) or "")

            def sub(m: re.Match) -> str:
                value = os.environ.get(m.group(1), "")
                if not value:
                    missing.append(m.group(1))
                return value

            values.append(ENV_REF.sub(sub, text))
        if missing:
            raise SourceFailed(f"environment variable {' and '.join(missing)} is not set: the mailbox cannot be read")
        return values[0], values[1]

    # -- polling ---------------------------------------------------------------------

    def poll(self, fetcher, state: SourceState) -> Poll:
        user, password = self._credentials()
        secrets = [s for s in (password, user) if s]
        cursor = state.cursor_dict()
        timeout = float(getattr(fetcher, "read_timeout", None) or 30.0)
        deadline = float(getattr(fetcher, "deadline", None) or 70.0)
        started = time.monotonic()
        guard = _Guard(deadline)
        items: list[Item] = []
        skipped = 0
        warnings: list[str] = []
        conn, validity, last, size = None, "", 0, 0
        try:
            conn = _connect(self.host, self.port, self.tls, timeout, guard)
            try:
                conn.login(user, password)
            except Exception:
                names = self.env_needed({"user": self.user, "password": self.password}) or ["user", "password"]
                raise SourceFailed(f"the mailbox refused the login: check {' and '.join(names)}") from None
            typ, _ = conn.select(quote(self.folder), readonly=True)  # EXAMINE: read-only
            if typ != "OK":
                raise SourceFailed(f"the mailbox has no folder {self.folder!r}")
            validity = first(conn.response("UIDVALIDITY")[1])
            last = int(cursor.get("uid") or 0) if cursor.get("uidvalidity") == validity else 0
            if last:
                typ, data = conn.uid("SEARCH", None, f"UID {last + 1}:*")
            else:  # first poll, or the server renumbered the folder: what arrived within backfill
                since = ((state.now or datetime.now(timezone.utc)) - timedelta(seconds=self.config.backfill)).strftime("%d-%b-%Y")
                typ, data = conn.uid("SEARCH", None, "SINCE", since)
            if typ != "OK":
                raise SourceFailed(f"the mailbox did not answer the search: {_said(data, secrets)}")
            uids = uids_after(data, last)
            waiting = len(uids)
            uids = uids[: self.max_messages]
            for uid in uids:
                raw = fetch(conn, uid, self.max_bytes)
                last = max(last, uid)
                if raw is None:
                    continue
                size += len(raw)
                try:
                    item = self.item(raw, uid, validity, state)
                except Exception as exc:  # one unreadable message costs only itself
                    warnings.append(f"message uid {uid} unreadable ({type(exc).__name__}); skipped")
                    continue
                if item is None:
                    skipped += 1
                else:
                    items.append(item)
            if waiting > len(uids):
                warnings.append(f"{waiting - len(uids)} more messages wait for the next poll")
        except Exception as exc:
            if guard.fired:
                why = f"server too slow: no complete answer within {deadline:g}s"
            elif isinstance(exc, SourceFailed):
                why = str(exc)
            else:
                why = _describe(exc, self.host, self.port, secrets)
            if not items:
                raise SourceFailed(why, duration=time.monotonic() - started) from None
            warnings.append(f"{why}; kept the {len(items)} messages read before it")
        finally:
            if conn is not None:
                try:
                    conn.logout()  # still under the deadline: a server that stalls here cannot hold the run
                except Exception:
                    pass
            guard.stop()
        if skipped:
            warnings.append(f"{skipped} of our own or the directors' messages skipped")
        if last:
            cursor.update(uidvalidity=validity, uid=last)
        return Poll("new" if items or skipped or warnings else "unchanged", items=items, bytes=size,
                    duration=time.monotonic() - started,
                    warning="; ".join(warnings) or None, remember={"cursor": json.dumps(cursor)})

    def item(self, raw: bytes, uid: int, validity: str, state: SourceState) -> Item | None:
        """One message as an item (``to_us``), or None for our own mail and the directors'."""
        import email
        import email.policy

        msg = email.message_from_bytes(raw, policy=email.policy.default)
        senders = [a.lower() for _n, a in _addresses(msg, "From") + _addresses(msg, "Sender")]
        if self._ours_or_skipped(msg, senders):
            return None
        name, address = (_addresses(msg, "Reply-To") or _addresses(msg, "From") or [("", "")])[0]
        subject = " ".join(_header(msg, "Subject").split())[:1000]
        try:
            published = parsedate_to_datetime(_header(msg, "Date"))
            published = published if published.tzinfo else None
        except (TypeError, ValueError, IndexError):
            published = None
        message_id = _header(msg, "Message-ID").strip()[:300]
        return Item(
            source=self.name, item_id=message_id or f"uid:{validity}:{uid}", url="", title=subject,
            text=message_text(msg)[:MAX_TEXT], author=(f"{name} <{address}>" if name else address)[:200],
            published=published or state.now or datetime.now(timezone.utc), to_us=True,
        )

    def _ours_or_skipped(self, msg, senders: list[str]) -> bool:
        skip = set(self.skip_from or ()) | set(getattr(self.config, "directors", None) or ())
        if any(s in skip for s in senders):
            return True
        if _OUR_MESSAGE_ID.search(_header(msg, "Message-ID")):
            return True
        threaded = " ".join(_header(msg, h) for h in ("In-Reply-To", "References"))
        if _OUR_MESSAGE_ID.search(threaded):
            return True
        subject = _header(msg, "Subject")
        if _REF.search(subject) or _OUR_SUBJECT.search(subject):
            return True
        return msg.get_content_type() == "multipart/report" or any(_BOUNCE_SENDER.match(s) for s in senders)


def message_text(msg) -> str:
    """The message's own words: text/plain (else HTML as text), without quoted lines or quoted history."""
    from ..text import html_to_text

    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    try:
        text = part.get_content()
    except Exception:  # an unknown charset or a body cut off by max_bytes
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    if not isinstance(text, str):
        return ""
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if kept and _QUOTE_HEADER.match(stripped):
            break  # what follows is the history being replied to
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


# -- the connection ---------------------------------------------------------------------


class _Guard:
    """Shuts the connection when the poll passes its deadline, however slowly the server answers."""

    def __init__(self, seconds: float):
        self.conn = None
        self.sock = None
        self.fired = False
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        import socket

        self.fired = True
        sock = getattr(self.conn, "sock", None) or self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        self._timer.cancel()


def _connect(host: str, port: int, tls: str, timeout: float, guard: _Guard):
    import imaplib
    import ssl

    base = imaplib.IMAP4_SSL if tls == "ssl" else imaplib.IMAP4

    class Connection(base):
        def _create_socket(self, timeout):
            guard.conn = self
            guard.sock = sock = super()._create_socket(timeout)
            return sock

    if tls == "ssl":
        conn = Connection(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)
    else:
        conn = Connection(host, port, timeout=timeout)
        if tls == "starttls":
            conn.starttls(ssl_context=ssl.create_default_context())
    guard.conn = conn
    if guard.fired:
        raise TimeoutError("deadline passed")
    return conn


def _header(msg, name: str) -> str:
    try:
        return str(msg.get(name) or "")
    except Exception:  # a header too broken to decode
        return ""


def _addresses(msg, name: str) -> list[tuple[str, str]]:
    try:
        return [(n, a) for n, a in getaddresses([_header(msg, name)]) if a]
    except Exception:
        return []


def _said(data, secrets: list[str]) -> str:
    return _redact(" ".join(d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d) for d in data or [])[:200],
                   secrets)


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if len(secret) >= 4:  # (a shorter one would garble the sentence, not hide anything)
            text = text.replace(secret, "***")
    return text


def _describe(exc: Exception, host: str, port: int, secrets: list[str]) -> str:
    """A failure in plain words, never with the password (or the login) in it."""
    if isinstance(exc, (ConnectionRefusedError, ConnectionResetError)):
        why = f"the mailbox {host}:{port} refused the connection"
    elif isinstance(exc, TimeoutError) or type(exc).__name__ == "timeout":
        why = f"the mailbox {host}:{port} did not answer in time"
    elif isinstance(exc, OSError) and not str(exc).startswith("socket error"):
        why = f"the mailbox {host}:{port} cannot be reached: {exc}"
    else:
        why = f"the mailbox {host}:{port} failed: {type(exc).__name__}: {exc}"
    return _redact(why, secrets)[:300]
