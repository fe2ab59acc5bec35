"""IMAP's small print, shared by the mailbox source (``sources/imap_inbox``) and reply to acknowledge
(``replies``): quoting a folder name, reading a response code, the UIDs after a cursor, one message
read without marking it read."""

from __future__ import annotations


def quote(folder: str) -> str:
    """A folder name as an IMAP quoted string."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def first(data) -> str:
    """The first non-empty value of an untagged response (e.g. ``conn.response("UIDVALIDITY")[1]``)."""
    for value in data or []:
        if value:
            return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    return ""


def uids(data, after: int = 0) -> list[int]:
    """The UIDs a SEARCH answered, above ``after``, in order (a server answers "n:*" with the last
    message even when none is above n; anything that is not a number is ignored)."""
    return sorted({int(u) for u in (data[0] or b"").split() if u.isdigit() and int(u) > after}) if data else []


def fetch(conn, uid: int, max_bytes: int) -> bytes | None:
    """The first ``max_bytes`` of one message, without marking it read (BODY.PEEK)."""
    typ, parts = conn.uid("FETCH", str(uid), f"(BODY.PEEK[]<0.{max_bytes}>)")
    if typ != "OK":
        return None
    for part in parts or []:
        if isinstance(part, tuple) and len(part) >= 2 and isinstance(part[1], bytes):
            return part[1]
    return None
