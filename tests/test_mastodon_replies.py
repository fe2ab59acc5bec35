"""Kind ``mastodon_replies``: replies under our own Mastodon posts, against loopback HTTP in the
API's own shapes (Status, Context). Replies are written to us: about us even when they never name us."""

from __future__ import annotations

import json
from datetime import timedelta

from werkzeug import Response

from monitor import store
from monitor.analyse import TO_US_REASON
from monitor.pipeline import run_cycle

from .conftest import NOW
from .test_alerting import sms  # noqa: F401 (fixture)


def status(i: int, text: str, *, account=("9", "parent"), created="2026-11-23T10:00:00.000Z", replies=0, **more):
    return {"id": str(1000 + i), "uri": f"https://m.example/users/{account[1]}/statuses/{i}",
            "url": f"https://m.example/@{account[1]}/{1000 + i}", "created_at": created, "content": f"<p>{text}</p>",
            "spoiler_text": "", "language": "en", "reblogs_count": 0, "favourites_count": 0, "replies_count": replies,
            "account": {"id": account[0], "acct": account[1], "followers_count": 40}, **more}


OURS = ("777", "newbabynetwork")


def test_replies_under_our_posts_are_mentions_without_naming_us(httpserver, make_config, smtp, sms):  # noqa: F811
    posts = [status(1, "Baby cafe is on Thursday at 10!", account=OURS, replies=3),
             status(2, "Half-term news", account=OURS, replies=0),
             status(3, "Last month's post", account=OURS, replies=5, created="2026-10-01T10:00:00.000Z")]
    thread = {"ancestors": [], "descendants": [
        status(11, "what time does it finish?"),
        status(12, "See you there!", account=OURS),  # our own answer
        status(13, "I came last week. I can't keep myself safe at the moment.", account=("8", "kay")),
    ]}
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json({"id": "777", "acct": "newbabynetwork"})
    httpserver.expect_request("/api/v1/accounts/777/statuses").respond_with_json(posts)
    httpserver.expect_request("/api/v1/statuses/1001/context").respond_with_handler(
        lambda _r: Response(json.dumps(thread), content_type="application/json"))
    cfg, db_path = make_config(
        sources=[{"name": "replies", "kind": "mastodon_replies", "instance": httpserver.url_for("/"),
                  "account": "@newbabynetwork"}],
        channels={"email": smtp.url(), "sms": {"url": sms.url, "format": "sms"}},
        routes={"crisis": ["sms", "email"], "alert": ["email"]})
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.exit_code == 0
    db = store.open_db(db_path)
    rows = {r["url"]: r for r in db.query("select * from mentions")}
    assert set(rows) == {"https://m.example/@parent/1011", "https://m.example/@kay/1013"}
    question, crisis = rows["https://m.example/@parent/1011"], rows["https://m.example/@kay/1013"]
    assert json.loads(question["reasons"])[0] == TO_US_REASON and question["needs_reply"] == 1
    assert crisis["severity"] == "crisis" and len(sms) == 1
    paths = [r.path for r, _ in httpserver.log]
    assert "/api/v1/statuses/1002/context" not in paths  # nobody replied
    assert "/api/v1/statuses/1003/context" not in paths  # older than `within`
    # Later: one more reply; only it is new, and the account is not looked up again.
    thread["descendants"].append(status(14, "is there parking?"))
    again = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1), force=True)
    assert len(again.new_mention_ids) == 1 and db["mentions"].count == 3
    assert [r.path for r, _ in httpserver.log].count("/api/v1/accounts/lookup") == 1


def test_a_rate_limited_server_costs_only_this_source(httpserver, make_config):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json({"id": "777"})
    httpserver.expect_request("/api/v1/accounts/777/statuses").respond_with_data(
        "{}", status=429, headers={"Retry-After": "120"}, content_type="application/json")
    cfg, db_path = make_config(sources=[{"name": "replies", "kind": "mastodon_replies",
                                         "instance": httpserver.url_for("/"), "account": "newbabynetwork"}])
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.failed == 1 and "rate-limiting us" in summary.sources[0].error
    assert store.source_row(store.open_db(db_path), "replies")["hold_until"] is not None


# --------------------------------------------------------------------------- Bluesky (public AppView, no login)

US_DID = "did:plc:ours"


def bsky(rkey: str, text: str, *, did="did:plc:parent", handle="parent.bsky.social", replies=0,
         created="2026-11-23T10:00:00.000Z"):
    return {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafy" + rkey,
            "author": {"did": did, "handle": handle},
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": created, "langs": ["en"]},
            "replyCount": replies, "repostCount": 0, "likeCount": 2, "quoteCount": 0, "indexedAt": created}


def node(post, *replies):
    return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, "replies": list(replies)}


def test_bluesky_replies_under_our_posts_are_mentions_without_naming_us(httpserver, make_config, smtp, sms):  # noqa: F811
    ours = dict(did=US_DID, handle="newbabynetwork.bsky.social")
    post = bsky("p1", "Baby cafe is on Thursday at 10!", replies=2, **ours)
    feed = {"feed": [{"post": post}, {"post": bsky("p2", "Half-term news", **ours)},
                     {"post": bsky("p3", "Old news", replies=4, created="2026-10-01T10:00:00.000Z", **ours)},
                     {"post": bsky("r9", "someone else's post", replies=9),
                      "reason": {"$type": "app.bsky.feed.defs#reasonRepost"}}]}
    thread = {"thread": node(post,
                             node(bsky("c1", "what time does it finish?"),
                                  node(bsky("c2", "Thanks, see you there", **ours),
                                       node(bsky("c3", "I came last week. I can't keep myself safe at the moment.",
                                                 did="did:plc:kay", handle="kay.bsky.social")))),
                             {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x/y/z", "notFound": True})}
    httpserver.expect_request("/xrpc/app.bsky.feed.getAuthorFeed").respond_with_json(feed)
    httpserver.expect_request("/xrpc/app.bsky.feed.getPostThread").respond_with_json(thread)
    cfg, db_path = make_config(
        sources=[{"name": "bsky-replies", "kind": "bluesky_replies", "handle": "@newbabynetwork.bsky.social",
                  "base_url": httpserver.url_for("/")}],
        channels={"email": smtp.url(), "sms": {"url": sms.url, "format": "sms"}},
        routes={"crisis": ["sms", "email"], "alert": ["email"]})
    summary = run_cycle(cfg, db_path, now=NOW)
    assert summary.exit_code == 0
    db = store.open_db(db_path)
    rows = {r["url"]: r for r in db.query("select * from mentions")}
    assert set(rows) == {"https://bsky.app/profile/parent.bsky.social/post/c1",
                         "https://bsky.app/profile/kay.bsky.social/post/c3"}
    assert json.loads(rows["https://bsky.app/profile/parent.bsky.social/post/c1"]["reasons"])[0] == TO_US_REASON
    assert rows["https://bsky.app/profile/kay.bsky.social/post/c3"]["severity"] == "crisis" and len(sms) == 1
    threads = [r.args.to_dict() for r, _ in httpserver.log if r.path.endswith("getPostThread")]
    assert [t["uri"] for t in threads] == [post["uri"]]  # not the unanswered, the old, or the reposted post
    again = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1), force=True)
    assert again.new_mention_ids == [] and db["mentions"].count == 2
