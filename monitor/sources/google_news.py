"""Kind ``google_news``: a Google News search, as RSS.

Watches: news articles matching ``query``.
Options: ``query`` (required), ``hl`` (en-GB), ``gl`` (GB), ``ceid`` (GB:en), ``when``
(e.g. 7d: only articles from the last week), ``base_url`` (https://news.google.com).
New items: like ``rss``; the URL is ``BASE/rss/search?q=QUERY+when:7d&hl=..&gl=..&ceid=..``.
Links: Google News article links are opaque redirects that cannot be decoded offline,
so they are stored as given; the publisher (from ``<source url=...>``) and headline
are used to recognise the same article from other sources.
Reach: none (outlet weights in ``reach.outlets`` apply).
"""

from __future__ import annotations

from urllib.parse import urlencode

from .base import Option, base_url_option
from .rss import RssSource


class GoogleNewsSource(RssSource):
    kind = "google_news"
    description = "a Google News search (`query`, `hl`, `gl`, `ceid`, `when`)"
    notes = "article links are opaque and stored as given; the same article is recognised by publisher + headline"
    reach_note = "outlet weight"  # no figures of its own: the outlet weights in `reach.outlets` apply
    options = (
        Option("query", 'what to search for, e.g. "New Baby Network"'),
        Option("hl", "interface language", default="en-GB"),
        Option("gl", "country", default="GB"),
        Option("ceid", "edition", default="GB:en"),
        Option("when", "only articles this recent, e.g. 7d (optional)", default=""),
        base_url_option("https://news.google.com"),
    )

    def feed_url(self) -> str:
        q = self.query + (f" when:{self.when}" if self.when else "")
        return f"{self.base_url.rstrip('/')}/rss/search?" + urlencode({"q": q, "hl": self.hl, "gl": self.gl, "ceid": self.ceid})
