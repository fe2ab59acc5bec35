"""What ``mastodon_tag`` and ``mastodon_account`` share: reading statuses and paging by id.

Fields relied on (Mastodon REST API, Status entity): id, uri, url, created_at, content
(HTML), spoiler_text, language, reblogs_count, favourites_count, replies_count,
account.acct, account.followers_count, and ``reblog`` (a boost carries the boosted
status there; its own ``content`` is empty and ``url`` null).
Ids are strings "not guaranteed to be a number": the cursor is the newest numeric id,
or the id of the newest status when the server's ids are not numbers.
Rate limits: ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` (ISO 8601) are honoured: with
no calls left the source stops paging, keeps its cursor (so nothing is skipped) and
waits until the reset; a 429 waits for ``Retry-After``, else for the reset.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..text import html_to_text
from .base import Item, Poll, Source, SourceFailed, parse_time

PAGE = 40  # the API's maximum page size
MAX_PAGES = 5  # a burst bigger than 200 posts is picked up over the next runs
MIN_REMAINING = 1  # stop paging when the server says this many calls (or fewer) are left


def status_item(source: str, s: dict) -> Item:
    booster = None
    if isinstance(s.get("reblog"), dict):  # a boost: the post is the boosted status
        booster = str((s.get("account") or {}).get("acct") or "")
        s = s["reblog"]
    acct = (s.get("account") or {})
    text = html_to_text(s.get("content") or "")
    if s.get("spoiler_text"):
        text = html_to_text(s["spoiler_text"]) + "\n" + text
    reach = {"reblogs": int(s.get("reblogs_count") or 0), "favourites": int(s.get("favourites_count") or 0),
             "replies": int(s.get("replies_count") or 0), "followers": int(acct.get("followers_count") or 0)}
    return Item(
        source=source, item_id=str(s.get("uri") or s.get("id")), url=s.get("url") or s.get("uri") or "",
        title="", text=text[:20000], author=str(acct.get("acct") or "")[:200], published=parse_time(s.get("created_at")),
        publisher=f"boosted by {booster}"[:200] if booster else "",
        language=str(s.get("language") or "")[:20], reach=reach,
    )


class RateLimited:
    """What the server said about its rate limit on the last answer."""

    def __init__(self):
        self.wait: float | None = None  # seconds until calls are allowed again, when none are left

    def read(self, headers: dict, now: datetime | None) -> float | None:
        """Seconds to wait until the reset when no calls are left, else None."""
        remaining = headers.get("x-ratelimit-remaining")
        try:
            left = int(float(remaining)) if remaining not in (None, "") else None
        except ValueError:
            left = None
        if left is None or left > MIN_REMAINING:
            return None
        return reset_seconds(headers.get("x-ratelimit-reset"), now) or 300.0


def reset_seconds(value: str | None, now: datetime | None) -> float | None:
    """Mastodon's X-RateLimit-Reset is a time (ISO 8601); seconds from ``now`` until then (at least 1)."""
    when = parse_time(value) if value else None
    if when is None:
        return None
    now = now or datetime.now(timezone.utc)
    return max(1.0, min((when - now).total_seconds(), 24 * 3600.0))


def get_page(src: Source, fetcher, url: str, params: dict, now: datetime | None):
    """One API page: (parsed JSON, seconds to hold off when the rate limit is used up, else None)."""
    resp = fetcher.get(url, params=params, headers={"Accept": "application/json"})
    if resp.status == 429:
        wait = resp.retry_after if resp.retry_after is not None else reset_seconds(resp.headers.get("x-ratelimit-reset"), now)
        raise SourceFailed(f"Mastodon is rate-limiting us (HTTP 429); waiting {wait or 300:,.0f}s", status=429,
                           retry_after=wait or 300.0, bytes=len(resp.body), duration=resp.elapsed)
    src.check_status(resp, url)
    return src.parse_json(resp), RateLimited().read(resp.headers, now)


def fetch_statuses(src: Source, fetcher, url: str, since_id: str | None, now: datetime | None = None):
    """Everything newer than ``since_id`` (newest first), paging back with max_id, at most MAX_PAGES pages.

    Returns (statuses, complete, hold): ``complete`` is False when paging stopped because the
    rate limit was used up (the cursor must then stay where it was); ``hold`` is how long to wait.
    """
    statuses: list[dict] = []
    max_id = None
    hold = None
    complete = True
    for _ in range(MAX_PAGES):
        params = {"limit": PAGE}
        if since_id:
            params["since_id"] = since_id
        if max_id:
            params["max_id"] = max_id
        page, hold = get_page(src, fetcher, url, params, now)
        if not isinstance(page, list):
            raise SourceFailed(f"expected a list of posts from {url}, got {type(page).__name__}")
        statuses += [s for s in page if isinstance(s, dict)]
        if len(page) < PAGE or not since_id:
            break  # the first run takes one page (the bounded backfill); later runs page to the cursor
        if hold is not None:
            complete = False  # no calls left: the rest is fetched after the reset, from the same cursor
            break
        max_id = page[-1].get("id")
    return statuses, complete, hold


def newest_id(statuses: list[dict], current: str | None) -> str | None:
    """The cursor after these statuses (newest first): the largest numeric id, else the newest status's id."""
    ids = [str(s.get("id")) for s in statuses if s.get("id") not in (None, "")]
    if not ids:
        return current
    if all(i.isdigit() for i in ids) and (not current or str(current).isdigit()):
        return str(max([int(i) for i in ids] + ([int(current)] if current else [])))
    return ids[0]  # ids that are not numbers: the API lists newest first


def refused(exc: SourceFailed) -> bool:
    """The server will not show this timeline without logging in (some turn anonymous access off)."""
    return exc.status in (401, 403, 404, 422)


def rss_fallback(src: Source, fetcher, url: str, cursor: dict, why: str = "API refused anonymous access") -> Poll:
    """The server's public RSS, for servers that refuse anonymous API access; the cursor is kept."""
    from .base import SourceState
    from .rss import parse_feed

    resp = src.fetch(fetcher, url, SourceState())
    items, _warning = parse_feed(src.name, resp.body, resp.headers, resp.url)
    return poll_result(items, cursor, fallback=url, why=why)


def poll_result(items: list[Item], cursor: dict, fallback: str | None = None, hold: float | None = None,
                why: str = "API refused anonymous access") -> Poll:
    import json

    warnings = []
    if fallback:
        warnings.append(f"{why}; read {fallback} instead")
    if hold is not None:
        warnings.append(f"rate limit used up: waiting {hold:,.0f}s for its reset")
    return Poll("new", items=items, warning="; ".join(warnings) or None, retry_after=hold,
                remember={"cursor": json.dumps(cursor)})
