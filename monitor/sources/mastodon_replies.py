"""Kind ``mastodon_replies``: the replies under our own Mastodon account's posts (no key needed).

Watches: what people write under our posts ("what time does it start?", "your volunteer was
rude"), which rarely names us: written to us, so the items carry ``to_us`` and are about us
whether or not they name us (no name check), graded and routed like any mention.
Options: ``instance`` (e.g. https://mastodon.social), ``account`` (ours, e.g. newbabynetwork),
``posts`` (how many of our newest posts to watch, 20), ``within`` (how long after posting a
post is watched, 14 days).
New items: the account id is looked up once (``/api/v1/accounts/lookup?acct=``, kept in the
cursor); each poll reads our newest posts (``/api/v1/accounts/ID/statuses?exclude_reblogs=true
&limit=40``, one page) and, for each post within ``within`` whose ``replies_count`` is above
zero, its thread (``/api/v1/statuses/ID/context``): the ``descendants`` not written by us are
items. The store recognises replies it already has (by their address), so a thread read again
adds only what is new. ``replies_count`` counts direct replies, so a post nobody answered costs
no request. Rate limits (``X-RateLimit-*``, 429) are honoured as for ``mastodon_tag``: with no
calls left the source stops and waits for the reset.
Fields relied on: Status id, url, uri, created_at, content, replies_count, account.id/acct;
Context descendants.
Reach: reblogs, favourites, replies, followers (of the person replying).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from ._mastodon import get_page, status_item
from .base import Option, Poll, Source, SourceFailed, SourceState, parse_time


class MastodonRepliesSource(Source):
    kind = "mastodon_replies"
    description = "replies under our own account's posts (`instance`, `account`)"
    notes = (
        "comments to us rarely name us: they count as written to us (no name check); our newest `posts` (20) "
        "within `within` (14 days) are watched, a post's thread is read only when it has replies; "
        "rate limits honoured"
    )
    options = (Option("instance", "the server, e.g. https://mastodon.social", type="url"),
               Option("account", "our account, e.g. newbabynetwork"),
               Option("posts", "how many of our newest posts to watch for replies", type="int", default=20),
               Option("within", "how long after posting a post is watched", type="duration", default=14 * 86400.0))
    reach = ("reblogs", "favourites", "replies", "followers")

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        base = self.instance.rstrip("/")
        now = state.now or datetime.now(timezone.utc)
        if not cursor.get("account_id"):
            found = self.get_json(fetcher, f"{base}/api/v1/accounts/lookup", params={"acct": self.account.lstrip("@")})
            cursor["account_id"] = str(found["id"])
        ours = cursor["account_id"]
        posts, hold = get_page(self, fetcher, f"{base}/api/v1/accounts/{ours}/statuses", {
            "limit": 40, "exclude_reblogs": "true"}, now)
        if not isinstance(posts, list):
            raise SourceFailed(f"expected a list of posts from {base}, got {type(posts).__name__}")
        oldest = now - timedelta(seconds=self.within)
        watched = [p for p in posts if isinstance(p, dict) and not p.get("reblog")
                   and (parse_time(p.get("created_at")) or now) >= oldest][: self.posts]
        items, seen, warning = [], set(), None
        for post in watched:
            if not int(post.get("replies_count") or 0):
                continue
            if hold is not None:  # no calls left: the rest waits for the reset (read again next poll)
                warning = f"rate limit used up: waiting {hold:,.0f}s for its reset"
                break
            context, hold = get_page(self, fetcher, f"{base}/api/v1/statuses/{post['id']}/context", {}, now)
            replies = context.get("descendants") if isinstance(context, dict) else None
            for reply in replies if isinstance(replies, list) else []:
                if not isinstance(reply, dict) or str((reply.get("account") or {}).get("id")) == ours:
                    continue  # our own answers in the thread
                if reply.get("id") in seen:
                    continue
                seen.add(reply.get("id"))
                item = status_item(self.name, reply)
                item.to_us = True
                items.append(item)
        return Poll("new", items=items, warning=warning, retry_after=hold,
                    remember={"cursor": json.dumps(cursor)})
