"""Kind ``reddit``: Reddit posts matching a search, site-wide or in one subreddit.

Needs (for reliable results): a free Reddit "script" app (reddit.com/prefs/apps -> create
app -> script) and an account; its client id, secret, username and password go in the
environment variables named by ``client_id_env`` (REDDIT_CLIENT_ID), ``client_secret_env``
(REDDIT_CLIENT_SECRET), ``username_env`` (REDDIT_USERNAME), ``password_env`` (REDDIT_PASSWORD).
With them: a token from ``/api/v1/access_token`` (password grant), then
``oauth.reddit.com/search?q=&sort=new&limit=100`` (``/r/SUB/search?restrict_sr=1`` with a
subreddit); only posts newer than the cursor (newest ``created_utc``) are kept.
Without them: ``/search.rss?q=&sort=new`` as best effort. Reddit throttles and often blocks
anonymous feed readers (429 or 403): a 429/403 holds the source for ``Retry-After``, or an
hour when none is given, so we never hammer it. Expect this route to be thin.
The OAuth token is kept (outside the cursor, never shown) and reused for its lifetime
(``expires_in``, a day); a 401 gets a fresh one once. Reddit's ``x-ratelimit-remaining`` /
``x-ratelimit-reset`` (seconds) are honoured: with no calls left the source waits for the reset.
Options: ``query``, ``subreddit`` (optional), the four ``*_env`` names, ``base_url``
(https://www.reddit.com), ``oauth_url`` (https://oauth.reddit.com).
Fields relied on: data.children[].data.{name, title, selftext, permalink, created_utc,
author, score, num_comments, subreddit_subscribers}.
Reach: score, comments, subreddit subscribers.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from .base import Item, Option, Poll, Source, SourceFailed, SourceState, base_url_option, json_object, parse_time
from .rss import parse_feed

ANONYMOUS_HOLD = 3600.0


class RedditSource(Source):
    kind = "reddit"
    description = "posts matching `query` (optionally in one `subreddit`)"
    needs = (
        "recommended: a free Reddit **script app** and account in `REDDIT_CLIENT_ID`, `REDDIT_CLIENT_SECRET`,"
        " `REDDIT_USERNAME`, `REDDIT_PASSWORD`"
    )
    notes = (
        "the OAuth token is reused for its lifetime (a day); `x-ratelimit-remaining/reset` honoured. Without "
        "them it reads Reddit's `search.rss`, which Reddit throttles or blocks for anonymous readers: on a "
        "429 or 403 the source waits (Retry-After, else the rate-limit reset, else an hour), so expect it to "
        "be thin"
    )
    options = (
        Option("query", 'what to search for, e.g. "New Baby Network"'),
        Option("subreddit", "only this subreddit, e.g. NewParents (optional)", default=""),
        Option("client_id_env", "env variable with the script app's client id", type="env", default="REDDIT_CLIENT_ID"),
        Option("client_secret_env", "env variable with its secret", type="env", default="REDDIT_CLIENT_SECRET"),
        Option("username_env", "env variable with the Reddit username", type="env", default="REDDIT_USERNAME"),
        Option("password_env", "env variable with the Reddit password", type="env", default="REDDIT_PASSWORD"),
        base_url_option("https://www.reddit.com"),
        Option("oauth_url", "the OAuth API address", type="url", default="https://oauth.reddit.com"),
    )
    reach = ("score", "comments", "subscribers")
    reach_note = "score, comments, subreddit subscribers"

    def _credentials(self):
        values = [self.secret(k) for k in ("client_id_env", "client_secret_env", "username_env", "password_env")]
        return values if all(values) else None

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        creds = self._credentials()
        if creds is None:
            return self._anonymous(fetcher, state, cursor)
        session = json_object(state.session)
        path = f"/r/{self.subreddit}/search" if self.subreddit else "/search"
        params = {"q": self.query, "sort": "new", "limit": 100, "raw_json": 1, "t": "week"}
        if self.subreddit:
            params["restrict_sr"] = 1
        url = self.oauth_url.rstrip("/") + path
        for attempt in range(2):
            now = state.now.timestamp() if state.now else time.time()
            if not session.get("access_token") or float(session.get("expires_at") or 0) < now + 60:
                session = self._token(fetcher, creds, now)
            resp = fetcher.get(url, params=params, headers={"Authorization": f"bearer {session['access_token']}",
                                                            "Accept": "application/json"})
            if resp.status == 401 and attempt == 0:
                session = {}  # revoked or expired early: one fresh token
                continue
            break
        hold = rate_limit_wait(resp.headers)
        if resp.status == 429:
            wait = resp.retry_after if resp.retry_after is not None else (hold or 600.0)
            raise SourceFailed(f"Reddit is rate-limiting us (HTTP 429); waiting {wait:,.0f}s", status=429,
                               retry_after=wait, bytes=len(resp.body), duration=resp.elapsed)
        self.check_status(resp, url)
        listing = self.parse_json(resp)
        since = float(cursor.get("since") or 0)
        posts = [c["data"] for c in (listing.get("data") or {}).get("children", []) if c.get("kind") == "t3"]
        new = [p for p in posts if float(p.get("created_utc") or 0) > since]
        cursor["since"] = max([since] + [float(p.get("created_utc") or 0) for p in new])
        return Poll("new", items=[self.item(p) for p in new], status=resp.status, bytes=len(resp.body),
                    retry_after=hold, warning=f"rate limit used up: waiting {hold:,.0f}s for its reset" if hold else None,
                    remember={"cursor": json.dumps(cursor), "session": json.dumps(session)})

    def _token(self, fetcher, creds, now: float) -> dict:
        client_id, secret, user, password = creds
        token = self.get_json(fetcher, f"{self.base_url.rstrip('/')}/api/v1/access_token", method="POST",
                              data={"grant_type": "password", "username": user, "password": password},
                              auth=(client_id, secret))
        if not isinstance(token, dict) or "access_token" not in token:
            error = token.get("error", "no token") if isinstance(token, dict) else "no token"
            raise SourceFailed(f"Reddit refused the login: {error} (check the {self.kind} credentials)", status=401)
        lifetime = float(token.get("expires_in") or 3600)
        return {"access_token": token["access_token"], "expires_at": now + lifetime}

    def _anonymous(self, fetcher, state: SourceState, cursor: dict) -> Poll:
        base = self.base_url.rstrip("/")
        path = f"/r/{self.subreddit}/search.rss" if self.subreddit else "/search.rss"
        params = {"q": self.query, "sort": "new"}
        if self.subreddit:
            params["restrict_sr"] = "on"
        url = f"{base}{path}?{urlencode(params)}"
        resp = fetcher.get(url, etag=state.etag, last_modified=state.last_modified)
        if resp.status in (429, 403):
            wait = resp.retry_after if resp.retry_after is not None else (rate_limit_wait(resp.headers) or ANONYMOUS_HOLD)
            raise SourceFailed(f"Reddit is refusing anonymous reads (HTTP {resp.status}); holding off {wait:,.0f}s. "
                               "Add script-app credentials for reliable results.", status=resp.status, retry_after=wait)
        self.check_status(resp, url)
        remember = {"etag": resp.headers.get("etag"), "last_modified": resp.headers.get("last-modified"),
                    "cursor": json.dumps(cursor)}
        if resp.status == 304:
            return Poll("not_modified", status=304, remember=remember)
        items, warning = parse_feed(self.name, resp.body, resp.headers, resp.url)
        return Poll("new", items=items, warning=warning, status=resp.status, bytes=len(resp.body), remember=remember,
                    retry_after=rate_limit_wait(resp.headers))

    def item(self, p: dict) -> Item:
        return Item(
            source=self.name, item_id=str(p.get("name") or p.get("id")),
            url=f"https://www.reddit.com{p.get('permalink', '')}", title=str(p.get("title") or "")[:1000],
            text=str(p.get("selftext") or "")[:20000], author=str(p.get("author") or "")[:200],
            published=parse_time(p.get("created_utc")), publisher=f"r/{p.get('subreddit', '')}",
            reach={"score": int(p.get("score") or 0), "comments": int(p.get("num_comments") or 0),
                   "subscribers": int(p.get("subreddit_subscribers") or 0)},
        )



def rate_limit_wait(headers: dict) -> float | None:
    """Seconds until Reddit's rate-limit window resets, when (almost) no calls are left; else None."""
    try:
        remaining = float(headers.get("x-ratelimit-remaining", ""))
        reset = float(headers.get("x-ratelimit-reset", ""))
    except ValueError:
        return None
    return max(1.0, min(reset, 24 * 3600.0)) if remaining < 1 else None
