"""Kind ``rss``: any RSS 2.0, RSS 1.0 or Atom feed.

Watches: one feed URL (a news search, a Google Alerts feed, a Mastodon hashtag
or account ``.rss``, a blog).
Options: ``url`` (required).
New items: conditional GET (ETag / Last-Modified); when the server ignores
those, an unchanged body (same SHA-256) is not parsed again. Every entry of a
changed feed is returned; the store recognises the ones it already has.
Reach: none (feeds carry no engagement figures).
Parsing: feedparser is the reference. feedparser-rs (several times faster) is used only for
feeds it provably reads the same way: plain UTF-8 RSS 2.0 or Atom using only the elements
compared, absolute links, the two usual date forms, well-formed markup (``fast_path_eligible``
and ``_fast_entry_agrees``; tests/test_corpus.py and tests/test_fast_parser.py compare both on
feedparser's own corpus and on generated feeds). Everything else goes to feedparser.
Broken XML: feedparser's best effort is used when it still yields entries, with a warning
in the fetch log; an HTML page or an empty reply is a failure. An entry that cannot be read
is skipped, a date that cannot be one is left out, and the warning names the entry.
"""

from __future__ import annotations

import codecs
import html
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

from ..text import html_to_text
from .base import Item, Option, Poll, Source, SourceFailed, SourceState, body_hash


class RssSource(Source):
    kind = "rss"
    description = "any RSS or Atom feed (`url`)"
    notes = "conditional GET; an unchanged body is not re-read"
    options = (Option("url", "the feed's address (http or https)", type="url"),)

    def feed_url(self) -> str:
        """Where the feed is; kinds that build it from a query override this."""
        return self.url

    def poll(self, fetcher, state: SourceState) -> Poll:
        return self.parsed(self.poll_unparsed(fetcher, state))

    def poll_unparsed(self, fetcher, state: SourceState) -> Poll:
        """``poll`` up to the parse: a changed body is left on ``poll.unparsed`` (body, headers, url) for
        ``parsed``, which a cold run may leave to its analysis worker (``analyse_worker.Background.parse``)."""
        url = state.moved_to or self.feed_url()
        resp = self.fetch(fetcher, url, state)
        remember = {
            "etag": resp.headers.get("etag") or state.etag,
            "last_modified": resp.headers.get("last-modified") or state.last_modified,
        }
        if resp.moved_to:
            remember["moved_to"] = resp.moved_to
        base = dict(status=resp.status, bytes=len(resp.body), duration=resp.elapsed, remember=remember)
        if resp.status == 304:
            return Poll("not_modified", **base)
        digest = body_hash(resp.body)
        remember["body_hash"] = digest
        if digest == state.body_hash:
            return Poll("unchanged", **base)
        poll = Poll("new", **base)
        poll.unparsed = (resp.body, resp.headers, resp.url)
        return poll

    def parsed(self, poll: Poll) -> Poll:
        """The poll with its body parsed into items (a failure raises, as in ``poll``)."""
        unparsed = getattr(poll, "unparsed", None)
        if unparsed is not None:
            poll.items, poll.warning = self.parse(*unparsed)
            poll.unparsed = None
        return poll

    def parses_apart(self) -> bool:
        """True when this kind's poll is ``poll_unparsed`` then ``parsed`` (a kind with its own ``poll`` is not)."""
        return type(self).poll is RssSource.poll

    def parse(self, body: bytes, headers: dict[str, str], url: str) -> tuple[list[Item], str | None]:
        return parse_feed(self.name, body, headers, url)


# What feedparser-rs is known to read differently from feedparser (found by running both over
# feedparser's own test corpus, tests/test_corpus.py): a default namespace declared inside the
# document (an Atom <author xmlns=...><title> inside an RSS item becomes the item's title),
# xml:base and relative links, base64 content, DTD entities, and any encoding but UTF-8.
# Such feeds go to feedparser; the fast path takes only what it provably reads the same.
_INNER_DEFAULT_NS = re.compile(rb"<[^!?][^>]*?\sxmlns\s*=", re.S)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FALLBACK_MARKERS = (b"xml:base", b"base64", b"<!DOCTYPE", b"<!doctype", b"<!ENTITY", b"\x00")
# Markup the two parsers sanitise differently (feedparser keeps a script's text, drops iframes ...).
_HOSTILE_NAMES = rb"script|iframe|math|svg|embed|object|applet|style|frame|form"
_HOSTILE_MARKUP = re.compile(rb"(?:<|&lt;|&#0*60;|&#x0*3c;)\s*/?\s*(?:" + _HOSTILE_NAMES + rb")\b|mathml", re.I)
_HOSTILE_TAGS = tuple(opener + name for opener in (b"<", b"</", b"&lt;", b"&lt;/")
                      for name in _HOSTILE_NAMES.split(b"|")) + (b"mathml",)
