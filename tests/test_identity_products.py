"""Is it us? The charity's own named things (``organisation.profile.products``, issue 15 round 16): read from the
profile or a labelled file's sidecar, found with case and word boundaries, and evidence of us beside the name."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from monitor import config as config_mod
from monitor.analyse import Analyser
from monitor.cli import cli
from monitor.identity.products import read_products

from .conftest import REPO, SHIPPED, assert_place_makes_it_us, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
OURS = ["New Baby Network CIC", "New Baby Network", "NBN"]
PRODUCTS = ["The Small Hours podcast", "sling library", "welcome bags", "New Baby Network Preloved", "shop"]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("products"), sources=SOURCES), environ={})


@pytest.mark.parametrize("text,found", [
    ("NBN Small Hours ep 3 is out", "Small Hours"),  # the capitalised name, without its describing word
    ("SMALL HOURS is back next week", "SMALL HOURS"),  # in capitals
    ("a new episode of The Small Hours podcast", "Small Hours podcast"),
    ("up in the small hours again with the baby", None),  # an ordinary phrase: the capitals are the name
    ("Small hours are the worst", None),
    ("the Sling Library at the church hall", "Sling Library"),  # listed in lower case: any case
    ("my welcome bag came today", "welcome bag"),  # singular for plural
    ("Preloved rail at the café", "Preloved"),  # our name at the front is dropped
    ("preloved clothes from a stall", None),
    ("the shop is shut", None),  # one lower-case word is never found alone
    ("slingshot library", None),  # whole words only
])
def test_a_product_is_found_only_as_written(text, found):
    assert read_products(PRODUCTS, OURS).named(text) == found


def test_inside_the_sentence_that_names_us_a_product_is_found_in_any_case(cfg):
    prods = read_products(["The Four AM Club"], OURS)
    assert prods.named("new baby network podcast (four am club) is fine") is None
    assert prods.named("new baby network podcast (four am club) is fine", any_case=True) == "four am club"
    an = Analyser(cfg, [])
    an.identity.set_products(["The Four AM Club"])
    for body, found in (("new baby network podcast (four am club) is fine but every ep is over an hour", True),
                        ("Up at four am club night with the baby. New Baby Network is in the church hall", False),
                        ("Up at 4am. The Four AM Club, the New Baby Network podcast, is on", True)):
        sents = an.split("", body)
        mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
        assert bool(an.identity.product_named(sents, {i for i, m in mbs.items() if m}, mbs, [])) is found, body


def test_a_products_words_count_after_our_name():
    prods = read_products(PRODUCTS + ["Bumps & Babies (newsletter)"], OURS)
    assert {"podcast", "library", "bag", "bags", "preloved", "shop", "newsletter"} <= prods.words
    assert not {"new", "baby", "network", "the", "nbn"} & prods.words  # our own name is no product word
    assert not {"small", "hours", "sling", "welcome"} & prods.words  # what it is, not its other words
    assert prods.named("Bumps & Babies is out") == "Bumps & Babies"
    assert prods.after(["podcast", "ltd"]) == ["podcast"]
    assert read_products([], OURS).named("Small Hours") is None


def test_the_profile_lists_products_and_a_bad_one_gets_a_file_and_line_error(tmp_path):
    org = json.loads(json.dumps(SHIPPED["organisation"]))
    org["profile"]["products"] = ["The Small Hours podcast", "sling library"]
    (tmp_path / "good").mkdir()
    (tmp_path / "bad").mkdir()
    good = config_mod.load(write_config(tmp_path / "good", organisation=org, sources=SOURCES), environ={})
    assert good.organisation.profile.products == ["The Small Hours podcast", "sling library"]
    org["profile"]["products"] = ["New Baby Network", "x" * 70, "sling library"]
    path = write_config(tmp_path / "bad", organisation=org, sources=SOURCES)
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(path, environ={})
    text = str(err.value)
    assert "organisation.profile.products[0]: 'New Baby Network' names nothing of ours besides our name" in text
    assert "organisation.profile.products[1]: 'xxxx" in text and "is too long" in text
    assert "products[2]" not in text and f"{path}:" in text


def _decide(cfg, body, products):
    an = Analyser(cfg, [])
    an.identity.set_products(products)
    kept = an.analyse("", body)
    return kept, an.last_identity


TOTE = "Ordered a New Baby Network tote bag 3 weeks ago for my sister and it still hasn't arrived"


def test_our_product_beside_the_name_keeps_a_post_unsure_not_dropped(cfg):
    # round 15's new writers lost things of ours named like a product: the tote bag at 0.13, the podcast at 0.07-0.10
    kept, d = _decide(cfg, TOTE, [])
    assert kept is None and d.verdict == "not_us", d
    kept, d = _decide(cfg, TOTE, ["tote bags"])
    assert kept is not None and d.verdict == "unsure" and "it names our product 'tote bag'" in d.reason, d
    assert d.reason.endswith("kept at watch at most")
    kept, d = _decide(cfg, TOTE, ["sling library"])  # another product of ours: no evidence
    assert kept is None and d.verdict == "not_us"


def test_a_podcast_of_ours_after_the_name_is_our_word_not_a_namesakes(cfg):
    from monitor.identity import FEATURES

    body = "Just listened to the New Baby Network podcast episode on sleep, really good"
    an = Analyser(cfg, [])
    sents = an.split("", body)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, m in mbs.items() if m}
    other, ours = FEATURES.index("namesake word after name"), FEATURES.index("our word after name")
    for products, want in (([], (1.0, 0.0)), (["The Small Hours podcast"], (0.0, 1.0))):
        an.identity.set_products(products)
        x = an.identity.features(sents, mentioned, mbs)[0]
        assert (x[other], x[ours]) == want
    an.identity.set_products(None)
    assert an.identity.products == list(cfg.organisation.profile.products) == []


@pytest.mark.parametrize("body,short", [("NBN Small Hours episode 3 is out now", "NBN Small"),
                                        ("NBN Podcast episode 3 is out now", "NBN Podcast")])
def test_a_product_after_our_short_name_is_not_another_business(cfg, body, short):
    from monitor.identity.features import short_name_elsewhere

    an = Analyser(cfg, [])
    sents = an.split("", body)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, m in mbs.items() if m}
    if short == "NBN Podcast":  # without products, "Podcast" after "NBN" names a business (round 15)
        assert short_name_elsewhere(cfg, sents, mentioned, mbs) == "here names a business, 'NBN Podcast'"
    words = read_products(["The Small Hours podcast"], OURS).words
    assert short_name_elsewhere(cfg, sents, mentioned, mbs, words) is None
    kept, d = _decide(cfg, body, ["The Small Hours podcast"])
    assert kept is not None and d.verdict == "unsure" and "names our product" in d.reason, d


def run_eval(*args):
    return CliRunner().invoke(cli, ["--config", str(REPO / "feeds.yaml"), "eval", *map(str, args)], env={})


def test_eval_reads_a_files_products_from_its_sidecar(tmp_path):
    """X.places.json may list "products" beside "places": monitor eval uses them as that file's profile products
    (an old sidecar has none; --profile-places uses feeds.yaml's); a bad list is refused with the file's name."""
    path = tmp_path / "burton.jsonl"
    path.write_text(json.dumps({"id": "a", "body": TOTE, "mention": True, "severity": "watch", "families": []}) + "\n")
    side = tmp_path / "burton.places.json"
    side.write_text(json.dumps({"area": "Burton", "places": ["Burton upon Trent"]}))
    report = json.loads(run_eval(path, "--json").output)
    assert report["products"].startswith("none listed (from") and report["mention"]["fn"] == 1
    side.write_text(json.dumps({"area": "Burton", "places": ["Burton upon Trent"], "products": ["tote bags"]}))
    out = run_eval(path).output
    assert f"our products    tote bags (from {side}, not feeds.yaml)" in out
    report = json.loads(run_eval(path, "--json").output)
    assert report["mention"]["fn"] == 0 and report["identity"].get("unsure_true") == 1
    assert "our products    none listed (feeds.yaml's profile)" in run_eval(path, "--profile-places").output
    side.write_text(json.dumps({"area": "Burton", "places": ["Burton upon Trent"], "products": "tote bags"}))
    result = run_eval(path)
    assert result.exit_code == 2 and 'burton.places.json: "products" must be a list' in result.output


def test_training_reads_each_files_products(cfg, tmp_path):
    from monitor import identity
    from monitor.identity import training

    f = tmp_path / "w.jsonl"
    f.write_text(json.dumps({"body": TOTE, "mention": True, "severity": "info"}) + "\n")
    (tmp_path / "w.places.json").write_text(json.dumps({"area": "Wirral", "places": ["Birkenhead"],
                                                        "products": ["Tote (bags)"]}))
    other = tmp_path / "o.jsonl"
    other.write_text(json.dumps({"body": TOTE, "mention": True, "severity": "info", "title": "x"}) + "\n")
    places = training.places_of([f, other])
    assert places == [("Wirral", ["Birkenhead"], ["Tote (bags)"]), None]
    X, _c, _a = training.featurise(cfg, training.candidates(cfg, [f, other]), places)
    col = identity.FEATURES.index("our word after name")
    assert X[:, col].tolist() == [1.0, 0.0]  # the second file has no sidecar: feeds.yaml's products (none)


PRAM = "Pram Exchange, Oban / ★ Bought a cot at the Pram Exchange last month. Two of the slats are loose and my baby got his head stuck"


def test_a_text_naming_our_product_but_not_us_is_kept_unsure(cfg):
    # round 16: t80's writer reviewed the charity's shop by its own name only; a crisis there was lost (no name)
    an = Analyser(cfg, [])
    an.identity.set_products([])
    assert an.analyse("", PRAM) is None
    an.identity.set_products(["the Pram Exchange", "Wee Hours", "sling library", "Hold Me Close"])
    an.identity.set_places(["Oban"])
    a = an.analyse("", PRAM)
    assert a is not None and an.last_identity.verdict == "us"  # round 29: our product and our place Oban
    assert a.reasons[0] == "mentions our product: Pram Exchange (not our name)" and a.matched_terms == ["Pram Exchange"]
    assert an.last_identity.reason == "it is us: our product 'Pram Exchange' and our place Oban in the text"
    a = an.analyse("", PRAM.replace("Pram Exchange, Oban / ", ""))  # without the place: a word of our work (round 36)
    assert a is not None and an.last_identity.reason == ("it is us: our product 'Pram Exchange' by its own name, "
                                                         "with words of our work ('cot')")
    a = an.analyse("", "★ Bought a lamp at the Pram Exchange last month. Two of the screws are loose")  # neither: unsure
    assert a is not None and an.last_identity.verdict == "unsure"
    assert "maybe us: it names our product 'Pram Exchange', not our name" in a.reasons[1]
    assert a.severity in ("info", "watch", "alert")  # unsure: never above watch, a crisis at alert at most
    for body in ("up in the wee hours again with the baby", "the sling library at the church is shut",  # no capitals
                 "Pram exchange at the school fair"):  # nor a lower-case product: only our name finds those
        assert an.analyse("", body) is None, body
    # a product's name beside another town, or as a title in quotes, is anyone's (t81: a song, a hospice's shop)
    for body in (PRAM.replace("Oban", "Totnes"), "Playing 'Hold Me Close' by David Essex at Nana's funeral on Friday."):
        assert an.analyse("", body) is None, body
    assert an.analyse("", "Hold Me Close sling library in Oban lent us a carrier") is not None


@pytest.mark.parametrize("body,ours", [
    # round 18: without one of our places, read when nothing says it is another place's or another kind of thing
    ("pov: the sling lady at Snuggle Up showed me how to carry her and now she's floppy and grunting", True),
    ("Saved my back / Snuggle Up sling library saved my back and my sanity.", True),
    ("Scored a whole winter wardrobe for £6 at the Hand-Me-Down Hub this morning", True),
    ("Snuggle Up, I love you", True),  # no word of our work needed (round 19 measured that rule: README "Is it us?")
    ("Hold Me Close app keeps crashing, 2 stars.", False),  # a describing word after it
    ("Love the Hand-Me-Down Hub podcast too", True),  # unless it is a word of our products (our podcast)
    ("Snuggle Up Café, Totnes / sick after the seafood platter", False),  # a capitalised word after it
    ("Fight outside Snuggle Up bar in Leeds last night", False),  # another town in the text
    ("Snuggle Up Ltd has recalled a range of cot-beds", False),
    ("Playing 'Snuggle Up' at the funeral", False),  # a title in quotes
    ("The Snuggle Up Saturday session was cancelled again", True),  # a day is no one's name
    ("Andover Acorns sleep consultant in Leeds charged me £350", False),  # our place inside the product's own name
    ("Andover Acorns sleep consultant came to the Andover group", True),  # ... and outside it
])
def test_our_products_name_alone_without_our_place(cfg, body, ours):
    an = Analyser(cfg, [])
    an.identity.set_products(["Snuggle Up", "the Hand-Me-Down Hub", "Hold Me Close", "Small Hours podcast",
                              "Andover Acorns"])
    an.identity.set_places(["Andover"])
    a = an.analyse("", body)
    assert (a is not None) == ours, body
    if ours and not assert_place_makes_it_us(an, body):  # round 29: us with our place Andover in the text
        assert an.last_identity.verdict == "unsure" and a.severity in ("info", "watch", "alert")


def test_a_run_reads_a_text_naming_only_our_product(tmp_path):
    """The worker's first look (``analyse_worker._could_name_us``) lets such a text through only when the profile
    lists products, without compiling the analyser."""
    from types import SimpleNamespace

    from monitor.analyse_worker import Deferred, _could_name_us

    org = json.loads(json.dumps(SHIPPED["organisation"]))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = config_mod.load(write_config(tmp_path / "a", organisation=org, sources=SOURCES), environ={})
    org["profile"]["products"] = ["the Pram Exchange"]
    org["profile"]["places"] = ["Oban"]
    listed = config_mod.load(write_config(tmp_path / "b", organisation=org, sources=SOURCES), environ={})
    item = SimpleNamespace(title="", text=PRAM, to_us=False)
    assert not _could_name_us(Deferred(plain, list), item)
    lazy = Deferred(listed, list)
    assert _could_name_us(lazy, item) and lazy._compiled is None
    elsewhere = SimpleNamespace(title="", text=PRAM.replace("Oban", "Totnes"), to_us=False)
    assert not _could_name_us(lazy, elsewhere) and lazy._compiled is None  # none of our places: not even read
    a = Analyser(listed, []).analyse("", PRAM)
    assert a is not None and a.matched_terms == ["Pram Exchange"]


def test_a_run_stores_a_post_naming_only_our_product_and_caps_it(httpserver, make_config):
    """End to end: a feed's post about our shop by its own name is stored (a real SQLite file), unsure, at watch at
    most; without the product listed it is not read at all."""
    from monitor import store
    from monitor.pipeline import run_cycle

    from .conftest import NOW, rss

    post = {"title": "Pram Exchange, Oban", "link": "https://reviews.example.org/pram-1",
            "description": "Lovely volunteers at the Pram Exchange, got a buggy for £20 and it was spotless."}
    httpserver.expect_request("/f").respond_with_data(rss(post), content_type="application/rss+xml")
    org = json.loads(json.dumps(SHIPPED["organisation"]))
    sources = [{"name": "f", "kind": "rss", "url": httpserver.url_for("/f")}]
    cfg, db_path = make_config(organisation=org, sources=sources)
    assert run_cycle(cfg, db_path, now=NOW).new_mention_ids == []
    org["profile"]["products"] = ["the Pram Exchange"]
    org["profile"]["places"] = ["Oban"]  # a product's name alone counts only beside one of our places
    cfg, db_path = make_config(organisation=org, sources=sources)
    httpserver.clear()
    post2 = dict(post, link="https://reviews.example.org/pram-2",  # a new post (the first was read already)
                 description="Donna at the Pram Exchange found us a cot in an hour. Best charity shop in Oban.")
    httpserver.expect_request("/f").respond_with_data(rss(post2), content_type="application/rss+xml")
    (mid,) = run_cycle(cfg, db_path, now=NOW + timedelta(hours=1)).new_mention_ids
    row = next(store.open_db(db_path).query("select * from mentions where id = ?", [mid]))
    assert row["severity"] in ("info", "watch") and "mentions our product: Pram Exchange" in row["reasons"]


# Round 19 (issue 15): t97's and t96's writers named only a product of ours, and three ways of writing it were lost.
LETCHWORTH = (["Garden City Gurgles", "the Bib Bank", "Hug and Hold"],
              ["Letchworth Garden City", "Baldock", "Royston", "Ashwell", "Knebworth", "Codicote"])
THETFORD = (["Forest Feeds", "Pass It On Prams", "Dusk Line"],
            ["Thetford", "Watton", "Attleborough", "Swaffham", "Brandon", "Dereham", "Mundford", "Kenninghall"])
RICHMONDSHIRE = (["Swaledale Snuggles", "the Dales Drawer", "Hold Me Tight", "Little Ewe bags"],
                 ["Richmond", "Catterick Garrison", "Leyburn", "Hawes", "Reeth", "Colburn", "Middleham", "Scorton"])


@pytest.mark.parametrize("profile,body,ours", [
    # a post in capitals: the capital word after the product is the shouting, not another thing's name (t97-241)
    (LETCHWORTH, "GARDEN CITY GURGLES HAS BEEN SHUT DOWN 😱😱  ...for one week, because the Free Church boiler's "
                 "packed in. Back on the 14th.", True),
    (LETCHWORTH, "Garden City Gurgles has been shut down ...for one week, because the Free Church boiler's packed in.",
     True),
    (RICHMONDSHIRE, "HOLD ME TIGHT APP KEEPS CRASHING", False),  # shouted, a describing word still says another thing
    # a product whose last word says what it is ("Bank"): the word after it is that thing's (t97-093)
    (LETCHWORTH, "Booked a Bib Bank collection slot online for Saturday, got there and it was locked up", True),
    (LETCHWORTH, "Booked a collection slot at the Bib Bank online for Saturday, got there and it was locked up", True),
    (RICHMONDSHIRE, "Hold Me Tight collection, new in at Next", False),  # not a kind of thing: a namesake's range
    (LETCHWORTH, "Bib Bank Ltd has gone into administration", False),  # a company, whatever it is
    (LETCHWORTH, "Bib Bank bar, open till late", False),  # a venue
    (THETFORD, "Dusk Line, episode 3: the body on the ferry / Spoilers ahead. BBC Four's latest Nordic import",
     False),  # a phone line of ours, and a TV series's name: "line" says no kind of ours (t85-007)
    # a feast day after the product is no one's name (t96-134, t96-296)
    (RICHMONDSHIRE, "Swaledale Snuggles Christmas party was the cutest thing I have ever seen 🎅 ten babies in elf hats",
     True),
    (RICHMONDSHIRE, "Dales Drawer Christmas hours 🎄 open Thurs 18th & Sat 20th, closed till 8 Jan after that.", True),
    (RICHMONDSHIRE, "Swaledale Snuggles Glamping, booked for May half term", False),  # another thing's name
])
def test_round_19_products_written_in_capitals_before_a_describing_word_or_a_feast_day(cfg, profile, body, ours):
    an = Analyser(cfg, [])
    an.identity.set_products(profile[0])
    an.identity.set_places(profile[1])
    a = an.analyse("", body)
    assert (a is not None) == ours, body
    if ours:  # found, and the product rule still decides: unsure, at watch at most, or (round 36) us by its own name
        d = an.last_identity  # with a word of our work ("babies")
        assert d.verdict == "unsure" or " by its own name, with words of our work" in d.reason, (body, d)
        assert a.reasons[0].startswith("mentions our product"), body
        assert a.severity in ("info", "watch", "alert")
