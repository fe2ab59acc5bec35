"""Signed references: the ``[ref M12-...]`` a reply quotes, and the expiring links to an alert's page.

Both are HMAC-SHA256 with the database's own random key (``keys`` table, made on first
use), so nobody can forge a reference or a link, and a copied database keeps working.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

REF = re.compile(r"\bref[: ]+M(\d{1,9})-([0-9a-f]{10})\b", re.I)


def _mac(key: bytes, *parts) -> str:
    return hmac.new(key, "|".join(str(p) for p in parts).encode(), hashlib.sha256).hexdigest()


def message_ref(key: bytes, message_id: int) -> str:
    """``M12-3f9c2b1a0d``: goes in the subject of every alert email; a reply quotes it back."""
    return f"M{message_id}-{_mac(key, 'message', message_id)[:10]}"


def find_ref(key: bytes, text: str) -> int | None:
    """The message id of the first valid ``ref M12-...`` in ``text`` (a subject or header), else None."""
    for m in REF.finditer(text or ""):
        message_id, mac = int(m.group(1)), m.group(2).lower()
        if hmac.compare_digest(mac, _mac(key, "message", message_id)[:10]):
            return message_id
    return None


def alert_link(key: bytes, base_url: str, alert_id: int, now: datetime, valid: float) -> str:
    """``https://monitor.example.org/a/12?e=1790000000&s=...``: opens alert 12's page until ``e``."""
    expires = int(now.timestamp() + valid)
    return f"{base_url.rstrip('/')}/a/{alert_id}?e={expires}&s={_mac(key, 'alert', alert_id, expires)[:32]}"


def check_link(key: bytes, alert_id: int, expires: str, sig: str, now: datetime) -> str | None:
    """None when the link is good; else why not, in words."""
    if not expires.isdigit() or not re.fullmatch(r"[0-9a-f]{32}", sig or ""):
        return "This link is not complete. Open it again from the alert message."
    if not hmac.compare_digest(sig, _mac(key, "alert", alert_id, int(expires))[:32]):
        return "This link is not valid. Open it again from the alert message."
    if now.timestamp() > int(expires):
        return "This link has expired. Use a newer alert message, or reply to the alert email instead."
    return None


def form_token(key: bytes, session: str) -> str:
    """A CSRF token bound to the browser's session cookie."""
    return _mac(key, "form", session)[:40]
