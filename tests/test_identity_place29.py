"""Is it us? A product of ours, or a short form naming our work, together with one of our places outside the product's
own name is us, not unsure (round 29, ``decide.place_with``): the cap "kept at watch at most" no longer holds a
complaint about the Tar Bar'l Box in Allendale back from the directors' email. Graded with the shipped feeds.yaml,
the committed is-it-us check and a stub judgement model that reads an alert whatever the text."""

from __future__ import annotations

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


def _analyse(body: str, alert: float = 0.9):
    an = Analyser(CFG, model=_Heads(0.99, alert, 0.05, complaint=0.9, fraud=0.9))
    an.identity.set_places(PLACES, area="the Allen valleys")
    an.identity.set_products(PRODUCTS)
    return an.analyse("", body), an.last_identity


def test_our_product_with_our_place_is_us_and_reaches_the_directors():
    a, d = _analyse(COMPLAINT.format(where="in Allendale "))
    assert d.verdict == "us", d
    assert d.reason == "it is us: our product 'Tar Bar'l Box' and our place Allendale in the text"
    assert a.severity == "alert", a.reasons
    assert not any("at most" in r for r in a.reasons), a.reasons


def test_our_product_without_a_place_of_ours_stays_unsure_at_watch():
    a, d = _analyse(COMPLAINT.format(where=""))
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
