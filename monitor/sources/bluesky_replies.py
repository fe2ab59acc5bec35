"""Kind ``bluesky_replies``: the replies under our own Bluesky account's posts (Bluesky's public
AppView: no account, no app password).

Watches: what people write under our posts, which rarely names us: written to us, so the items
carry ``to_us`` and are about us whether or not they name us (no name check), graded and routed
like any mention.
Options: ``handle`` (ours, e.g. newbabynetwork.bsky.social), ``posts`` (how many of our newest
posts to watch, 20), ``within`` (how long after posting a post is watched, 14 days),
``base_url`` (https://public.api.bsky.app).
New items: each poll reads our newest posts (``app.bsky.feed.getAuthorFeed?actor=&filter=
posts_no_replies&limit=30``; reposts left out) and, for each post within ``within`` whose
``replyCount`` is above zero, its thread (``app.bsky.feed.getPostThread?uri=&depth=6
&parentHeight=0``): every reply in it not written by us is an item (replies to replies too, six
deep). The store recognises replies it already has (by their address), so a thread read again
adds only what is new; a post nobody answered costs no request.
Fields relied on: feed[].post.uri, author.did/handle, record.text, record.createdAt, replyCount,
likeCount, repostCount, quoteCount; feed[].reason (a repost); thread.replies[] (threadViewPost;
notFoundPost and blockedPost are skipped).
Reach: likes, reposts, replies, quotes (of the reply).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ._bluesky import post_item
from .base import Item, Option, Poll, Source, SourceState, base_url_option, parse_time

DEPTH = 6  # replies to replies read this deep
MAX_REPLIES = 500  # per poll, across all threads


class BlueskyRepliesSource(Source):
    kind = "bluesky_replies"
    description = "replies under our own account's posts (`handle`)"
    notes = (
        "public AppView, no login; comments to us rarely name us: they count as written to us (no name check); "
        "our newest `posts` (20) within `within` (14 days) are watched, a post's thread is read only when it "
        "has replies"
    )
    options = (Option("handle", "our handle, e.g. newbabynetwork.bsky.social"),
               Option("posts", "how many of our newest posts to watch for replies", type="int", default=20),
               Option("within", "how long after posting a post is watched", type="duration", default=14 * 86400.0),
               base_url_option("https://public.api.bsky.app"))
    reach = ("likes", "reposts", "replies", "quotes")

    def _xrpc(self, method: str) -> str:
        return f"{self.base_url.rstrip('/')}/xrpc/{method}"

    def poll(self, fetcher, state: SourceState) -> Poll:
        now = state.now or datetime.now(timezone.utc)
        handle = self.handle.lstrip("@")
        feed = self.get_json(fetcher, self._xrpc("app.bsky.feed.getAuthorFeed"),
                             params={"actor": handle, "filter": "posts_no_replies", "limit": 30})
        oldest = now - timedelta(seconds=self.within)
        ours = [e["post"] for e in (feed.get("feed") or []) if isinstance(e, dict) and isinstance(e.get("post"), dict)
                and not e.get("reason")]  # a "reason" is a repost of someone else's post
        ours = [p for p in ours if (parse_time((p.get("record") or {}).get("createdAt")) or now) >= oldest][: self.posts]
        items: list[Item] = []
        seen: set[str] = set()
        for post in ours:
            if not int(post.get("replyCount") or 0) or len(items) >= MAX_REPLIES:
                continue
            us = str((post.get("author") or {}).get("did") or "")
            data = self.get_json(fetcher, self._xrpc("app.bsky.feed.getPostThread"),
                                 params={"uri": post.get("uri"), "depth": DEPTH, "parentHeight": 0})
            stack = list(((data or {}).get("thread") or {}).get("replies") or [])
            while stack and len(items) < MAX_REPLIES:
                node = stack.pop(0)
                if not isinstance(node, dict) or not isinstance(node.get("post"), dict):
                    continue  # notFoundPost, blockedPost
                stack += node.get("replies") or []
                reply = node["post"]
                author = reply.get("author") or {}
                if (us and author.get("did") == us) or author.get("handle") == handle or reply.get("uri") in seen:
                    continue  # our own answers in the thread
                seen.add(str(reply.get("uri")))
                items.append(post_item(self.name, reply, to_us=True))
        return Poll("new", items=items)
