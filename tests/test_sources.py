"""Every source kind against fixtures in its service's real response format, served on loopback via base_url.

The fields each kind relies on are listed in its module's docstring; the fixtures below use
the same shapes as the services' documentation (Mastodon Status, Bluesky searchPosts,
Reddit Listing, Algolia HN search, GDELT DOC 2.0 artlist).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from werkzeug import Response

from monitor import config as config_mod
from monitor import store
from monitor.pipeline import run_cycle

from .conftest import NOW, rss, write_config


def load(tmp_path, sources, environ=None, **extra):
    path = write_config(tmp_path, sources=sources, **extra)
    cfg = config_mod.load(path, environ=environ or {})
    return cfg, config_mod.db_path(cfg, environ={})


def stored(db_path):
    return store.mentions(store.open_db(db_path))


def status(i: int, text="Thank you New Baby Network!", reblogs=0, followers=120):
    return {
        "id": str(113500000000000000 + i), "uri": f"https://mastodon.example/users/amy/statuses/{i}",
        "url": f"https://mastodon.example/@amy/{i}", "created_at": "2026-11-23T10:00:00.000Z",
        "content": f"<p>{text} #{i}</p>", "spoiler_text": "", "language": "en", "visibility": "public",
        "reblogs_count": reblogs, "favourites_count": 3, "replies_count": 1,
        "account": {"id": "1", "acct": "amy", "display_name": "Amy", "followers_count": followers},
    }


# --------------------------------------------------------------------------- feeds built from a query


def test_google_news_builds_its_search_and_knows_an_article_by_publisher_and_headline(tmp_path, httpserver):
    body = rss(
        {"title": "New Baby Network wins award - Southvale Gazette", "link": "https://news.google.com/rss/articles/CBMiAAA?oc=5"},
        {"title": "New Baby Network wins award - Southvale Gazette", "link": "https://news.google.com/rss/articles/CBMiBBB?oc=5"},
    ).replace(b"</item>", b'<source url="https://southvalegazette.co.uk">Southvale Gazette</source></item>')
    httpserver.expect_request("/rss/search").respond_with_data(body, content_type="application/rss+xml")
    cfg, db_path = load(tmp_path, [{"name": "gn", "kind": "google_news", "query": '"New Baby Network"', "when": "7d",
                                    "base_url": httpserver.url_for("/")}])
    run_cycle(cfg, db_path, now=NOW)
    (req, _), = httpserver.log
    assert req.args["q"] == '"New Baby Network" when:7d' and req.args["hl"] == "en-GB" and req.args["ceid"] == "GB:en"
    (m,) = stored(db_path)  # two opaque links, one article
    assert m["publisher"] == "Southvale Gazette" and m["url"].startswith("https://news.google.com/rss/articles/")


def test_google_alerts_and_bing_unwrap_to_one_mention_with_two_sources(tmp_path, httpserver):
    real = "https://www.southvalegazette.co.uk/news/new-baby-network-award"
    alerts = rss({"title": "New Baby Network wins award",
                  "link": f"https://www.google.com/url?rct=j&sa=t&url={real}%3Futm_source%3Dgoogle&ct=ga&usg=X"})
    bing = rss({"title": "New Baby Network wins award",
                "link": f"http://www.bing.com/news/apiclick.aspx?ref=FexRss&url={real.replace(':', '%3a').replace('/', '%2f')}&c=1"})
    httpserver.expect_request("/alerts/feeds/1/2").respond_with_data(alerts, content_type="application/atom+xml")
    httpserver.expect_request("/news/search").respond_with_data(bing, content_type="application/rss+xml")
    cfg, db_path = load(tmp_path, [
        {"name": "ga", "kind": "google_alerts", "url": httpserver.url_for("/alerts/feeds/1/2")},
        {"name": "bing", "kind": "bing_news", "query": '"New Baby Network"', "base_url": httpserver.url_for("/")},
    ])
    run_cycle(cfg, db_path, now=NOW)
    (m,) = stored(db_path)
    assert sorted(m["sources"].split(", ")) == ["bing", "ga"] and m["canonical_url"] == "https://southvalegazette.co.uk/news/new-baby-network-award"
    bing_req = [r for r, _ in httpserver.log if r.path == "/news/search"][0]
    assert bing_req.args["format"] == "rss" and bing_req.args["q"] == '"New Baby Network"'


def test_youtube_channel_reads_the_uploads_feed(tmp_path, httpserver):
    atom = (b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" '
            b'xmlns="http://www.w3.org/2005/Atom"><title>Southvale Council</title><entry><id>yt:video:abc</id>'
            b'<yt:videoId>abc</yt:videoId><title>Full council: New Baby Network funding</title>'
            b'<link rel="alternate" href="https://www.youtube.com/watch?v=abc"/><published>2026-11-23T10:00:00+00:00</published>'
            b'</entry></feed>')
    httpserver.expect_request("/feeds/videos.xml").respond_with_data(atom, content_type="application/atom+xml")
    cfg, db_path = load(tmp_path, [{"name": "yt", "kind": "youtube_channel", "channel_id": "UCabc",
                                    "base_url": httpserver.url_for("/")}])
    run_cycle(cfg, db_path, now=NOW)
    assert httpserver.log[0][0].args["channel_id"] == "UCabc"
    assert stored(db_path)[0]["url"] == "https://www.youtube.com/watch?v=abc"


# --------------------------------------------------------------------------- mastodon


def test_mastodon_tag_first_run_incremental_run_paging_and_reach(tmp_path, httpserver):
    pages = {"first": [status(i) for i in (3, 2, 1)]}

    def timeline(request):
        since = request.args.get("since_id")
        if since is None:
            return Response(json.dumps(pages["first"]), content_type="application/json")
        if request.args.get("max_id") is None:  # newest 40 since the cursor: a full page, so there is more
            return Response(json.dumps([status(i) for i in range(45, 5, -1)]), content_type="application/json")
        assert request.args["max_id"] == status(6)["id"]
        return Response(json.dumps([status(5, reblogs=300), status(4)]), content_type="application/json")

    httpserver.expect_request("/api/v1/timelines/tag/newbabynetwork").respond_with_handler(timeline)
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"),
                                    "tag": "#newbabynetwork"}])
    run_cycle(cfg, db_path, now=NOW)
    assert len(stored(db_path)) == 3
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    requests = [r.args.to_dict() for r, _ in httpserver.log]
    assert requests[1]["since_id"] == status(3)["id"] and requests[1]["limit"] == "40"
    assert len(stored(db_path)) == 45  # 3 + 40 + 2, nothing stored twice
    row = next(m for m in stored(db_path) if m["url"].endswith("/5"))
    assert row["reach"]["reblogs"] == 300 and row["reach"]["followers"] == 120
    cursor = json.loads(store.source_row(store.open_db(db_path), "tag")["cursor"])
    assert cursor["since_id"] == status(45)["id"]


def test_mastodon_tag_falls_back_to_rss_when_the_server_refuses(tmp_path, httpserver):
    httpserver.expect_request("/api/v1/timelines/tag/newbabynetwork").respond_with_data(
        json.dumps({"error": "This method requires an authenticated user"}), status=422, content_type="application/json")
    httpserver.expect_request("/tags/newbabynetwork.rss").respond_with_data(
        rss({"title": "", "description": "<p>Love #NewBabyNetwork</p>", "link": "https://m.example/@b/9"}),
        content_type="application/rss+xml")
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"),
                                    "tag": "newbabynetwork"}])
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.sources[0].outcome == "new" and "read " in summary.sources[0].warning
    assert stored(db_path)[0]["url"] == "https://m.example/@b/9"


def test_mastodon_account_looks_up_the_account_once(tmp_path, httpserver):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json({"id": "777", "acct": "newbabynetwork"})
    httpserver.expect_request("/api/v1/accounts/777/statuses").respond_with_json([status(1, "New Baby Network AGM")])
    cfg, db_path = load(tmp_path, [{"name": "acct", "kind": "mastodon_account", "instance": httpserver.url_for("/"),
                                    "account": "@newbabynetwork"}])
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    paths = [r.path for r, _ in httpserver.log]
    assert paths.count("/api/v1/accounts/lookup") == 1 and paths.count("/api/v1/accounts/777/statuses") == 2


# --------------------------------------------------------------------------- bluesky


def bsky_post(i: int, text="New Baby Network saved my sanity", likes=0):
    return {
        "uri": f"at://did:plc:abc/app.bsky.feed.post/3k{i}", "cid": f"bafy{i}",
        "author": {"did": "did:plc:abc", "handle": "mum.bsky.social", "displayName": "Mum"},
        "record": {"$type": "app.bsky.feed.post", "text": f"{text} {i}", "createdAt": "2026-11-23T10:00:00.000Z",
                   "langs": ["en"]},
        "likeCount": likes, "repostCount": 2, "replyCount": 0, "quoteCount": 0,
        "indexedAt": f"2026-11-23T10:{i:02d}:00.000Z",
    }


def test_bluesky_search_without_credentials_is_a_config_error(tmp_path):
    with pytest.raises(config_mod.ConfigError) as exc:
        load(tmp_path, [{"name": "bsky", "kind": "bluesky_search", "query": "New Baby Network"}])
    (problem,) = exc.value.problems
    assert problem.path == "sources[0]" and "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD" in problem.message
    assert "App passwords" in problem.message


def test_bluesky_search_logs_in_pages_refreshes_and_resumes(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "nbn.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    state = {"access": "access-1", "logins": 0}

    def login(request):
        assert request.get_json() == {"identifier": "nbn.bsky.social", "password": "abcd-efgh-ijkl-mnop"}
        state["logins"] += 1
        return Response(json.dumps({"accessJwt": state["access"], "refreshJwt": "refresh-1", "did": "did:plc:me",
                                    "handle": "nbn.bsky.social"}), content_type="application/json")

    def refresh(request):
        assert request.headers["Authorization"] == "Bearer refresh-1"
        state["access"] = "access-2"
        return Response(json.dumps({"accessJwt": "access-2", "refreshJwt": "refresh-1"}), content_type="application/json")

    def search(request):
        if request.headers["Authorization"] != f"Bearer {state['access']}":
            return Response(json.dumps({"error": "ExpiredToken", "message": "Token has expired"}), status=400,
                            content_type="application/json")
        if request.args.get("cursor") == "p2":
            return Response(json.dumps({"posts": [bsky_post(3, likes=900)]}), content_type="application/json")
        if state["access"] == "access-2":  # second run: only what is new since the cursor
            assert request.args["since"] == "2026-11-23T10:03:00.000Z"
            return Response(json.dumps({"posts": [bsky_post(9)]}), content_type="application/json")
        return Response(json.dumps({"posts": [bsky_post(1), bsky_post(2)], "cursor": "p2"}), content_type="application/json")

    httpserver.expect_request("/xrpc/com.atproto.server.createSession", method="POST").respond_with_handler(login)
    httpserver.expect_request("/xrpc/com.atproto.server.refreshSession", method="POST").respond_with_handler(refresh)
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_handler(search)
    cfg, db_path = load(tmp_path, [{"name": "bsky", "kind": "bluesky_search", "query": "New Baby Network",
                                    "base_url": httpserver.url_for("/")}], environ=dict(__import__("os").environ))
    run_cycle(cfg, db_path, now=NOW)
    assert len(stored(db_path)) == 3 and state["logins"] == 1
    first = [r for r, _ in httpserver.log if r.path.endswith("searchPosts")][0]
    assert first.args["sort"] == "latest" and first.args["since"] == "2026-11-17T09:00:00Z"  # 7-day backfill
    state["access"] = "access-2"  # the stored access token has now expired
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=3))
    assert len(stored(db_path)) == 4 and state["logins"] == 1  # refreshed, not logged in again
    liked = next(m for m in stored(db_path) if m["reach"]["likes"] == 900)
    assert liked["url"] == "https://bsky.app/profile/mum.bsky.social/post/3k3"


def test_bluesky_wrong_app_password_says_so(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "nbn.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "wrong")
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_data(
        json.dumps({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}), status=401,
        content_type="application/json")
    cfg, db_path = load(tmp_path, [{"name": "bsky", "kind": "bluesky_search", "query": "x",
                                    "base_url": httpserver.url_for("/")}], environ=dict(__import__("os").environ))
    summary = run_cycle(cfg, db_path, now=NOW)
    assert "refused the login for nbn.bsky.social" in summary.sources[0].error
    assert "wrong" not in summary.sources[0].error


def test_bluesky_profile_resolves_the_handle_once_then_reads_rss(tmp_path, httpserver):
    httpserver.expect_request("/xrpc/com.atproto.identity.resolveHandle").respond_with_json({"did": "did:plc:nbn"})
    httpserver.expect_request("/profile/did:plc:nbn/rss").respond_with_data(
        rss({"title": "", "description": "New Baby Network AGM tonight", "link": "https://bsky.app/profile/did:plc:nbn/post/1"}),
        content_type="application/rss+xml")
    url = httpserver.url_for("/")
    cfg, db_path = load(tmp_path, [{"name": "bp", "kind": "bluesky_profile", "handle": "newbabynetwork.bsky.social",
                                    "base_url": url, "web_url": url}])
    run_cycle(cfg, db_path, now=NOW)
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    paths = [r.path for r, _ in httpserver.log]
    assert paths.count("/xrpc/com.atproto.identity.resolveHandle") == 1 and len(stored(db_path)) == 1


# --------------------------------------------------------------------------- reddit


def reddit_listing(*posts):
    return {"kind": "Listing", "data": {"after": None, "children": [
        {"kind": "t3", "data": {"name": f"t3_{p['id']}", "id": p["id"], "title": p["title"], "selftext": "",
                                "permalink": f"/r/NewParents/comments/{p['id']}/x/", "created_utc": p["t"],
                                "author": "u1", "score": p.get("score", 1), "num_comments": 4,
                                "subreddit": "NewParents", "subreddit_subscribers": 120000}} for p in posts]}}


def test_reddit_with_a_script_app_searches_new_posts_incrementally(tmp_path, httpserver, monkeypatch):
    for k, v in {"REDDIT_CLIENT_ID": "cid", "REDDIT_CLIENT_SECRET": "sec", "REDDIT_USERNAME": "nbn", "REDDIT_PASSWORD": "pw"}.items():
        monkeypatch.setenv(k, v)
    t0 = int((NOW - timedelta(hours=5)).timestamp())
    posts = [{"id": "a", "title": "Anyone tried New Baby Network?", "t": t0}]
    httpserver.expect_request("/api/v1/access_token", method="POST").respond_with_json(
        {"access_token": "tok", "token_type": "bearer", "expires_in": 86400})
    httpserver.expect_request("/r/NewParents/search").respond_with_handler(
        lambda r: Response(json.dumps(reddit_listing(*posts)), content_type="application/json"))
    url = httpserver.url_for("/")
    cfg, db_path = load(tmp_path, [{"name": "rd", "kind": "reddit", "query": "New Baby Network", "subreddit": "NewParents",
                                    "base_url": url, "oauth_url": url}])
    run_cycle(cfg, db_path, now=NOW)
    posts.insert(0, {"id": "b", "title": "New Baby Network was rude to me, avoid", "t": t0 + 3600, "score": 250})
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    token_req = [r for r, _ in httpserver.log if r.path == "/api/v1/access_token"][0]
    assert token_req.form["grant_type"] == "password" and token_req.authorization.username == "cid"
    search = [r for r, _ in httpserver.log if r.path.endswith("/search")][0]
    assert search.headers["Authorization"] == "bearer tok" and search.args["sort"] == "new" and search.args["restrict_sr"] == "1"
    rows = stored(db_path)
    assert len(rows) == 2 and {r["reach"]["subscribers"] for r in rows} == {120000}


def test_reddit_without_credentials_reads_search_rss_and_backs_off_hard(tmp_path, httpserver):
    httpserver.expect_ordered_request("/search.rss").respond_with_data(
        rss({"title": "New Baby Network question", "link": "https://www.reddit.com/r/x/comments/1/"}),
        content_type="application/rss+xml")
    httpserver.expect_ordered_request("/search.rss").respond_with_data("Too Many Requests", status=429)
    cfg, db_path = load(tmp_path, [{"name": "rd", "kind": "reddit", "query": "New Baby Network",
                                    "base_url": httpserver.url_for("/")}])
    assert run_cycle(cfg, db_path, now=NOW).sources[0].outcome == "new"
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1), force=True)
    assert "holding off 3,600s" in second.sources[0].error and "credentials" in second.sources[0].error
    third = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1, minutes=30), force=True)
    assert third.sources[0].outcome == "not_due" and len(httpserver.log) == 2


# --------------------------------------------------------------------------- hacker news, gdelt


def hn_hit(i: int, t: int, points=1):
    return {"objectID": str(i), "title": f"Show HN: side project inspired by New Baby Network {i}", "url": f"https://ex.example/{i}",
            "author": "pg", "created_at_i": t, "points": points, "num_comments": 2, "story_text": None}


def test_hn_uses_the_created_at_cursor_and_pages(tmp_path, httpserver):
    t0 = int((NOW - timedelta(hours=5)).timestamp())
    newest = t0 + 3000

    def handler(request):
        page = int(request.args.get("page", 0))
        if request.args["numericFilters"] == f"created_at_i>{newest}":
            return Response(json.dumps({"hits": [hn_hit(9, newest + 60)], "nbPages": 1}), content_type="application/json")
        hits = [hn_hit(page * 10 + k, t0 + page * 100 + k) for k in range(2)]
        if page == 1:
            hits[0]["created_at_i"] = newest
        return Response(json.dumps({"hits": hits, "nbPages": 2, "page": page}), content_type="application/json")

    httpserver.expect_request("/api/v1/search_by_date").respond_with_handler(handler)
    cfg, db_path = load(tmp_path, [{"name": "hn", "kind": "hn", "query": "New Baby Network", "base_url": httpserver.url_for("/")}])
    run_cycle(cfg, db_path, now=NOW)
    assert len(stored(db_path)) == 4 and [r.args["page"] for r, _ in httpserver.log] == ["0", "1"]
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    first = httpserver.log[0][0].args["numericFilters"]
    assert first == f"created_at_i>{int((NOW - timedelta(days=7)).timestamp())}"  # the 7-day backfill
    assert httpserver.log[-1][0].args["numericFilters"] == f"created_at_i>{newest}" and len(stored(db_path)) == 5


def test_json_source_429_is_held_and_an_html_answer_is_named(tmp_path, httpserver):
    httpserver.expect_request("/busy/api/v1/search_by_date").respond_with_data("slow", status=429, headers={"Retry-After": "120"})
    httpserver.expect_request("/html/api/v1/search_by_date").respond_with_data("<!DOCTYPE html><html>login</html>",
                                                                               content_type="text/html")
    cfg, db_path = load(tmp_path, [
        {"name": "busy", "kind": "hn", "query": "x", "base_url": httpserver.url_for("/busy")},
        {"name": "html", "kind": "hn", "query": "x", "base_url": httpserver.url_for("/html")},
    ])
    errors = {s.name: s.error for s in run_cycle(cfg, db_path, now=NOW).sources}
    assert "wait 120s" in errors["busy"] and "web page instead of data" in errors["html"]
    assert store.source_row(store.open_db(db_path), "busy")["hold_until"] == "2026-11-24T09:02:00Z"


def test_gdelt_first_run_incremental_run_and_rate_limit_text(tmp_path, httpserver, monkeypatch):
    from monitor.sources import gdelt

    monkeypatch.setattr(gdelt, "SPACING", 0.3)
    articles = {"articles": [{"url": "https://news.example/a", "title": "New Baby Network praised", "seendate": "20261123T101500Z",
                              "domain": "news.example", "language": "English", "sourcecountry": "United Kingdom"}]}
    httpserver.expect_ordered_request("/api/v2/doc/doc").respond_with_json(articles)
    httpserver.expect_ordered_request("/api/v2/doc/doc").respond_with_data(
        "Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries.",
        content_type="text/html")
    httpserver.expect_ordered_request("/api/v2/doc/doc").respond_with_json({})
    cfg, db_path = load(tmp_path, [{"name": "gd", "kind": "gdelt", "query": '"New Baby Network"',
                                    "base_url": httpserver.url_for("/")}])
    run_cycle(cfg, db_path, now=NOW)
    first = httpserver.log[0][0].args
    assert first["mode"] == "artlist" and first["format"] == "json" and first["timespan"] == "168h"
    started = time.monotonic()
    limited = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    assert "slow down" in limited.sources[0].error
    run_cycle(cfg, db_path, now=NOW + timedelta(hours=2))
    assert time.monotonic() - started >= 0.3  # requests were spaced
    assert httpserver.log[1][0].args["startdatetime"] == "20261123101500"
    assert len(stored(db_path)) == 1


# --------------------------------------------------------------------------- reach


def test_reach_raises_a_concern_but_never_creates_one(tmp_path, httpserver):
    quiet = status(1, "New Baby Network volunteers were rude to me today.", reblogs=0, followers=50)
    viral = status(2, "New Baby Network volunteers were rude to me today!", reblogs=800, followers=50000)
    happy = status(3, "New Baby Network is lovely", reblogs=5000, followers=90000)
    httpserver.expect_request("/api/v1/timelines/tag/nbn").respond_with_json([quiet, viral, happy])
    cfg, db_path = load(tmp_path, [{"name": "tag", "kind": "mastodon_tag", "instance": httpserver.url_for("/"), "tag": "nbn"}])
    run_cycle(cfg, db_path, now=NOW)
    by_url = {m["url"].rsplit("/", 1)[-1]: m for m in stored(db_path)}
    assert by_url["2"]["score"] > by_url["1"]["score"]
    assert any(r.startswith("reach: 804 interactions (+1.9), audience 50,000 (+0.8)") for r in by_url["2"]["reasons"])
    assert by_url["3"]["severity"] == "info" and not any(r.startswith("reach") for r in by_url["3"]["reasons"])
