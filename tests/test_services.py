"""Sources as the services really answer: boosts, HN comments, Mastodon's quirks and rate limits,
Reddit's token and rate limits, GDELT's text errors and bad bytes, Bluesky's sign-in codes,
and the link a director taps. Every service is a loopback server answering in its real format."""

from __future__ import annotations

import json
from datetime import timedelta

from werkzeug import Response

from monitor import store
from monitor.pipeline import run_cycle

from .conftest import NOW, rss
from .test_sources import load, status, stored


def _json(data, status_code=200, headers=None):
    return Response(json.dumps(data), status=status_code, content_type="application/json", headers=headers or {})


# --------------------------------------------------------------------------- mastodon


def boost(i: int, booster="carer", text="New Baby Network helped us through the worst week", reblogs=40):
    original = status(i, text, reblogs=reblogs, followers=900)
    original["account"] = {"id": "9", "acct": "mum@other.example", "followers_count": 900}
    return {"id": str(113600000000000000 + i), "uri": f"https://mastodon.example/users/{booster}/statuses/{i}/activity",
            "url": None, "created_at": "2026-11-23T11:00:00.000Z", "content": "", "spoiler_text": "",
            "language": None, "reblogs_count": 0, "favourites_count": 0, "replies_count": 0,
            "account": {"id": "777", "acct": booster, "followers_count": 5}, "reblog": original}


def test_mastodon_account_reads_the_boosted_post(tmp_path, httpserver):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json({"id": "777", "acct": "carer"})
    httpserver.expect_request("/api/v1/accounts/777/statuses").respond_with_json([boost(1)])
    cfg, db_path = load(tmp_path, [{"name": "acct", "kind": "mastodon_account", "instance": httpserver.url_for("/"),
                                    "account": "carer"}])
    run_cycle(cfg, db_path, now=NOW)
    (row,) = stored(db_path)
    assert "helped us through the worst week" in row["snippet"]
    assert row["url"] == "https://mastodon.example/@amy/1" and row["author"] == "mum@other.example"
    assert row["reach"]["reblogs"] == 40 and row["reach"]["followers"] == 900


def test_mastodon_tag_with_timelines_turned_off_reads_the_rss(tmp_path, httpserver):
    httpserver.expect_request("/api/v1/timelines/tag/newbabynetwork").respond_with_json([])
    httpserver.expect_request("/tags/newbabynetwork.rss").respond_with_data(
        rss({"title": "", "description": "<p>New Baby Network drop-in today #newbabynetwork</p>",
             "link": "https://m.example/@b/9"}), content_type="application/rss+xml")
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"),
                                    "tag": "newbabynetwork"}])
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.sources[0].outcome == "new" and "empty list" in summary.sources[0].warning
    assert [m["url"] for m in stored(db_path)] == ["https://m.example/@b/9"]


def test_mastodon_unknown_tag_is_a_quiet_tag_not_a_dead_source(tmp_path, httpserver):
    httpserver.expect_request("/api/v1/timelines/tag/nbnquiet").respond_with_json({"error": "Record not found"}, status=404)
    httpserver.expect_request("/tags/nbnquiet.rss").respond_with_data("<html>The page you are looking for isn't here.</html>",
                                                                        status=404, content_type="text/html")
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"),
                                    "tag": "nbnquiet"}])
    for hours in (0, 1, 2, 3):
        report = run_cycle(cfg, db_path, now=NOW + timedelta(hours=hours), force=True).sources[0]
        assert report.outcome == "new" and report.error is None and "no posts with #nbnquiet" in report.warning
    row = store.source_row(store.open_db(db_path), "tag")
    assert row["consecutive_failures"] == 0 and row["last_error"] is None


