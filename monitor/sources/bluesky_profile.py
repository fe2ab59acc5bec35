"""Kind ``bluesky_profile``: one Bluesky account's posts, through its public RSS feed.

Watches: an account (ours, or one that often mentions us). Needs no login.
Options: ``handle`` (e.g. newbabynetwork.bsky.social), ``base_url``
(https://public.api.bsky.app, for resolving the handle), ``web_url`` (https://bsky.app).
New items: the handle is resolved to its DID once (``com.atproto.identity.resolveHandle``)
and kept in the cursor; then ``WEB/profile/DID/rss`` is read like ``rss`` (unchanged
bodies are skipped).
Reach: none in the feed.
"""

from __future__ import annotations

import json

from .base import Option, Poll, SourceState, base_url_option
from .rss import RssSource


class BlueskyProfileSource(RssSource):
    kind = "bluesky_profile"
    description = "one account's posts via its public RSS (`handle`)"
    notes = "the handle is resolved to its DID once"
    options = (
        Option("handle", "the account's handle, e.g. newbabynetwork.bsky.social"),
        base_url_option("https://public.api.bsky.app"),
        Option("web_url", "where the profile RSS lives", type="url", default="https://bsky.app"),
    )

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        if not cursor.get("did"):
            found = self.get_json(fetcher, f"{self.base_url.rstrip('/')}/xrpc/com.atproto.identity.resolveHandle",
                                  params={"handle": self.handle.lstrip("@")})
            cursor["did"] = found["did"]
        self._did = cursor["did"]
        poll = super().poll(fetcher, state)
        poll.remember["cursor"] = json.dumps(cursor)
        return poll

    def feed_url(self) -> str:
        return f"{self.web_url.rstrip('/')}/profile/{self._did}/rss"
