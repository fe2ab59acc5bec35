"""Kind ``rss``: any RSS 2.0, RSS 1.0 or Atom feed.

Watches: one feed URL (a news search, a Google Alerts feed, a Mastodon hashtag
or account ``.rss``, a blog).
Options: ``url`` (required).
New items: conditional GET (ETag / Last-Modified); when the server ignores
those, an unchanged body (same SHA-256) is not parsed again. Every entry of a
changed feed is returned; the store recognises the ones it already has.
Reach: none (feeds carry no engagement figures).
Parsing: feedparser-rs (fast) for well-formed feeds; feedparser for anything it finds
broken or empty. Broken XML: feedparser's best effort is used when it still yields
entries, with a warning in the fetch log; an HTML page or an empty reply is a failure.
"""

from __future__ import annotations

import calendar
import hashlib
import html
from datetime import datetime, timezone

from ..text import html_to_text
from .base import Item, Option, Poll, Source, SourceFailed, SourceState, body_hash


class RssSource(Source):
    kind = "rss"
    description = "An RSS or Atom feed (news searches, Google Alerts, Mastodon .rss, blogs)."
    options = (Option("url", "the feed's address (http or https)", type="url"),)

    def feed_url(self) -> str:
        """Where the feed is; kinds that build it from a query override this."""
        return self.url

    def poll(self, fetcher, state: SourceState) -> Poll:
        url = state.moved_to or self.feed_url()
        resp = self.fetch(fetcher, url, state)
        remember = {
            "etag": resp.headers.get("etag") or state.etag,
            "last_modified": resp.headers.get("last-modified") or state.last_modified,
        }
        if resp.moved_to:
            remember["moved_to"] = resp.moved_to
        base = dict(status=resp.status, bytes=len(resp.body), duration=resp.elapsed, remember=remember)
        if resp.status == 304:
            return Poll("not_modified", **base)
        digest = body_hash(resp.body)
        remember["body_hash"] = digest
        if digest == state.body_hash:
            return Poll("unchanged", **base)
        items, warning = self.parse(resp.body, resp.headers, resp.url)
        return Poll("new", items=items, warning=warning, **base)

    def parse(self, body: bytes, headers: dict[str, str], url: str) -> tuple[list[Item], str | None]:
        return parse_feed(self.name, body, headers, url)


def _fast_parse(body: bytes):
    """feedparser-rs (Rust, ~30x faster) for well-formed feeds with entries; None means use feedparser."""
    try:
        import feedparser_rs
    except ImportError:  # no wheel for this machine: feedparser alone is fine, just slower
        return None
    try:
        parsed = feedparser_rs.parse(body)
    except Exception:
        return None
    return parsed if parsed.entries and not parsed.get("bozo") else None


def parse_feed(source: str, body: bytes, headers: dict[str, str], url: str) -> tuple[list[Item], str | None]:
    """Items from an RSS/Atom body (any kind that reads a feed uses this), and a warning for broken XML.

    Well-formed feeds go through feedparser-rs; anything it finds broken or empty goes through
    feedparser, whose best effort on broken XML and error reports we rely on.
    """
    fast = _fast_parse(body)
    if fast is not None:
        return [i for i in (entry_item(source, e, unescape_links=True) for e in fast.entries)
                if i.url or i.title or i.text], None
    import feedparser

    parsed = feedparser.parse(
        body,
        response_headers={"content-type": headers.get("content-type", "application/xml"), "content-location": url},
    )
    if not parsed.entries:
        ctype = headers.get("content-type", "")
        if not body.strip():
            raise SourceFailed("the server sent an empty reply instead of a feed", status=200, bytes=len(body))
        if "html" in ctype.lower() or body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
            raise SourceFailed(f"the server sent a web page ({ctype or 'HTML'}), not a feed: check the URL",
                               status=200, bytes=len(body))
        if parsed.bozo and not parsed.version:
            raise SourceFailed(f"not a readable feed: {_reason(parsed)}", status=200, bytes=len(body))
    warning = None
    if parsed.bozo and parsed.entries:
        warning = f"feed XML is broken ({_reason(parsed)}); {len(parsed.entries)} entries still read"
    items = [entry_item(source, e) for e in parsed.entries]
    return [i for i in items if i.url or i.title or i.text], warning


def entry_item(source: str, entry, unescape_links: bool = False) -> Item:
    title = html_to_text(entry.get("title", ""))
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else entry.get("summary", "")
    link = entry.get("link", "") or ""
    if unescape_links:  # feedparser-rs leaves &amp; in attribute values; feedparser decodes it
        link = html.unescape(link)
    ident = entry.get("id") or link or hashlib.sha1((title + body).encode()).hexdigest()
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(when), tz=timezone.utc) if when else None
    src = entry.get("source") or {}
    publisher = src.get("title", "") if hasattr(src, "get") else getattr(src, "title", "") or ""
    return Item(
        source=source,
        item_id=str(ident)[:500],
        url=link,
        title=title[:1000],
        text=html_to_text(body)[:20000],
        author=html_to_text(entry.get("author", ""))[:200],
        published=published,
        publisher=html_to_text(publisher)[:200],
        language=(entry.get("language") or "")[:20],
    )


def _reason(parsed) -> str:
    exc = parsed.get("bozo_exception")
    return str(exc).splitlines()[0][:160] if exc else "unknown problem"