def test_mastodon_ids_that_are_not_numbers_still_move_the_cursor(tmp_path, httpserver):
    def flake(i, key):
        s = status(i, f"New Baby Network post {key}")
        s["id"] = key  # Pleroma/Akkoma-style flake ids
        return s

    pages = [[flake(2, "AbXq9z0002"), flake(1, "AbXq9z0001")], [flake(3, "AbXq9z0003")], []]

    def timeline(request):
        return _json(pages.pop(0))

    httpserver.expect_request("/api/v1/timelines/tag/nbn").respond_with_handler(timeline)
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"), "tag": "nbn"}])
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    since = [r.args.get("since_id") for r, _ in httpserver.log if r.path.startswith("/api")]
    assert since == [None, "AbXq9z0002"]
    cursor = json.loads(store.source_row(store.open_db(db_path), "tag")["cursor"])
    assert cursor["since_id"] == "AbXq9z0003" and len(stored(db_path)) == 3


def test_mastodon_rate_limit_headers_stop_paging_keep_the_cursor_and_wait_for_the_reset(tmp_path, httpserver):
    reset = (NOW + timedelta(hours=1, minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    calls = []

    def timeline(request):
        calls.append(request.args.to_dict())
        if "since_id" not in request.args:
            return _json([status(1)], headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "250",
                                               "X-RateLimit-Reset": reset})
        if len(calls) == 2:  # a burst: a full page, and no calls left
            return _json([status(i) for i in range(45, 5, -1)], headers={"X-RateLimit-Remaining": "0",
                                                                          "X-RateLimit-Reset": reset})
        return _json([], status_code=429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})

    httpserver.expect_request("/api/v1/timelines/tag/nbn").respond_with_handler(timeline)
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"), "tag": "nbn"}])
    run_cycle(cfg, db_path, now=NOW)
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1)).sources[0]
    assert second.outcome == "new" and "rate limit used up" in second.warning
    assert len(calls) == 2  # it did not ask for the next page
    db = store.open_db(db_path)
    row = store.source_row(db, "tag")
    assert json.loads(row["cursor"])["since_id"] == status(1)["id"]  # kept: statuses 2-5 are fetched after the reset
    assert row["hold_until"] == "2026-11-24T10:05:00Z"
    assert run_cycle(cfg, db_path, now=NOW + timedelta(hours=1, minutes=3), force=True).sources[0].outcome == "not_due"
    assert len(calls) == 2 and len(stored(db_path)) == 41


def test_mastodon_429_without_retry_after_waits_for_the_rate_limit_reset(tmp_path, httpserver):
    reset = (NOW + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    httpserver.expect_request("/api/v1/timelines/tag/nbn").respond_with_response(
        _json({"error": "Too many requests"}, status_code=429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}))
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"), "tag": "nbn"}])
    report = run_cycle(cfg, db_path, now=NOW).sources[0]
    assert report.outcome == "failed" and "rate-limiting" in report.error
    assert store.source_row(store.open_db(db_path), "tag")["hold_until"] == "2026-11-24T09:20:00Z"


# --------------------------------------------------------------------------- hacker news


def test_hn_comment_is_its_own_mention_linking_to_the_comment(tmp_path, httpserver):
    t = int((NOW - timedelta(hours=2)).timestamp())
    story = {"objectID": "4100", "_tags": ["story", "author_pg", "story_4100"], "title": "New Baby Network launches an app",
             "url": "https://gazette.example/nbn-app", "author": "pg", "created_at_i": t, "points": 40,
             "num_comments": 3, "story_text": None, "comment_text": None, "story_title": None, "story_url": None}
    comment = {"objectID": "4107", "_tags": ["comment", "author_jo", "story_4100"], "title": None, "url": None,
               "story_id": 4100, "story_title": "New Baby Network launches an app",
               "story_url": "https://gazette.example/nbn-app", "author": "jo", "created_at_i": t + 60, "points": None,
               "num_comments": None, "story_text": None,
               "comment_text": "New Baby Network ignored three safeguarding reports I made. Nobody replied. Disgraceful."}
    httpserver.expect_request("/api/v1/search_by_date").respond_with_json({"hits": [comment, story], "nbPages": 1})
    cfg, db_path = load(tmp_path, [{"name": "hn", "kind": "hn", "query": "New Baby Network", "base_url": httpserver.url_for("/")}])
    run_cycle(cfg, db_path, now=NOW)
    rows = {m["url"]: m for m in stored(db_path)}
    assert set(rows) == {"https://gazette.example/nbn-app", "https://news.ycombinator.com/item?id=4107"}
    scored = rows["https://news.ycombinator.com/item?id=4107"]
    assert scored["severity"] in ("alert", "crisis") and "ignored three safeguarding" in scored["snippet"]


