"""Kind ``mastodon_account``: one Mastodon account's public posts (ours, or one that often talks about us).

Options: ``instance`` (e.g. https://mastodon.social), ``account`` (user, or user@server).
New items: the account id is looked up once (``/api/v1/accounts/lookup?acct=``) and kept in
the cursor; then ``/api/v1/accounts/ID/statuses?since_id=CURSOR&limit=40``, paging as for
``mastodon_tag``. When the server refuses, its ``/@ACCOUNT.rss`` is read instead.
Boosts are read from the status's ``reblog`` (the boosted post, its author and figures);
rate limits (``X-RateLimit-*``) are honoured, see ``_mastodon``.
Reach: reblogs, favourites, replies, followers.
"""

from __future__ import annotations

from ._mastodon import fetch_statuses, newest_id, poll_result, refused, rss_fallback, status_item
from .base import Option, Poll, Source, SourceFailed, SourceState


class MastodonAccountSource(Source):
    kind = "mastodon_account"
    description = "one account's posts (`instance`, `account`)"
    notes = "as above; a boost is read from its `reblog` (the boosted post, its author and figures)"
    options = (Option("instance", "the server, e.g. https://mastodon.social", type="url"),
               Option("account", "the account, e.g. newbabynetwork"))
    reach = ("reblogs", "favourites", "replies", "followers")

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        base = self.instance.rstrip("/")
        acct = self.account.lstrip("@")
        try:
            if not cursor.get("account_id"):
                found = self.get_json(fetcher, f"{base}/api/v1/accounts/lookup", params={"acct": acct})
                cursor["account_id"] = str(found["id"])
            statuses, complete, hold = fetch_statuses(
                self, fetcher, f"{base}/api/v1/accounts/{cursor['account_id']}/statuses", cursor.get("since_id"), state.now)
        except SourceFailed as exc:
            if not refused(exc):
                raise
            return rss_fallback(self, fetcher, f"{base}/@{acct}.rss", cursor)
        if complete:
            cursor["since_id"] = newest_id(statuses, cursor.get("since_id"))
        return poll_result([status_item(self.name, s) for s in statuses], cursor, hold=hold)
