"""Kind ``gdelt``: worldwide online news matching a search, from the GDELT DOC 2.0 API. No key needed.

Options: ``query`` (GDELT syntax, e.g. "New Baby Network" sourcecountry:UK), ``base_url``
(https://api.gdeltproject.org).
New items: ``/api/v2/doc/doc?query=&mode=artlist&format=json&sort=datedesc&maxrecords=250``
with ``startdatetime`` from the cursor (the newest ``seendate``), or ``timespan=7d`` on the
first run. GDELT asks for at most one request every 5 seconds: the kind declares it
(``min_interval``) and the Fetcher spaces every request to its host accordingly, across all
gdelt sources; its plain-text "please limit requests" reply
is recognised even when it comes with status 200 (the source then waits). Any other
error GDELT sends as text (often text/html, often with status 200: "Your search contained
a phrase that was too short", "Invalid query") is reported in its own words; a real web
page (a wrong base_url) is named as such. GDELT's JSON sometimes carries a bad byte or
escape: the reply is read leniently, and an article that still cannot be read costs only itself.
Fields relied on: articles[].url, title, seendate (YYYYMMDDTHHMMSSZ), domain, language.
Reach: none (outlet weights in ``reach.outlets`` apply).
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone

from .base import Item, Option, Poll, Source, SourceFailed, SourceState, base_url_option

SPACING = 5.0  # seconds between GDELT requests, as GDELT asks (the Fetcher keeps it, per host)


def _error_text(text: str) -> str:
    """GDELT's error message as plain text, one line, at most 300 characters."""
    plain = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())
    return plain[:300] or "an empty error page"


_BAD_ESCAPE = re.compile(r'\\(?!["\\/bfnrtu])|\\u(?![0-9a-fA-F]{4})')


def _articles(text: str) -> tuple[list[dict], int]:
    """The articles of a GDELT JSON reply, read leniently: (articles, how many could not be read)."""
    for candidate in (text, _BAD_ESCAPE.sub(r"\\\\", text)):
        try:
            data = json.loads(candidate, strict=False)  # strict=False: raw control characters in strings
        except ValueError:
            continue
        articles = data.get("articles") if isinstance(data, dict) else None
        return [a for a in (articles or []) if isinstance(a, dict)], 0
    # Still broken: read article by article, so one bad record costs only itself.
    start = text.find("[", text.find('"articles"'))
    if start < 0:
        raise SourceFailed(f"GDELT's reply is not readable JSON: {text[:120]!r}")
    out, bad = [], 0
    decoder = json.JSONDecoder(strict=False)
    for chunk in re.split(r"}\s*,\s*(?={)", text[start + 1:]):
        chunk = chunk.strip().rstrip("]}").strip()
        if not chunk.startswith("{"):
            continue
        value = None
        for candidate in (chunk + "}", _BAD_ESCAPE.sub(r"\\\\", chunk) + "}"):
            try:
                value, _end = decoder.raw_decode(candidate)
                break
            except ValueError:
                continue
        if isinstance(value, dict):
            out.append(value)
        else:
            bad += 1
    return out, bad


def _seendate(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


class GdeltSource(Source):
    kind = "gdelt"
    description = "worldwide online news (`query`, GDELT syntax)"
    notes = (
        "at most one request every 5 seconds, across all gdelt sources; its \"please limit requests\" reply is "
        "recognised; its other errors (text/html, often with status 200) are reported in its own words; a bad"
        " byte in its JSON costs only that article"
    )
    reach_note = "outlet weight"  # no figures of its own: the outlet weights in `reach.outlets` apply
    options = (Option("query", 'GDELT search, e.g. "New Baby Network"'), base_url_option("https://api.gdeltproject.org"))

    @property
    def min_interval(self) -> float:  # read when polling, so SPACING stays the one place it is set
        return SPACING

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        params = {"query": self.query, "mode": "artlist", "format": "json", "sort": "datedesc", "maxrecords": 250}
        if cursor.get("since"):
            params["startdatetime"] = cursor["since"]
        else:
            params["timespan"] = f"{max(1, int(self.config.backfill // 3600))}h"
        resp = fetcher.get(f"{self.base_url.rstrip('/')}/api/v2/doc/doc", params=params, min_interval=self.min_interval)
        self.check_status(resp, resp.url)
        text = resp.body.decode("utf-8", "replace").strip()
        if text.lower().startswith("please limit") or "limit requests" in text[:200].lower():
            raise SourceFailed("GDELT asks us to slow down (one request every 5 seconds)", status=resp.status,
                               retry_after=60.0, bytes=len(resp.body))
        if text and not text.startswith(("{", "[")):
            if text[:15].lower().startswith(("<!doctype html", "<html")):
                self.parse_json(resp)  # a real web page: says so, with "check base_url"
            raise SourceFailed(f"GDELT says: {_error_text(text)}", status=resp.status, bytes=len(resp.body),
                               duration=resp.elapsed)
        articles, skipped = _articles(text) if text else ([], 0)
        newest = max([a.get("seendate") or "" for a in articles] + [cursor.get("since_raw") or ""])
        if newest:
            when = _seendate(newest)
            cursor.update(since_raw=newest, since=when.strftime("%Y%m%d%H%M%S") if when else cursor.get("since"))
        warning = f"{skipped} unreadable article(s) in GDELT's reply were skipped" if skipped else None
        return Poll("new", items=[self.item(a) for a in articles], status=resp.status, bytes=len(resp.body),
                    warning=warning, remember={"cursor": json.dumps(cursor)})

    def item(self, a: dict) -> Item:
        return Item(source=self.name, item_id=str(a.get("url")), url=str(a.get("url") or ""),
                    title=str(a.get("title") or "")[:1000], text="", published=_seendate(a.get("seendate")),
                    publisher=str(a.get("domain") or "")[:200], language=str(a.get("language") or "")[:20])