# Found in three scans that each start from a literal (a "<", "&lt;", "mathml"): "tag in lowered" for each tag was 42
# scans of every body, and one alternation regex can only skip to a "<", "&" or "m" and tries its names at each
# (these three are about 6x faster than that regex; rounds speed10 and speed11 in bench/NOTES.md)
_HOSTILE_RAW = re.compile(rb"</?(?:" + _HOSTILE_NAMES + rb")")
_HOSTILE_ESCAPED = re.compile(rb"&lt;/?(?:" + _HOSTILE_NAMES + rb")")


def _hostile_tag(lowered: bytes) -> bool:
    """Whether ``lowered`` holds one of ``_HOSTILE_TAGS``."""
    return (b"mathml" in lowered or _HOSTILE_RAW.search(lowered) is not None
            or (b"&lt;" in lowered and _HOSTILE_ESCAPED.search(lowered) is not None))


_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.S)
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
# The elements whose reading was compared on the corpus, by where they stand; a feed with any
# other element goes to feedparser (e.g. dc:date, which feedparser reads as the date and
# feedparser-rs ignores, or an <image> inside an item, whose <link> feedparser-rs takes).
_EXTENSIONS = (b"atom:link content:encoded dc:creator media:content media:thumbnail sy:updatePeriod "
               b"sy:updateFrequency slash:comments wfw:commentRss webfeeds:logo webfeeds:icon News:Source").split()
_ITEM_ELEMENTS = {
    b"rss": frozenset(b"item title link description author category comments enclosure guid pubDate source".split()
                      + _EXTENSIONS),
    b"feed": frozenset(b"entry id title link updated published summary content author name uri email category".split()
                       + _EXTENSIONS),
}
_HEAD_ELEMENTS = frozenset(
    b"rss channel title link description language copyright managingEditor webMaster pubDate lastBuildDate "
    b"category generator docs ttl image url width height "
    b"feed id subtitle updated author name uri email icon logo rights".split() + _EXTENSIONS
)
# A relative (or otherwise not http) link: feedparser resolves it against the feed's own
# address, feedparser-rs against the channel's <link>.
_RELATIVE_LINK = re.compile(rb"<link>(?!https?://|<!\[CDATA\[https?://|</link>)")
_RELATIVE_HREF = re.compile(rb"href\s*=\s*[\"'](?!https?://)")
_FIRST_ITEM = {b"rss": re.compile(rb"<item\b"), b"feed": re.compile(rb"<entry\b")}
# Windows-1252 code points written as C1 controls: feedparser repairs them ("demoronize"), feedparser-rs does not.
# and UTF-8 read as Latin-1 then written as UTF-8 again ("Â¡" for "¡"), which feedparser repairs.
_C1 = re.compile(rb"&#0*(?:12[89]|1[3-5][0-9]);|&#x0*[89][0-9a-f];|\xc2[\x80-\x9f]|\xc3[\x82-\xaf]\xc2[\x80-\xbf]", re.I)


def fast_path_eligible(body: bytes) -> bool:
    """True when nothing in the body is among what feedparser-rs reads differently."""
    if body.startswith(codecs.BOM_UTF8):
        body = body[3:]
    head = body.lstrip()[:300]
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        return False
    if any(marker in body for marker in _FALLBACK_MARKERS):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    root = _ROOT.search(body)
    if root is None:
        return False
    # (cheap substring tests first: this runs on every feed, and must stay far below feedparser's cost)
    if body.find(b"xmlns", root.end()) >= 0 and _INNER_DEFAULT_NS.search(body, root.end()):
        return False
    lowered = body.lower()
    if _hostile_tag(lowered) or (b"&#" in body and _HOSTILE_MARKUP.search(body)):
        return False
    if (b"&#" in body or b"\xc2" in body or b"\xc3" in body) and _C1.search(body):
        return False
    if _RELATIVE_LINK.search(body) or _RELATIVE_HREF.search(body):
        return False
    kind = root.group(1)
    outside_cdata = _CDATA.sub(b" ", body)
    first = _FIRST_ITEM[kind].search(outside_cdata)
    if first is None:
        return False
    head, items = outside_cdata[:first.start()], outside_cdata[first.start():]
    if not (set(_ELEMENT.findall(head)) <= _HEAD_ELEMENTS and set(_ELEMENT.findall(items)) <= _ITEM_ELEMENTS[kind]):
        return False
    # Markup in the entries as written (escaped, or raw in CDATA) must be well formed: the two
    # parsers' sanitisers repair broken markup differently (feedparser-rs closes an open <p>).
    for chunk in _FIRST_ITEM[kind].split(body[first.start():]):
        if b"&lt;" in chunk or b"<![CDATA[" in chunk:
            tags = _ESCAPED_TAG.findall(chunk)
            if len(tags) != chunk.count(b"&lt;"):  # a "<" that is not a whole tag: read differently
                return False
            for cdata in _CDATA_TEXT.findall(chunk):
                raw = _RAW_TAG.findall(cdata)
                if len(raw) != cdata.count(b"<"):
                    return False
                tags += raw
            if not _tags_balanced([(c, n.lower(), sc) for c, n, sc in tags]):
                return False
    return True


