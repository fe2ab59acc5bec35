"""What ``bluesky_search`` and ``bluesky_replies`` share: one Bluesky post (an AppView ``PostView``) as an Item.

Fields relied on: uri (``at://did/app.bsky.feed.post/rkey``), author.handle / author.did,
record.text, record.createdAt, record.langs, indexedAt, and the like/repost/reply/quote counts.
"""

from __future__ import annotations

from .base import Item, parse_time


def post_item(source: str, post: dict, *, to_us: bool = False) -> Item:
    """``to_us``: the post was written to us (a reply under one of our own posts)."""
    record = post.get("record") or {}
    author = post.get("author") or {}
    rkey = str(post.get("uri", "")).rsplit("/", 1)[-1]
    handle = author.get("handle") or author.get("did") or ""
    langs = record.get("langs")
    return Item(
        source=source, item_id=str(post.get("uri")), url=f"https://bsky.app/profile/{handle}/post/{rkey}",
        title="", text=str(record.get("text") or "")[:20000], author=str(handle)[:200],
        published=parse_time(record.get("createdAt") or post.get("indexedAt")),
        language=",".join(str(x) for x in langs)[:20] if isinstance(langs, list) else "",
        reach={"likes": int(post.get("likeCount") or 0), "reposts": int(post.get("repostCount") or 0),
               "replies": int(post.get("replyCount") or 0), "quotes": int(post.get("quoteCount") or 0)},
        to_us=to_us,
    )
