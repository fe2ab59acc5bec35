"""Tell an outside watcher (healthchecks.io and the like) that a run happened.

After each run we GET ``rules.heartbeat_url``; after a failed run, the same URL
with ``/fail`` appended. If cron, the box or the monitor itself dies, the pings
stop and the outside service alerts the volunteer: the one failure the monitor
cannot report about itself.
"""

from __future__ import annotations


def ping(url: str, failed: bool, *, timeout: float = 10.0, user_agent: str = "") -> str | None:
    """None when the ping was accepted, else why not (never raises: a ping must not fail a run)."""
    import requests

    target = url.rstrip("/") + "/fail" if failed else url
    try:
        r = requests.get(target, timeout=timeout, headers={"User-Agent": user_agent} if user_agent else None)
    except requests.RequestException as exc:
        return f"heartbeat not delivered: {type(exc).__name__}"
    return None if r.status_code < 400 else f"heartbeat not accepted: HTTP {r.status_code}"
