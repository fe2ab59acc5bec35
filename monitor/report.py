"""Tables for people: what ``monitor mentions`` and the demo print."""

from __future__ import annotations

import textwrap

from .clock import for_people


def _clip(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def why(row: dict) -> str:
    """Categories with the words that fired, else the sentiment: the short 'why' of a mention."""
    cats = row.get("categories") or {}
    if cats:
        return "; ".join(f"{name}: {', '.join(words)}" for name, words in cats.items())
    judgement = row.get("judgement") or {}
    if judgement.get("driving_sentence") and (judgement.get("model") or {}).get("drove"):
        families = ", ".join(judgement.get("families") or []) or "model"
        return f"{families}: \"{judgement['driving_sentence']}\""
    return f"sentiment {row.get('targeted_sentiment', 0):+.2f}"


def mentions_table(rows: list[dict], tz: str = "Europe/London") -> str:
    from tabulate import tabulate

    table = [
        [
            r["id"],
            r["severity"].upper() if r["severity"] in ("alert", "crisis") else r["severity"],
            _clip(r.get("sources"), 24),
            "\n".join(textwrap.wrap(_clip(r.get("title") or r.get("snippet"), 90), 45)),
            "\n".join(textwrap.wrap(_clip(why(r), 90), 40)),
            for_people(r.get("first_seen"), tz)[4:-4],
        ]
        for r in rows
    ]
    return tabulate(table, headers=["id", "severity", "source", "title", "why", "first seen"], tablefmt="simple_grid")


def source_lines(summary) -> list[str]:
    """One line per source for a run: what happened and why."""
    lines = []
    for s in sorted(summary.sources, key=lambda s: s.name):
        detail = {
            "new": f"{s.entries} entries, {len(s.new_ids)} new mentions",
            "not_modified": "unchanged (304 Not Modified)",
            "unchanged": "unchanged (same content as last time)",
            "not_due": "not due yet",
            "disabled": f"disabled{': ' + s.error if s.error else ''}",
        }.get(s.outcome, f"FAILED: {s.error}")
        if s.warning:
            detail += f" (warning: {s.warning})"
        lines.append(f"  {s.name:<22} {detail}")
    return lines


def alerts_table(rows: list[dict], tz: str = "Europe/London") -> str:
    from tabulate import tabulate

    table = []
    for r in rows:
        status = r["status"]
        if status == "acked":
            status = f"acked {for_people(r['acked_at'], tz)[4:-4]}" + (f" by {r['acked_by']}" if r.get("acked_by") else "")
        elif r.get("status_reason"):
            status = f"{status}: {r['status_reason']}"
        table.append([
            r["id"], r["severity"].upper() if r["severity"] in ("alert", "crisis") else r["severity"], r["rule"],
            "\n".join(textwrap.wrap(_clip(r.get("title"), 80), 40)), r.get("mentions") or "",
            "\n".join(textwrap.wrap(r.get("deliveries") or "-", 24)), "\n".join(textwrap.wrap(status, 30)),
            for_people(r["created"], tz)[4:-4],
        ])
    return tabulate(table, headers=["id", "severity", "rule", "title", "mentions", "deliveries", "status", "created"],
                    tablefmt="simple_grid")


def sources_table(rows: list[dict], tz: str = "Europe/London") -> str:
    import json

    from tabulate import tabulate

    def when(v):
        return for_people(v, tz)[4:-4] if v else "-"

    table = []
    for r in rows:
        state = "ok"
        if r.get("configured") != "yes":
            state = r["configured"]
        elif not r.get("enabled", 1):
            state = f"DISABLED: {r.get('disabled_reason')}"
        elif r.get("consecutive_failures"):
            state = f"failing x{r['consecutive_failures']}"
        elif not r.get("last_success"):
            state = "never polled"
        cursor = r.get("cursor") or ""
        try:
            shown = {k: v for k, v in json.loads(cursor).items() if k != "session"} if cursor else {}
            cursor = ", ".join(f"{k}={v}" for k, v in shown.items())
        except ValueError:
            pass
        if r.get("moved_to"):
            cursor = (cursor + " " if cursor else "") + f"moved to {r['moved_to']} (update feeds.yaml)"
        table.append([
            r["name"], r.get("kind"), state, when(r.get("last_success")),
            "\n".join(textwrap.wrap(_clip(r.get("last_error"), 80), 40)) or "-",
            when(r.get("next_poll")) if not r.get("hold_until") else f"held to {when(r['hold_until'])}",
            r.get("items_seen") or 0, "\n".join(textwrap.wrap(_clip(cursor, 60), 30)) or "-",
        ])
    return tabulate(table, headers=["source", "kind", "state", "last success", "last error", "next poll",
                                    "items seen", "cursor"], tablefmt="simple_grid")
