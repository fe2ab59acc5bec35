"""Is it us? Short forms that never write our name (issue 15, round 20, ``monitor/identity/shortforms.py``): "the baby
network", "the network" beside one of our places, "the Middleham one", a product's distinctive short form ("Gurgles"):
read, unsure, at watch at most (a crisis at alert at most); generic words and other networks are not."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from monitor import config as config_mod
from monitor.analyse import Analyser
from monitor.identity import shortforms

from .conftest import SHIPPED, assert_place_makes_it_us, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
LETCHWORTH = (["Garden City Gurgles", "the Bib Bank", "Hug and Hold", "the Kipper Crate", "Surf and Swaddle bags"],
              ["Letchworth Garden City", "Baldock", "Royston", "Ashwell", "Knebworth", "Codicote"])
EASTER_ROSS = (["Firth Friends", "the Cromarty Crate", "Bairn Carry", "Kirrie Carry"],
               ["Invergordon", "Tain", "Cromarty", "Fortrose", "Avoch", "Evanton", "Dornoch"])
RICHMONDSHIRE = (["Swaledale Snuggles", "the Dales Drawer", "Hold Me Tight", "Little Ewe bags"],
                 ["Richmond", "Catterick Garrison", "Leyburn", "Hawes", "Reeth", "Colburn", "Middleham", "Scorton"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("short"), sources=SOURCES), environ={})


def test_a_products_short_form_is_its_last_uncommon_word():
    shorts = shortforms.short_words(*LETCHWORTH)
    if not shortforms.everyday_words():
        pytest.skip("the encoder package (its vocabulary says which words are everyday ones) is not installed")
    # "Crate", "Bank", "Hold" are everyday words; "Swaddle" is the name before "bags"; "Gurgles" is nobody's word
    assert shorts == {"gurgles": "Garden City Gurgles", "swaddle": "Surf and Swaddle bags"}
    assert shortforms.short_words(["Swaledale Snuggles", "the Dales Drawer", "Snuggles"], ["Snuggles"]) == {}


@pytest.mark.parametrize("profile,body,found", [
    (RICHMONDSHIRE, "When I had my second I signed up for the home visits from the baby network in Richmond.",
     "'the baby network', with our place Richmond"),
    (RICHMONDSHIRE, "Anyone else think the baby network has gone a bit corporate? Forms before a brew at the café now.",
     "'the baby network', with words of our work"),
    (RICHMONDSHIRE, "The network café in Scorton village hall is the highlight of my week.",
     "'The network', with our place Scorton"),
    (RICHMONDSHIRE, "Went to the Middleham one twice now. Volunteers fine but it's gone a bit cliquey.",
     "'the Middleham one', one of our places"),
    (RICHMONDSHIRE, "Went to the baby café in Richmond on my own with him for the first time.",
     "'baby café in Richmond', one of our places"),
    (RICHMONDSHIRE, "Since the new coordinator took over the Catterick session the volunteers seem rushed.",
     "'the Catterick session', one of our places"),  # a place's first word ("Catterick Garrison")
    (RICHMONDSHIRE, "Middleham races on Saturday, the baby loved the horses", None),  # our place alone is not us
    (RICHMONDSHIRE, "Not being funny but the volunteers at Snuggles spend half the session chatting in the kitchen.",
     "'Snuggles', short for our product 'Swaledale Snuggles'"),
    (LETCHWORTH, "EXPLOSION at Gurgles this morning, up the back and onto the volunteer's lap. Sorry Pam.",
     "'Gurgles', short for our product 'Garden City Gurgles'"),
    # what is not found: a capitalised "Baby Network" (a name of its own), "... of cousins", another network
    (RICHMONDSHIRE, "Grampian Baby Network breastfeeding peer supporters training starts in Richmond.", None),
    (RICHMONDSHIRE, "the baby network of cousins in Richmond is now at 9 under-5s", None),
    (RICHMONDSHIRE, "The baby network camera we got for the nursery keeps dropping off the wifi.", None),
    (RICHMONDSHIRE, "Power restored to 400 homes in Hawes after storm damage to the network. New baby named Storm.",
     None),
    (RICHMONDSHIRE, "the network is down again, can't even get the baby's photos to load", None),  # no place of ours
    (RICHMONDSHIRE, "a new baby network of friends from the antenatal class", None),  # the matcher's, not ours
    (LETCHWORTH, "Bought the baby a crate for his toys in Royston", None),  # a generic word of a product
    (LETCHWORTH, "Gurgles Pet Hotel in Royston looked after the dog while the baby was in hospital", None),
    (LETCHWORTH, "Gurgles and giggles from the baby at the Leeds soft play", None),  # another town, none of ours
    (LETCHWORTH, "Garden City Gurgles Ltd fixed our boiler", None),  # the whole name, which ``alone`` turned down
    # round 21 (``shortforms._round21``)
    (EASTER_ROSS, "Day 2 of the trial wrap and the baby is napping in it already #kirriecarry",
     "'#kirriecarry', our product 'Kirrie Carry'"),
    (EASTER_ROSS, "Dropped two bags of baby clothes at the Crate in Cromarty this morning, lovely volunteers.",
     "'the Crate', short for our product 'the Cromarty Crate', with our place Cromarty"),
    (EASTER_ROSS, "The lady from that baby charity who visits round Evanton was lovely with the twins.",
     "'that baby charity', with our place Evanton"),
    (EASTER_ROSS, "Can someone tell the baby charity lot their volunteer posted the visit rota in the village group?",
     "'the baby charity', with words of our work"),
    (EASTER_ROSS, "Tain group is great but it's got so busy, 25 babies in one room.", "'Tain group', one of our places"),
    (EASTER_ROSS, "Huge thanks to everyone at the Monday group in Tain, you made me feel human again.",
     "'the Monday group in Tain', one of our places"),
    (EASTER_ROSS, "I can't tell the network lot, they'll take the baby off me.", "'the network lot'"),
    (EASTER_ROSS, "can't sleep. the baby network lady said to message but its 3am", "'the baby network lady'"),
    (EASTER_ROSS, "apparently the new coordinator at the baby network is one of the directors' sisters", "'at the baby network'"),
    # what is not read: a bare common word, another group named in capitals, our place without a group of ours
    (EASTER_ROSS, "Someone told me the Crate is only for people on benefits now.", None),  # none of our places
    (EASTER_ROSS, "the Crate Bar in Cromarty has a new menu, baby changing in the loos", None),  # another thing's name
    (EASTER_ROSS, "Is the Tain Bump Club group on this week? The baby needs a run about.", None),  # another group's own name
    (EASTER_ROSS, "Great Yarmouth Mums Network admin is deleting posts. Not the baby charity, the Facebook group.", None),
    (EASTER_ROSS, "Tain golf club AGM on Thursday, the bar will be open", None),  # our place, no group of ours
    (EASTER_ROSS, "Welcome to the newest baby in the network team at work, Callum, who broke the printer", None),
    (EASTER_ROSS, "the baby network camera from the shop keeps dropping off", None),  # a gadget
])
def test_short_forms_found_where_the_profile_makes_them_ours(cfg, profile, body, found):
    if "short for" in (found or "") and not shortforms.everyday_words():
        pytest.skip("the encoder package is not installed")
    an = Analyser(cfg, [])
    an.identity.set_products(profile[0])
    an.identity.set_places(profile[1])
    a = an.analyse("", body)
    if found is None:
        assert a is None, body
        return
    assert a is not None, body
    assert a.reasons[0] == f"mentions us without our name: {found}"
    if assert_place_makes_it_us(an, body):  # round 29: with one of our places in the text it is us
        assert an.last_identity.reason.startswith(f"it is us: {found}"), an.last_identity
        return
    assert an.last_identity.verdict == "unsure" and an.last_identity.reason.startswith(f"maybe us: {found}")
    assert a.severity in ("info", "watch")  # unsure: watch at most


def test_a_crisis_written_with_a_short_form_is_kept_at_alert_at_most(cfg):
    an = Analyser(cfg, [])
    an.identity.set_products(RICHMONDSHIRE[0])
    an.identity.set_places(RICHMONDSHIRE[1])
    body = "Went to the snuggles group today. I want to kill myself, I cannot do this any more."
    a = an.analyse("", body)
    assert a is not None and an.last_identity.verdict == "unsure"
    assert a.severity == "alert" and "kept at alert at most (a crisis)" in a.reasons[1]  # never an SMS
    assert an.analyse("", body.replace("the snuggles group", "the New Baby Network group")).severity == "crisis"
    # round 29: with one of our places in the text it is us, so a crisis by text message
    a = an.analyse("", body.replace("group today", "group in Reeth today"))
    assert an.last_identity.verdict == "us" and a.severity == "crisis", a.reasons


def test_a_run_reads_the_baby_network_without_products_listed(tmp_path, httpserver, make_config):
    """End to end (a real SQLite file): the worker's first look lets "the baby network in <our place>" through even
    when the profile lists no products, and the mention is stored (since round 29 as us: our place Hawes is in the
    text), here at info: praise."""
    from monitor import store
    from monitor.pipeline import run_cycle

    from .conftest import NOW, rss

    post = {"title": "Home visits", "link": "https://forum.example.org/t/1",
            "description": "The lady from the baby network who came for a home visit in Hawes was lovely, she "
                           "showed me how to wind him."}
    httpserver.expect_request("/f").respond_with_data(rss(post), content_type="application/rss+xml")
    org = json.loads(json.dumps(SHIPPED["organisation"]))
    org["profile"]["products"] = []
    org["profile"]["places"] = ["Hawes", "Richmond"]
    sources = [{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}]
    cfg, db_path = make_config(organisation=org, sources=sources)
    (mid,) = run_cycle(cfg, db_path, now=NOW).new_mention_ids
    row = next(store.open_db(db_path).query("select * from mentions where id = ?", [mid]))
    assert row["severity"] in ("info", "watch")
    assert "mentions us without our name: 'the baby network', with our place Hawes" in row["reasons"]
    assert "it is us: 'the baby network', with our place Hawes" in row["reasons"]
    httpserver.clear()
    other = dict(post, link="https://forum.example.org/t/2",
                 description="Power restored to 400 homes in Hawes after storm damage to the network.")
    httpserver.expect_request("/f").respond_with_data(rss(other), content_type="application/rss+xml")
    assert run_cycle(cfg, db_path, now=NOW + timedelta(hours=1)).new_mention_ids == []


def test_the_workers_first_look_reads_a_short_form_without_compiling(tmp_path):
    """``analyse_worker._could_name_us`` lets "the Middleham one" through when the profile lists no products, without
    compiling the analyser; a text naming our place without one of the short forms stays out."""
    from types import SimpleNamespace

    from monitor.analyse_worker import Deferred, _could_name_us

    org = json.loads(json.dumps(SHIPPED["organisation"]))
    org["profile"]["products"] = []
    org["profile"]["places"] = ["Middleham", "Hawes"]
    cfg = config_mod.load(write_config(tmp_path, organisation=org, sources=SOURCES), environ={})
    lazy = Deferred(cfg, list)
    one = SimpleNamespace(title="", text="Went to the Middleham one twice, volunteers lovely with the baby", to_us=False)
    races = SimpleNamespace(title="", text="Middleham races on Saturday, the baby loved the horses", to_us=False)
    assert _could_name_us(lazy, one) and lazy._compiled is None
    assert not _could_name_us(lazy, races) and lazy._compiled is None
    assert Analyser(cfg, []).analyse("", races.text) is None
    a = Analyser(cfg, []).analyse("", one.text)
    assert a is not None and a.reasons[0] == "mentions us without our name: 'the Middleham one', one of our places"
