"""Is it us? Round 30 (issue 15): two ways a true mention was never a candidate on the newest writers' files.

- A look-alike of our handle ("@newbabynetwork_solway") in a post that names one of our places (outside the handle) or
  one of our products is someone passing as us where we work: us (``place_evidence.lookalike_decision``). Until now it
  was read only when the text doubted the handle ("is it actually them?") and then held unsure at watch.
- A word of four or more capitals right after our product's name is shouted, not a longer name ("Lakeside Littlies
  SHOUTED at my 3 year old", "Cerney Carriers MELTDOWN"; ``products.Products.alone``); "Ltd", "CAFE" or an initialism
  of three capitals still make it another thing.

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model that reads an alert
whatever the text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.analyse import Analyser

from .test_crisis_backing import _Heads
from .test_identity_place29 import CFG, analyse_in, profiled_run  # the shipped feeds.yaml, secrets set to harmless values
PLACES = ["Wigton", "Silloth", "Aspatria", "Abbeytown", "Kirkbride"]
PRODUCTS = ["Solway Sprogs", "the Silloth Green Box", "Holme Cultram Slings", "Little Natterjack bags"]
FAKE = ("Anyone know if {handle} on insta is legit?? They're selling baby bags for £25 + postage, saying profits go "
        "to the charity.{tail} Their account is only 2 weeks old")


def _analyse(body: str):
    return analyse_in((PLACES, PRODUCTS, "the Solway plain"), body, complaint=0.9, impersonation=0.9)


def test_a_look_alike_handle_with_our_place_is_us_and_reaches_the_directors():
    a, d = _analyse(FAKE.format(handle="@newbabynetwork_solway", tail=" I thought the bags were free from the Wigton "
                                                                     "charity?"))
    assert d.verdict == "us", d
    assert d.reason == ("it is us: a look-alike of our handle (@newbabynetwork_solway) in a post naming our place "
                        "Wigton: someone may be passing as us")
    assert a.severity == "alert", a.reasons
    assert a.reasons[0] == "look-alike of our name: @newbabynetwork_solway"


def test_a_look_alike_handle_with_our_product_is_us():
    a, d = _analyse(FAKE.format(handle="@newbabynetworkofficial", tail=" Same bags as the Solway Sprogs ones?"))
    assert d.verdict == "us" and "our product 'Solway Sprogs'" in d.reason, d


def test_a_look_alike_alone_stays_out_but_one_naming_our_place_inside_the_handle_is_us():
    a, d = _analyse(FAKE.format(handle="@newbabynetwork_guest", tail=""))
    assert a is None and d is None
    # the handle names Silloth, the text does not: round 30 kept it out; since round 37 (t185's writer labelled
    # "newbabynetwork_saltburn" selling our free boxes' contents an alert about us) our place in the handle is
    # someone passing as us where we work (test_identity_round37)
    a, d = _analyse(FAKE.format(handle="@newbabynetwork_silloth", tail=""))
    assert d.verdict == "us" and d.reason.endswith("with our place Silloth in it: someone may be passing as us"), d


def test_a_doubted_look_alike_without_our_place_stays_unsure_as_before():
    a, d = _analyse("is @newbabynetwork_support legit? They asked for my NHS number so they can refer me. Feels off.")
    assert d.verdict == "unsure" and d.reason.endswith("kept at watch at most"), d
    assert "that the text doubts ('Feels off')" in d.reason and "passing as us" not in d.reason


def test_a_shouted_word_after_our_product_does_not_make_it_another_name():
    an = Analyser(CFG, model=_Heads(0.99, 0.9, 0.05, complaint=0.9))
    an.identity.set_places(["Cricklade", "South Cerney", "Fairford", "Lechlade", "Kempsford"], area="the Water Park")
    an.identity.set_products(["Lakeside Littlies", "the Thames Head Chest", "Cerney Carriers", "Little Grebe bags"])
    for body in ("One of the volunteers at Lakeside Littlies SHOUTED at my 3 year old in front of everyone.",
                 "Cerney Carriers MELTDOWN 🫠 every single one of the 30 slings is out on loan!"):
        assert an.analyse("", body) is not None, body  # us by its own name and a word of our work (round 36)
        assert " by its own name, with words of our work" in an.last_identity.reason, an.last_identity
    for body in ("Cerney Carriers LTD has gone into administration, owing suppliers thousands.",
                 "Cerney Carriers CAFE in Swindon: cold coffee, rude staff.",
                 "Cerney Carriers CIC runs the minibus to the hospital."):
        assert an.analyse("", body) is None, body


@pytest.mark.model  # graded as a run grades: the committed judgement model and the rules
def test_a_run_emails_a_look_alike_selling_as_us_in_our_town(httpserver, make_config, smtp, monkeypatch):
    """End to end (a real feed over loopback, a real SQLite file, the committed models, a real SMTP server driven by
    real apprise): the post about a look-alike account selling 'our' bags in our town is stored as ours and emailed;
    the same post without our town stays out."""
    from monitor import store
    from monitor.pipeline import run_cycle

    from .conftest import NOW, rss

    cfg, db_path = profiled_run(make_config, httpserver, smtp, monkeypatch, PRODUCTS, PLACES)
    tail = " I thought the new baby bags were free from the Wigton charity?"
    for n, (where, stored) in enumerate(((tail, True), ("", False))):
        post = {"title": "Is this account legit?", "link": f"https://forum.example.org/t/{n}",
                "description": FAKE.format(handle="@newbabynetwork_solway", tail=where)}
        httpserver.clear()
        httpserver.expect_request("/f").respond_with_data(rss(post), content_type="application/rss+xml")
        mails = len(smtp.messages)
        ids = run_cycle(cfg, db_path, now=NOW + timedelta(hours=n)).new_mention_ids
        assert len(ids) == int(stored)
        rows = list(store.open_db(db_path).query("select severity, reasons from mentions"))
        assert len(smtp.messages) - mails == int(stored), rows
        if stored:
            row = next(store.open_db(db_path).query("select * from mentions where id = ?", [ids[0]]))
            assert row["severity"] in ("alert", "crisis"), row["reasons"]
            assert "someone may be passing as us" in row["reasons"]
            assert "@newbabynetwork_solway" in smtp.messages[-1].get_body(preferencelist=("plain", "html")).get_content()


def test_our_products_own_name_is_no_other_group():
    """"the Cwtch Club" for our "Afan Cwtch Club": a product named without its place word is read (round 29b), and its
    own capitals ("... Club") no longer count as another group named in capitals (``shortforms.other_group``; t156 lost
    20 true mentions so); a group of someone else's in capitals still keeps the text out."""
    from monitor.identity.shortforms import other_group

    an = Analyser(CFG, model=_Heads(0.99, 0.9, 0.05, complaint=0.9))
    an.identity.set_places(["Cymmer", "Glyncorrwg", "Croeserw"], area="the Afan valley")
    an.identity.set_products(["Afan Cwtch Club", "Glyncorrwg Cwtch Bags"])
    body = "Has anybody seen Kirsty from Croeserw? She was at the Cwtch Club this morning and was not herself."
    assert an.analyse("", body) is not None and "'Cwtch Club', our product 'Afan Cwtch Club'" in an.last_identity.reason
    assert an.analyse("", "The Tyne Mums Club met at the Cwtch Club in Croeserw today, lovely session.") is None
    assert not other_group("at the Cwtch Club", ["Afan Cwtch Club"])
    assert not other_group("The Cwtch Club was shut", ["the Cwtch Club"])
    assert other_group("Tyne Mums Club and the Cwtch Club", ["Afan Cwtch Club"])
    assert other_group("the Cwtch Club", [])  # without our products, any such name is someone's


