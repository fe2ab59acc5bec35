"""Kind ``hn``: Hacker News stories and comments matching a search (Algolia's HN API). No key needed.

Options: ``query``, ``tags`` ((story,comment) by default), ``base_url`` (https://hn.algolia.com).
New items: ``/api/v1/search_by_date?query=&tags=&numericFilters=created_at_i>CURSOR&hitsPerPage=100``,
following ``page`` up to 5 pages; the cursor is the newest ``created_at_i``. The first run
looks back ``backfill`` (7 days).
Fields relied on: hits[].objectID, _tags, title, url, story_text/comment_text, author,
created_at_i, points, num_comments; nbPages.
A comment is its own mention: its ``url`` is null and ``story_url`` is the story's link, so
it links to ``https://news.ycombinator.com/item?id=<objectID>`` (never the story's link,
which would merge it into the story) and is judged on its own words.
Reach: points, comments.
"""

from __future__ import annotations

import json
from datetime import timedelta

from ..text import html_to_text
from .base import Item, Option, Poll, Source, SourceState, base_url_option, parse_time

PAGES = 5


class HackerNewsSource(Source):
    kind = "hn"
    description = "Hacker News stories and comments (`query`)"
    notes = (
        "Algolia API, cursor on creation time; a comment is its own mention, linked to "
        "`news.ycombinator.com/item?id=…` and judged on its own words"
    )
    options = (Option("query", 'what to search for, e.g. "New Baby Network"'),
               Option("tags", "which items: story, comment, or (story,comment)", default="(story,comment)"),
               base_url_option("https://hn.algolia.com"))
    reach = ("points", "comments")

    def poll(self, fetcher, state: SourceState) -> Poll:
        cursor = state.cursor_dict()
        since = int(cursor.get("since") or (state.now - timedelta(seconds=self.config.backfill)).timestamp())
        hits: list[dict] = []
        for page in range(PAGES):
            data = self.get_json(fetcher, f"{self.base_url.rstrip('/')}/api/v1/search_by_date", params={
                "query": self.query, "tags": self.tags, "numericFilters": f"created_at_i>{since}",
                "hitsPerPage": 100, "page": page})
            hits += data.get("hits") or []
            if page + 1 >= int(data.get("nbPages") or 0):
                break
        cursor["since"] = max([since] + [int(h.get("created_at_i") or 0) for h in hits])
        return Poll("new", items=[self.item(h) for h in hits], remember={"cursor": json.dumps(cursor)})

    def item(self, h: dict) -> Item:
        oid = str(h.get("objectID"))
        on_hn = f"https://news.ycombinator.com/item?id={oid}"
        comment = "comment" in (h.get("_tags") or []) or (h.get("comment_text") and not h.get("title"))
        return Item(
            source=self.name, item_id=oid, url=on_hn if comment else (h.get("url") or on_hn),
            title="" if comment else str(h.get("title") or "")[:1000],
            text=html_to_text((h.get("comment_text") if comment else h.get("story_text")) or "")[:20000],
            author=str(h.get("author") or "")[:200], published=parse_time(h.get("created_at_i")),
            publisher="Hacker News",
            reach={"points": int(h.get("points") or 0), "comments": int(h.get("num_comments") or 0)},
        )