# --------------------------------------------------------------------------- reddit


def _reddit_env(monkeypatch):
    for k, v in {"REDDIT_CLIENT_ID": "cid", "REDDIT_CLIENT_SECRET": "sec", "REDDIT_USERNAME": "nbn",
                 "REDDIT_PASSWORD": "pw"}.items():
        monkeypatch.setenv(k, v)


def test_reddit_reuses_its_token_for_its_lifetime_and_honours_x_ratelimit(tmp_path, httpserver, monkeypatch):
    from .test_sources import reddit_listing

    _reddit_env(monkeypatch)
    tokens = []
    t0 = int((NOW - timedelta(hours=5)).timestamp())

    def token(request):
        tokens.append(f"tok{len(tokens) + 1}")
        return _json({"access_token": tokens[-1], "token_type": "bearer", "expires_in": 86400, "scope": "*"})

    def search(request):
        assert request.headers["Authorization"] == f"bearer {tokens[-1]}"
        remaining = "0" if len(httpserver.log) >= 3 else "99"
        return _json(reddit_listing({"id": "a", "title": "New Baby Network question", "t": t0}),
                     headers={"x-ratelimit-used": "600", "x-ratelimit-remaining": remaining, "x-ratelimit-reset": "240"})

    httpserver.expect_request("/api/v1/access_token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/search").respond_with_handler(search)
    url = httpserver.url_for("/")
    cfg, db_path = load(tmp_path, [{"name": "rd", "kind": "reddit", "query": "New Baby Network", "base_url": url,
                                    "oauth_url": url}])
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert tokens == ["tok1"]  # the second run reused the day-long token
    third = run_cycle(cfg, db_path, now=NOW + timedelta(hours=2)).sources[0]
    assert "rate limit used up" in third.warning
    row = store.source_row(store.open_db(db_path), "rd")
    assert row["hold_until"] == "2026-11-24T11:04:00Z"
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=25))  # the token has expired: a new one
    assert tokens == ["tok1", "tok2"]
    assert "tok1" not in (row["cursor"] or "")


def test_reddit_gets_a_new_token_once_when_its_token_is_refused(tmp_path, httpserver, monkeypatch):
    from .test_sources import reddit_listing

    _reddit_env(monkeypatch)
    tokens, searches = [], []

    def token(request):
        tokens.append(f"tok{len(tokens) + 1}")
        return _json({"access_token": tokens[-1], "expires_in": 86400})

    def search(request):
        searches.append(request.headers["Authorization"])
        if request.headers["Authorization"] == "bearer tok1" and len(searches) > 1:  # revoked after the first run
            return _json({"message": "Unauthorized", "error": 401}, status_code=401)
        return _json(reddit_listing())

    httpserver.expect_request("/api/v1/access_token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/search").respond_with_handler(search)
    url = httpserver.url_for("/")
    cfg, db_path = load(tmp_path, [{"name": "rd", "kind": "reddit", "query": "x", "base_url": url, "oauth_url": url}])
    run_cycle(cfg, db_path, now=NOW)
    report = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1)).sources[0]
    assert report.outcome == "new" and tokens == ["tok1", "tok2"]
    assert searches == ["bearer tok1", "bearer tok1", "bearer tok2"]