def test_a_profile_without_products_reads_our_work_by_our_area_in_the_run_too(tmp_path):
    """feeds.yaml's own profile lists places and no products: round 30's services beside a place ("the baby club down
    the gorge" for "the Severn gorge") are read there too, by the run's first look (``Deferred``, gated by
    ``short_form_hint``) as by the analyser; another town's baby club is not."""
    import json
    from types import SimpleNamespace

    from monitor import config
    from monitor.analyse_worker import Deferred, _could_name_us

    from .conftest import SHIPPED, write_config

    org = json.loads(json.dumps(SHIPPED["organisation"]))
    org["profile"]["products"] = []
    org["profile"]["places"] = ["Ironbridge", "Broseley", "Jackfield", "the Severn gorge"]
    cfg = config.load(write_config(tmp_path, organisation=org, sources=[
        {"name": "f", "kind": "rss", "url": "https://forum.example.org/f.rss"}]), environ={})
    for text, ours in (("Her fella won't let her bring the baby to the baby club down the gorge any more", True),
                       ("I asked the lady at the baby group in the gorge and she went all quiet", True),
                       ("The man who did my sling fitting in Broseley keeps messaging me late at night", True),
                       ("The baby club at St Mary's in Leeds has a new leader, lovely woman", False)):
        item = SimpleNamespace(title="", text=text, to_us=False)
        assert _could_name_us(Deferred(cfg, list), item) or not ours, text
        assert (Analyser(cfg).analyse("", text) is not None) == ours, text
