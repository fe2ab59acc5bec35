"""Kind ``bluesky_search``: Bluesky posts matching a search.

Watches: every public Bluesky post matching ``query``.
Needs: a Bluesky account and a free **app password** (Settings -> Privacy and security ->
App passwords), in the environment variables named by ``handle_env`` (BLUESKY_HANDLE) and
``password_env`` (BLUESKY_APP_PASSWORD). Bluesky's search needs a logged-in session.
Without them the config is refused with this explanation, rather than silently finding nothing.
Options: ``query``, ``handle_env``, ``password_env``, ``base_url`` (https://bsky.social).
New items: ``com.atproto.server.createSession`` once, then the tokens are kept in the
database (the ``session`` column: never in the cursor, never printed);
an expired access token is refreshed with ``com.atproto.server.refreshSession`` (and a
new session made if that fails too). ``app.bsky.feed.searchPosts?q=&sort=latest&since=CURSOR``,
following ``cursor`` for up to 5 pages of 100; the cursor is the newest ``indexedAt`` seen.
The first run looks back ``backfill`` (7 days).
A login refused with ``AuthFactorTokenRequired`` (the account's main password was given and
it has e-mail sign-in codes on) is explained: use an app password, which needs no code.
Fields relied on: posts[].uri, author.handle, record.text, record.createdAt, record.langs,
indexedAt, likeCount, repostCount, replyCount, quoteCount.
Reach: likes, reposts, replies, quotes.
"""

from __future__ import annotations

import json
from datetime import timedelta

from ..clock import iso
from ._bluesky import post_item
from .base import Option, Poll, Source, SourceFailed, SourceState, base_url_option, json_object

PAGES = 5



class BlueskySearchSource(Source):
    kind = "bluesky_search"
    description = "all public Bluesky posts matching `query`"
    needs = "a Bluesky account and a free **app password** in `BLUESKY_HANDLE` / `BLUESKY_APP_PASSWORD`"
    notes = (
        "without them `monitor check` refuses the source and says how to get them; the session tokens are "
        "kept in the database (file mode 0600, never in the cursor, never printed) so it does not log in "
        "every run; a main password on an account with e-mail sign-in codes (`AuthFactorTokenRequired`) is "
        "explained: use an app password"
    )
    options = (
        Option("query", 'what to search for, e.g. "New Baby Network"'),
        Option("handle_env", "environment variable holding the Bluesky handle", type="env", default="BLUESKY_HANDLE"),
        Option("password_env", "environment variable holding an app password", type="env",
               default="BLUESKY_APP_PASSWORD"),
        base_url_option("https://bsky.social"),
    )
    reach = ("likes", "reposts", "replies", "quotes")

    @classmethod
    def read_options(cls, r, raw: dict, path: str) -> dict:
        out = super().read_options(r, raw, path)
        missing = [out[k] for k in ("handle_env", "password_env") if out.get(k) and not r.environ.get(out[k])]
        if missing and raw.get("enabled", True):
            r.problem(path, f"Bluesky search needs a login: set {' and '.join(missing)} (a free app password from "
                            "Bluesky Settings -> Privacy and security -> App passwords), or set enabled: false")
        return out

    # -- the session ---------------------------------------------------------------

    def _xrpc(self, method: str) -> str:
        return f"{self.base_url.rstrip('/')}/xrpc/{method}"

    def _login(self, fetcher) -> dict:
        handle, password = self.secret("handle_env"), self.secret("password_env")
        if not handle or not password:
            raise SourceFailed(f"{self.handle_env} / {self.password_env} are not set: cannot log in to Bluesky")
        url = self._xrpc("com.atproto.server.createSession")
        resp = fetcher.post(url, json={"identifier": handle, "password": password},
                            headers={"Accept": "application/json"})
        if resp.status in (400, 401):
            error = _xrpc_error(resp.body)
            if error == "AuthFactorTokenRequired":
                raise SourceFailed(
                    f"Bluesky asked for the sign-in code it e-mails to {handle}: that happens when the account's "
                    f"main password is used. Put an app password (Bluesky Settings -> Privacy and security -> App "
                    f"passwords; it needs no code) in {self.password_env}", status=resp.status) from None
            if resp.status == 401 or error in ("AuthenticationRequired", "InvalidPassword"):
                raise SourceFailed(f"Bluesky refused the login for {handle}: check the app password in "
                                   f"{self.password_env}", status=401) from None
        self.check_status(resp, url)
        session = self.parse_json(resp)
        return {"access": session["accessJwt"], "refresh": session["refreshJwt"]}

    def _refresh(self, fetcher, tokens: dict) -> dict:
        resp = fetcher.post(self._xrpc("com.atproto.server.refreshSession"),
                            headers={"Authorization": f"Bearer {tokens['refresh']}"})
        if resp.status != 200:
            return self._login(fetcher)  # the refresh token expired too
        data = self.parse_json(resp)
        return {"access": data["accessJwt"], "refresh": data["refreshJwt"]}

    def _search(self, fetcher, tokens: dict, params: dict) -> tuple[dict, dict]:
        """One searchPosts page; refreshes the session once if the access token has expired."""
        for attempt in range(2):
            resp = fetcher.get(self._xrpc("app.bsky.feed.searchPosts"), params=params,
                               headers={"Authorization": f"Bearer {tokens['access']}", "Accept": "application/json"})
            if resp.status in (400, 401) and attempt == 0 and b"xpired" in resp.body:
                tokens = self._refresh(fetcher, tokens)
                continue
            self.check_status(resp, resp.url)
            return self.parse_json(resp), tokens
        raise SourceFailed("Bluesky kept refusing the refreshed session")

    # -- polling --------------------------------------------------------------------

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        stored = cursor.pop("session", None) or json_object(state.session)  # older versions kept it in the cursor
        tokens = stored if stored.get("access") and stored.get("refresh") else self._login(fetcher)
        since = cursor.get("since") or iso(state.now - timedelta(seconds=self.config.backfill))
        params = {"q": self.query, "sort": "latest", "limit": 100, "since": since}
        posts: list[dict] = []
        for _ in range(PAGES):
            page, tokens = self._search(fetcher, tokens, params)
            posts += page.get("posts") or []
            if not page.get("cursor") or not page.get("posts"):
                break
            params["cursor"] = page["cursor"]
        newest = max([p.get("indexedAt") or "" for p in posts] + [cursor.get("since") or ""])
        cursor.update(since=newest or since)
        return Poll("new", items=[post_item(self.name, p) for p in posts],
                    remember={"cursor": json.dumps(cursor), "session": json.dumps(tokens)})



def _xrpc_error(body: bytes) -> str:
    """The ``error`` name of an XRPC error reply ("AuthFactorTokenRequired"), or ''."""
    try:
        value = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return ""
    return str(value.get("error") or "") if isinstance(value, dict) else ""
