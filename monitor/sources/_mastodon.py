"""What ``mastodon_tag`` and ``mastodon_account`` share: reading statuses and paging by id.

Fields relied on (Mastodon REST API, Status entity): id, uri, url, created_at, content
(HTML), spoiler_text, language, reblogs_count, favourites_count, replies_count,
account.acct, account.followers_count.
"""

from __future__ import annotations

from ..text import html_to_text
from .base import Item, Poll, Source, SourceFailed, parse_time

PAGE = 40  # the API's maximum page size
MAX_PAGES = 5  # a burst bigger than 200 posts is picked up over the next runs


def status_item(source: str, s: dict) -> Item:
    acct = (s.get("account") or {})
    text = html_to_text(s.get("content") or "")
    if s.get("spoiler_text"):
        text = html_to_text(s["spoiler_text"]) + "\n" + text
    return Item(
        source=source, item_id=str(s.get("uri") or s.get("id")), url=s.get("url") or s.get("uri") or "",
        title="", text=text[:20000], author=str(acct.get("acct") or "")[:200], published=parse_time(s.get("created_at")),
        language=str(s.get("language") or "")[:20],
        reach={"reblogs": int(s.get("reblogs_count") or 0), "favourites": int(s.get("favourites_count") or 0),
               "replies": int(s.get("replies_count") or 0), "followers": int(acct.get("followers_count") or 0)},
    )


def fetch_statuses(src: Source, fetcher, url: str, since_id: str | None) -> list[dict]:
    """Everything newer than ``since_id`` (newest first), paging back with max_id, at most MAX_PAGES pages."""
    statuses: list[dict] = []
    max_id = None
    for _ in range(MAX_PAGES):
        params = {"limit": PAGE}
        if since_id:
            params["since_id"] = since_id
        if max_id:
            params["max_id"] = max_id
        page = src.get_json(fetcher, url, params=params)
        if not isinstance(page, list):
            raise SourceFailed(f"expected a list of posts from {url}, got {type(page).__name__}")
        statuses += page
        if len(page) < PAGE or not since_id:
            break  # the first run takes one page (the bounded backfill); later runs page to the cursor
        max_id = page[-1]["id"]
    return statuses


def newest_id(statuses: list[dict], current: str | None) -> str | None:
    ids = [int(s["id"]) for s in statuses if str(s.get("id", "")).isdigit()]
    if current and str(current).isdigit():
        ids.append(int(current))
    return str(max(ids)) if ids else current


def refused(exc: SourceFailed) -> bool:
    """The server will not show this timeline without logging in (some turn anonymous access off)."""
    return exc.status in (401, 403, 404, 422)


def rss_fallback(src: Source, fetcher, url: str, cursor: dict) -> Poll:
    """The server's public RSS, for servers that refuse anonymous API access; the cursor is kept."""
    from .base import SourceState
    from .rss import parse_feed

    resp = src.fetch(fetcher, url, SourceState())
    items, _warning = parse_feed(src.name, resp.body, resp.headers, resp.url)
    return poll_result(items, cursor, fallback=url)


def poll_result(items: list[Item], cursor: dict, fallback: str | None = None) -> Poll:
    import json

    warning = f"API refused anonymous access; read {fallback} instead" if fallback else None
    return Poll("new", items=items, warning=warning, remember={"cursor": json.dumps(cursor)})
