from monitor.urls import canonical, safe_link

STORY = "https://southvalegazette.co.uk/news/local/story-1"


def test_tracking_parameters_fragments_and_host_case_do_not_split_a_story():
    assert canonical("https://www.SouthvaleGazette.co.uk/news/local/story-1?utm_source=x&utm_medium=y#top") == STORY
    assert canonical("http://southvalegazette.co.uk:80/news/local/story-1/?fbclid=abc&gclid=1") == STORY
    assert canonical("https://southvalegazette.co.uk/news?id=7&utm_campaign=z&b=2") == \
        "https://southvalegazette.co.uk/news?b=2&id=7"


def test_google_and_bing_wrappers_are_unwrapped():
    google = ("https://www.google.com/url?rct=j&sa=t&url=https://www.southvalegazette.co.uk/news/local/story-1"
              "%3Futm_source%3Dgoogle&ct=ga&cd=CAIy&usg=AOvVaw")
    bing = ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.southvalegazette"
            ".co.uk%2fnews%2flocal%2fstory-1%3focid%3dBingNewsSearch&c=1&mkt=en-gb")
    assert canonical(google) == canonical(bing) == STORY


def test_only_http_links_are_shown():
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("data:text/html,<script>") is None
    assert safe_link(" https://example.org/a ") == "https://example.org/a"
    assert canonical("mailto:x@example.org") == ""


def test_an_items_canonical_address_is_worked_out_once(monkeypatch):
    from monitor.sources import base

    calls = []
    real = base.canonical
    monkeypatch.setattr(base, "canonical", lambda url: calls.append(url) or real(url))
    item = base.Item(source="s", item_id="1", url="https://Example.org/a?utm_source=x", title="t", text="")
    first = item.canonical_url
    assert item.canonical_url == first == real("https://Example.org/a?utm_source=x") and len(calls) == 1
    item.url = "https://example.org/b?id=2"  # a changed address is worked out again
    assert item.canonical_url == real("https://example.org/b?id=2") and len(calls) == 2
    assert item == base.Item(source="s", item_id="1", url="https://example.org/b?id=2", title="t", text="")
    from monitor import urls

    splits = []
    real_split = urls.urlsplit
    monkeypatch.setattr(urls, "urlsplit", lambda url, *a: splits.append(url) or real_split(url, *a))
    item.url = "https://www.example.org/c/"  # a plain link: worked out without splitting it, same answer
    assert item.canonical_url == "https://example.org/c" and len(calls) == 3 and splits == []
    assert real("https://www.example.org/c/") == "https://example.org/c"


_PIECES = ["http", "https", "HTTP", "://", "www.", "WWW.", "www", "example", "Example", "news12", "google", "bing",
           ".com", ".co.uk", ".", "-", "/", "//", "a", "b-c", "1", "%20", "%2F", ":", ":80", ":443", ":8080", "@",
           "?", "?q=1", "?utm_source=x", "#", "#top", "&", "=", ";", "~", "_", "!", "$", "'", "(", "*", "+", ",", " ",
           "\t", "[", "]", "::1", "é", "xn--", "127.0.0.1", "url", "apiclick.aspx"]


def _plain_or_none_agrees(url: str) -> None:
    from monitor.urls import plain_canonical

    fast = plain_canonical(url)
    assert fast is None or fast == canonical(url), url


def test_the_plain_link_shortcut_gives_canonicals_answer():
    import random

    from monitor.urls import plain_canonical

    rng = random.Random(14)
    taken = 0
    for _ in range(20_000):
        url = rng.choice(["http://", "https://", ""]) + "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 9)))
        _plain_or_none_agrees(url)
        taken += plain_canonical(url) is not None
    assert taken > 300  # the shortcut was exercised, not only the fallback
    for url in ("https://www.www.x.org/a/", "https://www./a", "https://www/a", "https://a.b", "https://a.b//",
                "https://a.b/a//", "http://127.0.0.1/x", "https://news.google.com/a", "https://www.bing.com/x",
                "https://southvalegazette.co.uk/news/local/story-1/", "http://news12.example/1/2"):
        _plain_or_none_agrees(url)
    assert plain_canonical("http://news12.example/1/2") == "https://news12.example/1/2"  # the farm's links take it
    assert plain_canonical("https://www.google.com/url?url=https://e.org/") is None


def test_the_plain_link_shortcut_on_generated_links():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(_PIECES), max_size=10), st.sampled_from(["http://", "https://", "http://www."]))
    def check(pieces, scheme):
        _plain_or_none_agrees(scheme + "".join(pieces))

    check()
