"""Kind ``mastodon_tag``: public posts with a hashtag on one Mastodon server.

Watches: ``#tag`` as seen by ``instance`` (which sees its own users and those it federates with).
Options: ``instance`` (e.g. https://mastodon.social), ``tag`` (without #).
New items: ``GET /api/v1/timelines/tag/TAG?since_id=CURSOR&limit=40``, paging back with
``max_id`` while pages are full (at most 5 pages a run); the cursor is the newest id.
The first run takes one page. When the server refuses anonymous access (401/403/404/422),
or answers ``[]`` (what a server with tag timelines turned off says), its ``/tags/TAG.rss``
is read instead. A tag the server has never seen (404 from both) is a quiet tag, not a
failing source. Rate limits (``X-RateLimit-*``) are honoured, see ``_mastodon``.
Reach: reblogs, favourites, replies, author's followers.
"""

from __future__ import annotations

from urllib.parse import quote

from ._mastodon import fetch_statuses, newest_id, poll_result, refused, rss_fallback, status_item
from .base import Option, Poll, Source, SourceFailed, SourceState


class MastodonTagSource(Source):
    kind = "mastodon_tag"
    description = "a hashtag on one server (`instance`, `tag`)"
    notes = (
        "JSON API with `since_id`, 40 a page; falls back to the server's `.rss` when it refuses anonymous "
        "access or answers `[]` (tag timelines turned off); a tag the server has never seen (404) is a quiet "
        "tag, not a failure; ids that are not numbers still move the cursor; `X-RateLimit-Remaining/Reset` "
        "honoured (paging stops, the cursor stays, the source waits for the reset)"
    )
    options = (Option("instance", "the server, e.g. https://mastodon.social", type="url"),
               Option("tag", "the hashtag, without #"))
    reach = ("reblogs", "favourites", "replies", "followers")

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        base = self.instance.rstrip("/")
        tag = quote(self.tag.lstrip("#"))
        rss_url = f"{base}/tags/{tag}.rss"
        try:
            statuses, complete, hold = fetch_statuses(self, fetcher, f"{base}/api/v1/timelines/tag/{tag}",
                                                      cursor.get("since_id"), state.now)
        except SourceFailed as exc:
            if not refused(exc):
                raise
            return self._rss(fetcher, rss_url, cursor, quiet_if_missing=exc.status == 404)
        if not statuses:  # tag timelines turned off, or simply nothing new: the RSS tells which
            try:
                return self._rss(fetcher, rss_url, cursor, quiet_if_missing=True, why="API answered an empty list")
            except SourceFailed as exc:  # the API itself answered: an unreadable RSS does not make the source fail
                poll = poll_result([], cursor, hold=hold)
                poll.warning = f"API answered an empty list and {rss_url} could not be read: {exc}"
                return poll
        if complete:
            cursor["since_id"] = newest_id(statuses, cursor.get("since_id"))
        return poll_result([status_item(self.name, s) for s in statuses], cursor, hold=hold)

    def _rss(self, fetcher, url: str, cursor: dict, quiet_if_missing: bool, why: str = "API refused anonymous access"):
        try:
            return rss_fallback(self, fetcher, url, cursor, why=why)
        except SourceFailed as exc:
            if quiet_if_missing and exc.status == 404:
                poll = poll_result([], cursor)
                poll.warning = f"no posts with #{self.tag.lstrip('#')} on this server yet"
                return poll
            raise
