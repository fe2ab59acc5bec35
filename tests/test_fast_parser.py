"""feedparser-rs is used only where it reads a feed exactly as feedparser does.

The corpus test (test_corpus.py) compares both on every feed of feedparser's own corpus; here
a captured-style blog feed that once fooled it, and generated plausible feeds (the shapes real
news, alert and Mastodon feeds have) with arbitrary text, links and dates.
"""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.sources import rss as rss_mod

from .conftest import rss

BLOG_ITEM = (
    "<item><title>{title}</title><link>https://blog.example.org/{n}</link>"
    "<guid>https://blog.example.org/{n}</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>"
    '<author xmlns="http://www.w3.org/2005/Atom"><name>Sam Jones</name><title>Vice President</title></author>'
    "<description>{title}: New Baby Network helped us.</description></item>"
)


def _both(body: bytes):
    fast, _ = rss_mod.parse_feed("s", body, {"content-type": "application/rss+xml"}, "http://127.0.0.1/feed")
    saved = rss_mod._fast_parse
    rss_mod._fast_parse = lambda _body: None
    try:
        slow, _ = rss_mod.parse_feed("s", body, {"content-type": "application/rss+xml"}, "http://127.0.0.1/feed")
    finally:
        rss_mod._fast_parse = saved
    key = lambda items: [(i.title, i.url, i.published, i.text, i.item_id, i.publisher) for i in items]  # noqa: E731
    return key(fast), key(slow)


def test_atom_author_title_inside_rss_items_is_not_taken_for_the_headline():
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Blog</title>'
            "<link>https://blog.example.org/</link><description>d</description>"
            + "".join(BLOG_ITEM.format(n=n, title=t) for n, t in enumerate(["Our new baby café", "Volunteers wanted"]))
            + "</channel></rss>").encode()
    fast, slow = _both(body)
    assert [t for t, *_ in fast] == ["Our new baby café", "Volunteers wanted"]
    assert fast == slow
    assert rss_mod._fast_parse(body) is None  # went to feedparser


hosts = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,5})?\.(org|co\.uk|com)\Z")
paths = st.from_regex(r"\A(/[A-Za-z0-9_~.-]{1,10}){0,3}/?\Z")
queries = st.one_of(st.just(""), st.from_regex(r"\A\?[a-z]{1,4}=[a-z0-9]{1,6}(&amp;[a-z]{1,4}=[a-z0-9]{0,6})?\Z"))
links = st.builds(lambda s, h, p, q: f"{s}://{h}{p}{q}", st.sampled_from(["http", "https"]), hosts, paths, queries)
when = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 1, 1)).map(
    lambda d: d.replace(tzinfo=timezone.utc))
rfc822 = st.builds(lambda d, z: d.strftime("%a, %d %b %Y %H:%M:%S ") + z, when,
                   st.sampled_from(["GMT", "+0000", "+0100", "-0500", "UT", "Z"]))
snippets = st.sampled_from(["New Baby Network", "<p>", "</p>", "<b>bold</b>", "<br/>", "&amp;", "&#8217;", "“quoted”",
                            "<a href=\"https://x.example/a\">link</a>", "<img src=\"https://x.example/i.png\">",
                            "café", "🙄", "\n", "  ", "<ul><li>one</li></ul>", "&lt;not a tag&gt;"])
texts = st.lists(st.one_of(snippets, st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                                             max_size=15)), max_size=8).map("".join)
items = st.lists(st.fixed_dictionaries({"title": texts, "link": links, "pubDate": rfc822, "description": texts}),
                 min_size=1, max_size=5)


iso = st.builds(lambda d, z: d.strftime("%Y-%m-%dT%H:%M:%S") + z, when, st.sampled_from(["Z", "+00:00", "+01:00", "-05:00"]))


def atom(entries: list[dict]) -> bytes:
    """Atom as Google Alerts and YouTube write it: escaped HTML in <content type="html">."""
    from html import escape

    parts = [f"<entry><id>tag:example.org,2026:{n}</id><title type=\"html\">{escape(e['title'])}</title>"
             f"<link href=\"{escape(e['link'])}\"/><published>{e['date']}</published><updated>{e['date']}</updated>"
             f"<content type=\"html\">{escape(e['description'])}</content><author><name>A</name></author></entry>"
             for n, e in enumerate(entries)]
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<id>tag:example.org,2026:feed</id><title>Alerts</title><link href=\"https://www.example.org/alerts\"/>"
            "<updated>2026-11-23T10:00:00Z</updated>" + "".join(parts) + "</feed>").encode()


atom_items = st.lists(st.fixed_dictionaries({"title": texts, "link": links, "date": iso, "description": texts}),
                      min_size=1, max_size=5)


@given(atom_items)
@settings(max_examples=60, deadline=None, derandomize=True)
def test_generated_atom_feeds_read_the_same_on_both_paths(entries):
    fast, slow = _both(atom(entries))
    assert fast == slow


@given(items)
# Derandomized: the same examples on every run, so CI cannot fail by chance on a case nobody saw
# here; broader exploration is run by hand (max_examples in the thousands, see bench/NOTES.md).
@settings(max_examples=120, deadline=None, derandomize=True)
def test_generated_feeds_read_the_same_on_both_paths(entries):
    body = rss(*[{**e, "title": e["title"], "description": e["description"]} for e in entries])
    fast, slow = _both(body)
    assert fast == slow


def test_plausible_feeds_do_take_the_fast_path():
    """Not vacuous: the fast path stays in use for feeds of the everyday shape."""
    body = rss({"title": "New Baby Network & friends 🙂", "link": "https://news.example.org/a?id=1&amp;b=2",
                "pubDate": "Mon, 23 Nov 2026 10:00:00 +0000", "description": "<p>Hello &amp; welcome</p>"},
               {"title": "Second", "link": "http://blog.example.co.uk/2026/11/post/",
                "pubDate": "Tue, 24 Nov 2026 09:30:00 GMT", "description": "Plain text."})
    assert rss_mod._fast_parse(body) is not None
    fast, slow = _both(body)
    assert fast == slow
    body = atom([{"title": "New Baby Network &amp; friends", "link": "https://news.example.org/a?id=1",
                  "date": "2026-11-23T10:00:00Z", "description": "<b>Hello</b> &amp; welcome"}])
    assert rss_mod._fast_parse(body) is not None
    fast, slow = _both(body)
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"<", b"/", b"&lt;", b"&LT;", b"SCRIPT", b"script", b"Math", b"ML", b"x", b" ", b"frame",
                                 b"form", b"sv", b"g", b"EMBED", b"Obj", b"ect", b"applet", b"Style", b"ifr", b"ame",
                                 b"\xc3\xa9", b"&#60;"]), max_size=12))
def test_the_hostile_tag_scans_find_a_tag_exactly_where_the_substring_tests_did(pieces):
    """The fast path's hostile-markup check (three scans) says what "tag in lowered" for each tag said."""
    lowered = b"".join(pieces).lower()
    assert rss_mod._hostile_tag(lowered) == any(tag in lowered for tag in rss_mod._HOSTILE_TAGS)
