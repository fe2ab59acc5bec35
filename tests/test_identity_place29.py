"""Is it us? A product of ours, or a short form naming our work, together with one of our places outside the product's
own name is us, not unsure (round 29, ``decide.place_with``): the cap "kept at watch at most" no longer holds a
complaint about the Tar Bar'l Box in Allendale back from the directors' email. Graded with the shipped feeds.yaml,
the committed is-it-us check and a stub judgement model that reads an alert whatever the text."""

from __future__ import annotations

from datetime import timedelta

from monitor import config
from monitor.analyse import Analyser

from .conftest import REPO
from .test_crisis_backing import _Heads

ENV = {"MONITOR_EMAIL_URL": "mailto://a@example.org", "MONITOR_SMS_URL": "json://127.0.0.1:9/"}
CFG = config.load(REPO / "feeds.yaml", environ=ENV)
PLACES = ["Allendale", "Allenheads", "Catton", "Whitfield", "Carrshield"]
PRODUCTS = ["Allen Bairns", "the Tar Bar'l Box", "Hexhamshire Slings", "Catton Cuddles"]
COMPLAINT = ("Gave a nearly new car seat to the Tar Bar'l Box swap {where}so it could go to a family who needed it, "
             "then saw the same seat for sale on Marketplace a week later. Not impressed at all.")


def analyse_in(world: tuple, body: str, alert: float = 0.9, **families):
    """(the analysis, the is-it-us decision) of ``body`` in a labelled file's world ``(places, products, area)``,
    graded by a stub model that reads ``alert`` and the given families whatever the text."""
    places, products, area = world
    an = Analyser(CFG, model=_Heads(0.99, alert, 0.05, **(families or {"complaint": 0.9, "fraud": 0.9})))
    an.identity.set_places(places, area=area)
    an.identity.set_products(products)
    return an.analyse("", body), an.last_identity


def _analyse(body: str, alert: float = 0.9):
    return analyse_in((PLACES, PRODUCTS, "the Allen valleys"), body, alert)


def test_our_product_with_our_place_is_us_and_reaches_the_directors():
    a, d = _analyse(COMPLAINT.format(where="in Allendale "))
    assert d.verdict == "us", d
    assert d.reason == "it is us: our product 'Tar Bar'l Box' and our place Allendale in the text"
    assert a.severity == "alert", a.reasons
    assert not any("at most" in r for r in a.reasons), a.reasons


def test_our_product_without_a_place_of_ours_stays_unsure_at_watch():
    # without words of our work beside it too (round 36: with them, "it is us": test_identity_round36)
    a, d = _analyse("Gave a nearly new car seat to the Tar Bar'l Box swap, then saw the same seat for sale on "
                    "Marketplace a week later. Not impressed at all.")
    assert d.verdict == "unsure" and d.reason.endswith("kept at watch at most"), d
    assert a.severity == "watch", a.reasons


def test_a_place_inside_the_products_own_name_is_no_evidence():
    # "Catton Cuddles" names Catton because the product's name says so: not a text set in our area
    a, d = _analyse("Catton Cuddles is a lovely name for a soft toy range, ours arrived torn and the shop ignored me.")
    assert d.verdict == "unsure", d
    a, d = _analyse("Catton Cuddles at the hall in Whitfield was heaving today, a volunteer was rude to me.")
    assert d.verdict == "us" and "our place Whitfield" in d.reason, d


def test_a_short_form_naming_our_work_with_our_place_is_us_but_the_network_alone_is_not():
    a, d = _analyse("The Tuesday baby group in Allendale turned me away at the door, two buses with a pram for nothing.")
    assert d is not None and d.verdict == "us" and d.reason == "it is us: 'baby group in Allendale', one of our places", d
    assert a.severity == "alert", a.reasons
    a, d = _analyse("Another new baby lamb at the farm in Catton this morning. The network of hedges kept the wind off.")
    assert d is None or d.verdict != "us", d


def profiled_run(make_config, httpserver, smtp, monkeypatch, products, places):
    """(config, database path) for end-to-end runs: the shipped organisation with ``products`` and ``places`` in its
    profile, one RSS feed at the loopback server's /f, alerts and crises by email to the real SMTP server."""
    import json

    from monitor import notify

    from .conftest import SHIPPED

    org = json.loads(json.dumps(SHIPPED["organisation"]))
    org["profile"]["products"], org["profile"]["places"] = list(products), list(places)
    monkeypatch.setattr(notify, "SEND_INTERVAL", 0)
    return make_config(organisation=org, sources=[{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}],
                       channels={"email": smtp.url()}, routes={"crisis": ["email"], "alert": ["email"]})


