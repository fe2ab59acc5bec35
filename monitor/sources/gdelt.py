"""Kind ``gdelt``: worldwide online news matching a search, from the GDELT DOC 2.0 API. No key needed.

Options: ``query`` (GDELT syntax, e.g. "New Baby Network" sourcecountry:UK), ``base_url``
(https://api.gdeltproject.org).
New items: ``/api/v2/doc/doc?query=&mode=artlist&format=json&sort=datedesc&maxrecords=250``
with ``startdatetime`` from the cursor (the newest ``seendate``), or ``timespan=7d`` on the
first run. GDELT asks for at most one request every 5 seconds: requests from all gdelt
sources in a run are spaced accordingly, and its plain-text "please limit requests" reply
is recognised even when it comes with status 200 (the source then waits).
Fields relied on: articles[].url, title, seendate (YYYYMMDDTHHMMSSZ), domain, language.
Reach: none (outlet weights in ``reach.outlets`` apply).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone

from .base import Item, Option, Poll, Source, SourceFailed, SourceState, base_url_option

SPACING = 5.0  # seconds between GDELT requests, as GDELT asks
_lock = threading.Lock()
_last_request = [0.0]


def _wait_turn() -> None:
    with _lock:
        wait = _last_request[0] + SPACING - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_request[0] = time.monotonic()


def _seendate(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


class GdeltSource(Source):
    kind = "gdelt"
    description = "Worldwide online news from the GDELT project."
    options = (Option("query", 'GDELT search, e.g. "New Baby Network"'), base_url_option("https://api.gdeltproject.org"))

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        params = {"query": self.query, "mode": "artlist", "format": "json", "sort": "datedesc", "maxrecords": 250}
        if cursor.get("since"):
            params["startdatetime"] = cursor["since"]
        else:
            params["timespan"] = f"{max(1, int(self.config.backfill // 3600))}h"
        _wait_turn()
        resp = fetcher.get(f"{self.base_url.rstrip('/')}/api/v2/doc/doc", params=params)
        self.check_status(resp, resp.url)
        text = resp.body.decode("utf-8", "replace").strip()
        if text.lower().startswith("please limit") or "limit requests" in text[:200].lower():
            raise SourceFailed("GDELT asks us to slow down (one request every 5 seconds)", status=resp.status,
                               retry_after=60.0, bytes=len(resp.body))
        data = self.parse_json(resp) if text else {}
        articles = data.get("articles") or []
        newest = max([a.get("seendate") or "" for a in articles] + [cursor.get("since_raw") or ""])
        if newest:
            when = _seendate(newest)
            cursor.update(since_raw=newest, since=when.strftime("%Y%m%d%H%M%S") if when else cursor.get("since"))
        return Poll("new", items=[self.item(a) for a in articles], status=resp.status, bytes=len(resp.body),
                    remember={"cursor": json.dumps(cursor)})

    def item(self, a: dict) -> Item:
        return Item(source=self.name, item_id=str(a.get("url")), url=str(a.get("url") or ""),
                    title=str(a.get("title") or "")[:1000], text="", published=_seendate(a.get("seendate")),
                    publisher=str(a.get("domain") or "")[:200], language=str(a.get("language") or "")[:20])