_ABSOLUTE = re.compile(r"https?://[^\s/?#]")  # lower-case scheme: feedparser lower-cases it
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
_ROOT = re.compile(rb"<(rss|feed)\b[^>]*>", re.S)


def _fast_parse(body: bytes):
    """feedparser-rs (Rust, ~30x faster) where it reads the feed as feedparser does; None means use feedparser."""
    if not fast_path_eligible(body):
        return None
    try:
        import feedparser_rs
    except ImportError:  # no wheel for this machine: feedparser alone is fine, just slower
        return None
    try:
        parsed = feedparser_rs.parse(body)
    except Exception:
        return None
    if not parsed.entries or parsed.get("bozo"):
        return None
    feed_link = (parsed.feed.get("link") or "") if parsed.feed else ""
    for entry in parsed.entries:
        if not _fast_entry_agrees(entry) or (feed_link and entry.get("link") == feed_link):
            return None  # (an item with an empty <link> gets the channel's from feedparser-rs)
    return parsed


def _fast_entry_agrees(entry) -> bool:
    """False for what feedparser-rs reads differently: relative or malformed links, odd dates."""
    link = html.unescape(entry.get("link") or "")
    if not link:  # real feeds' items have links; feedparser-rs also drops some feedparser keeps
        return False
    if not _ABSOLUTE.match(link):  # relative: needs feedparser's base-URL resolution
        return False
    try:
        parts = urlsplit(link)
        parts.port  # feedparser drops a link Python cannot split ("http://[")
    except ValueError:
        return False
    if not _HOST.fullmatch(parts.hostname or "") or urlunsplit(parts) != link:
        return False  # feedparser re-joins links: an empty "?" or "#" goes, and odd hosts change
    content = entry.get("content") or []
    for value in (entry.get("title"), entry.get("summary"), content[0].get("value") if content else None):
        if value and "<" in value and (not _balanced(value) or _EMPTY_ELEMENT.search(value)):
            return False  # broken markup: the two sanitisers repair it differently (</p> -> <p></p>)
    for raw, when in (("published", "published_parsed"), ("updated", "updated_parsed")):
        text, parsed = entry.get(raw), entry.get(when)
        if text and (not _PLAIN_DATE.fullmatch(text.strip()) or parsed is None or not 1970 <= parsed[0] <= 2100):
            return False  # a date only one of them can read, or reads differently
    return True


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>|<")
_EMPTY_ELEMENT = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b[^>]*></\1\s*>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _balanced(markup: str) -> bool:
    """Every tag closed in order, and no stray "<": markup both parsers turn into the same text."""
    if any(not m.group(2) for m in _TAG.finditer(markup)):
        return False
    return _tags_balanced([(m.group(1), m.group(2).lower(), m.group(3)) for m in _TAG.finditer(markup)])


def _tags_balanced(tags) -> bool:
    open_tags: list = []
    for closing, name, self_closing in tags:
        if isinstance(name, bytes):
            name = name.decode("ascii", "replace")
        if name in _VOID or self_closing:
            continue
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return False
    return not open_tags


_ESCAPED_TAG = re.compile(rb"&lt;(/?)([A-Za-z][A-Za-z0-9]*)\b(?:(?!&gt;|&lt;).)*?(/?)&gt;", re.S)
_RAW_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
_CDATA_TEXT = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)


# The two date forms real feeds use, written strictly; feedparser's many lenient readers and
# feedparser-rs's differ on anything else ("AAA, 1 JAN 00": 2000 for one, unreadable for the other).
_PLAIN_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:19|20)\d\d "
    r"\d\d:\d\d(?::\d\d)? (?:GMT|UTC|UT|Z|[+-]\d{4})"
    r"|(?:19|20)\d\d-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:\d\d)"
)