def one_post_run(cfg, db_path, httpserver, smtp, n: int, title: str, body: str, severity: str, alerts: int):
    """The stored row of one post served as the feed's only entry and read by a run ``n`` hours after NOW: stored at
    ``severity``, with ``alerts`` new alerts and as many emails (0 or 1)."""
    from monitor import store
    from monitor.pipeline import run_cycle

    from .conftest import NOW, rss

    post = {"title": title, "link": f"https://forum.example.org/t/{n}", "description": body}
    httpserver.clear()
    httpserver.expect_request("/f").respond_with_data(rss(post), content_type="application/rss+xml")
    db = store.open_db(db_path)
    before, mails = db.execute("select count(*) from alerts").fetchone()[0], len(smtp.messages)
    (mid,) = run_cycle(cfg, db_path, now=NOW + timedelta(hours=n)).new_mention_ids
    db = store.open_db(db_path)
    row = next(db.query("select * from mentions where id = ?", [mid]))
    assert row["severity"] == severity, row["reasons"]
    assert db.execute("select count(*) from alerts").fetchone()[0] - before == alerts
    assert len(smtp.messages) - mails == alerts
    return row


def test_a_run_stores_our_product_in_our_place_as_an_alert_and_emails_it(httpserver, make_config, smtp, monkeypatch):
    """End to end (a real feed over loopback, a real SQLite file, the committed models): the complaint about our swap
    shop in our own village is stored as ours and emailed to the directors (a real SMTP server, real apprise); the
    same post without the village waits at watch, unsure, and sends nothing."""
    # no word of our work (a baby, a family, a volunteer...) besides the product's name: round 36 reads such a word
    # beside our product's own name as us (test_identity_round36)
    body = ("Gave a nearly new Cybex car seat to the Tar Bar'l Box swap{where} in January so it could go to someone who "
            "needed it. Two weeks later the same seat was for sale on Marketplace by one of the organisers. Disgusted, "
            "where is the stuff we give actually going?")
    cfg, db_path = profiled_run(make_config, httpserver, smtp, monkeypatch, PRODUCTS, PLACES)
    for n, (where, severity, alerts) in enumerate(((" in Allendale", "alert", 1), ("", "watch", 0))):
        row = one_post_run(cfg, db_path, httpserver, smtp, n, "Donated, then saw it for sale", body.format(where=where),
                           severity, alerts)
        if alerts:
            assert "Tar Bar'l Box" in smtp.messages[-1].get_body(preferencelist=("plain", "html")).get_content()
        said = ("it is us: our product 'Tar Bar'l Box' and our place Allendale in the text" if where
                else "maybe us: it names our product 'Tar Bar'l Box', not our name; kept at watch at most")
        assert said in row["reasons"], row["reasons"]


def test_one_correction_keeps_a_namesake_of_our_product_out(httpserver, make_config, smtp, monkeypatch):
    """A seafood bar called "Sea Legs" on Llandudno's prom, when our sling library is "Sea Legs" and we work in
    Llandudno: its first review reaches the directors (our product and our place); after one "not about us" the next
    post about the bar stays out (no row, no email), `monitor check` shows what was learned, and a post about our
    sling library still comes in."""
    from click.testing import CliRunner

    from monitor import store, triage
    from monitor.cli import cli
    from monitor.pipeline import run_cycle

    from .conftest import NOW, rss

    bar1 = {"title": "Sea Legs seafood bar, Llandudno promenade", "link": "https://reviews.example.org/r/1",
            "description": "1 star. Sea Legs on the prom gave me and my husband food poisoning. Up all night. "
                           "Mussels were off, I said so and the waiter laughed. Disgusted."}
    bar2 = {"title": "Avoid Sea Legs seafood bar", "link": "https://reviews.example.org/r/2",
            "description": "Sea Legs seafood bar in Llandudno served us prawns that smelt of bleach. Manager refused a "
                           "refund and shouted at my mum. Never again."}
    ours = {"title": "Sea Legs", "link": "https://forum.example.org/t/9",
            "description": "Borrowed a carrier from the Sea Legs sling library in Llandudno, the buckle snapped with "
                           "the baby in it and nobody has replied to my three emails. Disgusted."}
    cfg, db_path = profiled_run(make_config, httpserver, smtp, monkeypatch, ["Sea Legs sling library", "Bay Babies"], ["Llandudno", "Conwy", "Deganwy"])
    httpserver.expect_request("/f").respond_with_data(rss(bar1), content_type="application/rss+xml")
    (mid,) = run_cycle(cfg, db_path, now=NOW).new_mention_ids
    assert len(smtp.messages) == 1  # the namesake reached the directors: our product's name and our place
    db = store.open_db(db_path)
    triage.mark(db, mid, "false_positive", NOW + timedelta(minutes=5), "not us: a seafood bar")
    db.conn.close()
    out = CliRunner().invoke(cli, ["--config", str(cfg.path), "--db", str(db_path), "check"]).output
    assert f"mention {mid}:" in out and "learned namesakes (1" in out

    httpserver.clear()
    httpserver.expect_request("/f").respond_with_data(rss(bar2, ours), content_type="application/rss+xml")
    second = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1))
    stored = {r["url"]: r for r in store.open_db(db_path).query("select * from mentions")}
    assert bar2["link"] not in stored and len(second.new_mention_ids) == 1  # the same namesake stays out
    assert stored[ours["link"]]["severity"] in ("alert", "crisis")  # our sling library still reaches a director
    assert "it is us: our product 'Sea Legs' and our place Llandudno in the text" in stored[ours["link"]]["reasons"]
    assert len(smtp.messages) == 2 and "bleach" not in str(smtp.messages[-1])