def test_ref_and_trackers_leave_the_canonical_url_and_the_stored_link_is_unwrapped(tmp_path, httpserver):
    items = [
        {"title": "Southvale praises New Baby Network", "link":
         "https://www.google.com/url?rct=j&sa=t&url=https://www.gazette.example/News/story-1%3Futm_source%3Dgoogle%26fbclid%3Dab%26page%3D2&ct=ga"},
        {"title": "Southvale praises New Baby Network", "link": "https://www.gazette.example/News/story-1?ref=reddit&page=2"},
        {"title": "Southvale praises New Baby Network", "link": "https://www.gazette.example/News/story-1?page=2&ref_source=twitter"},
        {"title": "New Baby Network on Bing", "link":
         "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fpaper.example%2fnbn%3focid%3dBingNews%26utm_medium%3drss&c=1"},
    ]
    httpserver.expect_request("/f").respond_with_data(rss(*items), content_type="application/rss+xml")
    cfg, db_path = load(tmp_path, [{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}])
    run_cycle(cfg, db_path, now=NOW)
    rows = stored(db_path)
    assert sorted(m["url"] for m in rows) == ["https://paper.example/nbn", "https://www.gazette.example/News/story-1?page=2"]
    db = store.open_db(db_path)
    assert {r["url"] for r in db.query("select url from mention_sources")} == {
        "https://paper.example/nbn", "https://www.gazette.example/News/story-1?page=2"}


# --------------------------------------------------------------------------- gdelt


def test_gdelt_error_text_with_status_200_is_reported_in_its_own_words(tmp_path, httpserver, monkeypatch):
    from monitor.sources import gdelt

    monkeypatch.setattr(gdelt, "SPACING", 0)
    httpserver.expect_request("/api/v2/doc/doc").respond_with_data(
        "Your search contained a phrase that was too short.<br>", content_type="text/html; charset=utf-8")
    cfg, db_path = load(tmp_path, [{"name": "gd", "kind": "gdelt", "query": '"NBN"', "base_url": httpserver.url_for("/")}])
    error = run_cycle(cfg, db_path, now=NOW).sources[0].error
    assert error == "GDELT says: Your search contained a phrase that was too short."


def test_gdelt_one_bad_byte_in_its_json_costs_only_that_article(tmp_path, httpserver, monkeypatch):
    from monitor.sources import gdelt

    monkeypatch.setattr(gdelt, "SPACING", 0)

    def art(i, title):
        return (f'{{"url": "https://news{i}.example/a", "url_mobile": "", "title": "{title}", '
                f'"seendate": "20261123T10{i:02d}00Z", "socialimage": "", "domain": "news{i}.example", '
                f'"language": "English", "sourcecountry": "United Kingdom"}}').encode()

    bad_escape = art(1, "New Baby Network \\x96 praised")  # an escape JSON does not have
    control = art(2, "New Baby Network\x01 opens a hub")  # a raw control character
    invalid_utf8 = art(3, "New Baby Network caf\xe9 ".encode("latin-1").decode("latin-1")).replace(b"caf\xc3\xa9", b"caf\xe9")
    broken = b'{"url": "https://news4.example/a", "title": "New Baby Network "broken" quote", "seendate": "x"}'
    good = art(5, "New Baby Network wins award")
    body = b'{"articles": [ ' + b", ".join([bad_escape, control, invalid_utf8, broken, good]) + b" ] }"
    httpserver.expect_request("/api/v2/doc/doc").respond_with_data(body, content_type="application/json")
    cfg, db_path = load(tmp_path, [{"name": "gd", "kind": "gdelt", "query": '"New Baby Network"',
                                    "base_url": httpserver.url_for("/")}])
    report = run_cycle(cfg, db_path, now=NOW).sources[0]
    assert report.outcome == "new" and report.entries == 4 and "1 unreadable" in report.warning
    assert {m["url"] for m in stored(db_path)} == {f"https://news{i}.example/a" for i in (1, 2, 3, 5)}


# --------------------------------------------------------------------------- bluesky


def test_bluesky_sign_in_code_required_is_said_in_plain_words(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "nbn.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "main-password-123")
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_response(_json(
        {"error": "AuthFactorTokenRequired", "message": "A sign in code has been sent to your email address"},
        status_code=401))
    cfg, db_path = load(tmp_path, [{"name": "bsky", "kind": "bluesky_search", "query": "x",
                                    "base_url": httpserver.url_for("/")}], environ=dict(__import__("os").environ))
    error = run_cycle(cfg, db_path, now=NOW).sources[0].error
    assert "sign-in code it e-mails to nbn.bsky.social" in error and "app password" in error
    assert "BLUESKY_APP_PASSWORD" in error and "main-password-123" not in error
