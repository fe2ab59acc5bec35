"""Kind ``mastodon_tag``: public posts with a hashtag on one Mastodon server.

Watches: ``#tag`` as seen by ``instance`` (which sees its own users and those it federates with).
Options: ``instance`` (e.g. https://mastodon.social), ``tag`` (without #).
New items: ``GET /api/v1/timelines/tag/TAG?since_id=CURSOR&limit=40``, paging back with
``max_id`` while pages are full (at most 5 pages a run); the cursor is the newest id.
The first run takes one page. When the server refuses anonymous access (401/403/404/422),
its ``/tags/TAG.rss`` is read instead.
Reach: reblogs, favourites, replies, author's followers.
"""

from __future__ import annotations

from urllib.parse import quote

from ._mastodon import fetch_statuses, newest_id, poll_result, refused, rss_fallback, status_item
from .base import Option, Poll, Source, SourceFailed, SourceState


class MastodonTagSource(Source):
    kind = "mastodon_tag"
    description = "Public posts with a hashtag on a Mastodon server."
    options = (Option("instance", "the server, e.g. https://mastodon.social", type="url"),
               Option("tag", "the hashtag, without #"))
    reach = ("reblogs", "favourites", "replies", "followers")

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        base = self.instance.rstrip("/")
        tag = quote(self.tag.lstrip("#"))
        try:
            statuses = fetch_statuses(self, fetcher, f"{base}/api/v1/timelines/tag/{tag}", cursor.get("since_id"))
        except SourceFailed as exc:
            if not refused(exc):
                raise
            return rss_fallback(self, fetcher, f"{base}/tags/{tag}.rss", cursor)
        cursor["since_id"] = newest_id(statuses, cursor.get("since_id"))
        return poll_result([status_item(self.name, s) for s in statuses], cursor)
