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
    item.url = "https://example.org/b"  # a changed address is worked out again
    assert item.canonical_url == real("https://example.org/b") and len(calls) == 2
    assert item == base.Item(source="s", item_id="1", url="https://example.org/b", title="t", text="")