def parse_feed(source: str, body: bytes, headers: dict[str, str], url: str) -> tuple[list[Item], str | None]:
    """Items from an RSS/Atom body (any kind that reads a feed uses this), and a warning for broken XML.

    Well-formed feeds go through feedparser-rs; anything it finds broken or empty goes through
    feedparser, whose best effort on broken XML and error reports we rely on.
    """
    fast = _fast_parse(body)
    if fast is not None:
        return _items(source, fast.entries, unescape_links=True)
    import feedparser

    parsed = feedparser.parse(
        body,
        response_headers={"content-type": headers.get("content-type", "application/xml"), "content-location": url},
    )
    if not parsed.entries:
        ctype = headers.get("content-type", "")
        if not body.strip():
            raise SourceFailed("the server sent an empty reply instead of a feed", status=200, bytes=len(body))
        if "html" in ctype.lower() or body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
            raise SourceFailed(f"the server sent a web page ({ctype or 'HTML'}), not a feed: check the URL",
                               status=200, bytes=len(body))
        if parsed.bozo and not parsed.version:
            raise SourceFailed(f"not a readable feed: {_reason(parsed)}", status=200, bytes=len(body))
    items, problems = _items(source, parsed.entries)
    if parsed.bozo and parsed.entries:
        broken = f"feed XML is broken ({_reason(parsed)}); {len(parsed.entries)} entries still read"
        problems = f"{broken}; {problems}" if problems else broken
    return items, problems


def _items(source: str, entries, unescape_links: bool = False) -> tuple[list[Item], str | None]:
    """Every entry that can be read; one that cannot costs only itself, and says why (with its id)."""
    items, problems = [], []
    for n, entry in enumerate(entries, 1):
        try:
            item = entry_item(source, entry, unescape_links=unescape_links, problems=problems)
        except Exception as exc:  # a hostile entry that breaks our reading of it
            problems.append(f"entry {_entry_label(entry, n)} skipped: {type(exc).__name__}: {str(exc)[:160]}")
            continue
        if item.url or item.title or item.text:
            items.append(item)
    return items, ("; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
                   if problems else None)


def _entry_label(entry, n: int) -> str:
    try:
        ident = entry.get("id") or entry.get("link") or ""
    except Exception:
        ident = ""
    return repr(str(ident)[:120]) if ident else f"#{n}"


def _published(entry, label: str, problems: list[str]) -> datetime | None:
    """The entry's date, or None (stored without one) when it is missing or cannot be a date."""
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        if entry.get(raw_key) or entry.get(parsed_key):
            break
    else:
        return None
    raw, when = entry.get(raw_key) or "", entry.get(parsed_key)
    problem = None
    if when:
        import calendar  # here, not at the top: `monitor check` imports this module for its options alone

        try:
            return datetime.fromtimestamp(calendar.timegm(when), tz=timezone.utc)
        except (ValueError, OverflowError, OSError, TypeError) as exc:
            problem = str(exc)
    elif raw.strip():
        problem = "not a date either parser can read"
    if problem:
        problems.append(f"entry {label}: date {str(raw)[:40]!r} unreadable ({problem}); stored without a date")
    return None


def _sha1(text: str) -> str:
    import hashlib  # on first use: `monitor check` imports this module for its options and never hashes

    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def entry_item(source: str, entry, unescape_links: bool = False, problems: list[str] | None = None) -> Item:
    title = html_to_text(entry.get("title", ""))
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else entry.get("summary", "")
    link = entry.get("link", "") or ""
    if unescape_links:  # feedparser-rs leaves &amp; in attribute values; feedparser decodes it
        link = html.unescape(link)
    ident = entry.get("id") or link or _sha1(title + body)
    published = _published(entry, repr(str(ident)[:120]), problems if problems is not None else [])
    src = entry.get("source") or {}
    publisher = src.get("title", "") if hasattr(src, "get") else getattr(src, "title", "") or ""
    return Item(
        source=source,
        item_id=str(ident)[:500],
        url=link,
        title=title[:1000],
        text=html_to_text(body)[:20000],
        author=html_to_text(entry.get("author", ""))[:200],
        published=published,
        publisher=html_to_text(publisher)[:200],
        language=(entry.get("language") or "")[:20],
    )


def _reason(parsed) -> str:
    exc = parsed.get("bozo_exception")
    return str(exc).splitlines()[0][:160] if exc else "unknown problem"
