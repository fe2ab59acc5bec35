"""Is it us? Round 25's forms that never write our name (issue 15, ``shortforms25._round25`` and three widenings of
older rules): "the sling library" and "the baby charity" on their own, "baby network minibus / group / charity", "the
bundle bank" with one of our places, "baby café / group" with one of our places anywhere, a product without its place
word and nothing else of ours, a product's whole name with some of its capitals ("Holy Loch hamper"), a product's name
before the platform its group chats on ("Wye Wrigglers WhatsApp"), a hyphenated place's first word ("Stanton" for
Stanton-in-Peak), "at <our place> for the group", and a look-alike handle said to use our logo or not to be us.
Each is read unsure (watch at most); another town's, another group's and a denied one stay out."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.identity import shortforms24, shortforms25, shortforms33
from monitor.matching import doubts_lookalike, short_form_hint

from .conftest import assert_read_unsure, profile_analyser, write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]
# An invented Peak District profile (none of the labelled files' texts is used here)
PROFILE = (["Wye Wrigglers", "the Hathersage Cradle Cupboard", "Monsal Slings", "Little Curlew bags"],
           ["Bakewell", "Tideswell", "Hathersage", "Stanton-in-Peak", "Eyam"])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r25"), sources=SOURCES), environ={})


def analyser(cfg):
    return profile_analyser(cfg, *PROFILE)


FORMS = [  # (text, rule, words quoted in the reason); the first five are switched off with ``RULES25``
    ("Waiting list for the sling library is 5 weeks?? By the time I get one the baby will be walking", "sling library",
     "'sling library'"),
    ("Sling library has gone to Saturdays only. A pain for the mums working weekends", "sling library",
     "'Sling library'"),
    ("did you hear the woman that runs the baby charity is stepping down? dunno if its true", "the baby charity",
     "'the baby charity'"),
    ("Baby network minibus parked on the double yellows again, the bin lorry couldn't get by", "baby network thing",
     "'Baby network minibus'"),
    ("Our online baby network group tonight, these girls got me through the winter", "baby network thing",
     "'baby network group'"),
    ("Got a pram from the bundle bank in Tideswell, grateful but the front wheel was wobbly", "bundle bank at place",
     "'the bundle bank', with our place Tideswell"),
    ("Got KICKED OUT of the Cradle Cupboard at closing time. Fair. Came home with a snowsuit", "product without place alone",
     "'Cradle Cupboard'"),
    ("My 7mo nearly choked on a rattle from the Hathersage Cradle cupboard. Check yours NOW", "product part capitals",
     "'Hathersage Cradle cupboard'"),
    ("parking at Eyam hall on baby café mornings is carnage, could folk car share", "baby café with place",
     "'baby café', with our place Eyam"),
    ("Someone's posted screenshots from the private Wrigglers WhatsApp into the village chat, names and all",
     "product word alone", "'Wrigglers'"),
    ("Flat above the shop on Market Place in Stanton, the woman from the baby group used to visit. Nobody answers",
     "kind at place", "Stanton"),
    ("Turned up at Hathersage for the group this morning and it was cancelled, dragged both kids out in the rain",
     "place beside our work", "'Hathersage for the group'"),
]


@pytest.mark.parametrize("body,rule,words", FORMS)
def test_round25_forms_are_read_unsure(cfg, body, rule, words):
    assert_read_unsure(analyser(cfg), body, rule, words)


def test_a_product_before_its_platform_is_ours(cfg):
    """"Wye Wrigglers WhatsApp": a capitalised word after the name no longer makes it another thing's when it is a
    platform or a feast; a shouted word does in a post about pets ("Wye Wrigglers LOST MY DOG": t79's dog daycare; round
    30: elsewhere a shouted word is not a name, "Lakeside Littlies SHOUTED at my 3 year old")."""
    an = analyser(cfg)
    body = "Has anyone got the link to the Wye Wrigglers WhatsApp? There seem to be two of them now"
    assert an.identity.names_product(body) == "Wye Wrigglers"
    assert an.analyse("", body) is not None and an.last_identity.verdict == "unsure"
    assert an.identity.names_product("the Wye Wrigglers Christmas party, does it need booking?") == "Wye Wrigglers"
    assert an.identity.names_product("Wye Wrigglers LOST MY DOG. Dropped her at 8, found her on the A6") is None


@pytest.mark.parametrize("body", [
    "The Bristol sling library has new wraps in for the baby",  # another town's, by its name
    "Sheffield Sling Library waiting list is huge for the baby carriers",  # another town's
    "It was not the baby charity that posted it. Drama drama drama",  # denied
    "omg did u see the school gate baby network group chat last night",  # a group chat
    "Anyone know a good baby network group in Leeds? Just moved",  # another town
    "Norwich Baby Bank Network accused of selling donated prams",  # another group's name
    "Got a pram from the bundle bank in Chesterfield, lovely volunteers",  # not one of our places
    "Cradle Cupboard Antiques has a lovely old cot for the baby",  # another thing's name
    "Wye Wrigglers LOST MY DOG. Dropped her at 8, found her on the A6",  # a shouted word: another thing's
    "The sling library in Sheffield is brilliant for the baby",  # another town in the text
    "Waiting list for the sling library is 5 weeks?? By the time I get one he'll be walking",  # nothing of ours
    "HathersageCradleCupboard giveaway for the baby, enter now",  # run together, not as listed
    "Hathersage cradle cupboard plans for the baby's room",  # words starting a sentence, an ordinary phrase
    "Loved the Bristol baby café, nothing like it near Eyam",  # another town's, by its name
    "The baby group at the Sheffield hall is lovely, we drive over from Eyam",  # another town in the text
])
def test_ordinary_phrases_and_namesakes_stay_out(cfg, body):
    an = analyser(cfg)
    assert (an.identity.names_product(body), an.analyse("", body)) == (None, None), body


def test_each_round25_rule_can_be_switched_off(cfg, monkeypatch):
    """The bench measures each rule alone: with ``RULES25`` empty none of the module's forms is read (no older rule
    reads them: they are what the start code lost)."""
    monkeypatch.setattr(shortforms25, "RULES25", set())
    monkeypatch.setattr(shortforms33, "RULES33", set())  # round 33's name's tail reads some of these too
    monkeypatch.setattr(shortforms24, "RULES24", shortforms24.RULES24 - {"hall"})  # and round 36's "Eyam hall"
    an = analyser(cfg)
    assert [body for body, _rule, _words in FORMS[:10] if an.analyse("", body) is not None] == []
    assert an.identity.names_product("Has anyone got the link to the Wye Wrigglers WhatsApp?") is None


@pytest.mark.parametrize("body,doubt", [
    ("Has anyone seen @newbabynetwork_peak on insta? Selling carriers. Same tadpole logo and everything.",
     "Same tadpole logo"),
    ("Reported a tiktok called newbabynetwork_official asking for bitcoin. Uses their otter logo.", "their otter logo"),
    ("@NewBabyNetworkUK is NOT the Peak charity, right?? Tweeting party politics", "is NOT the Peak charity"),
    ("is @newbabynetwork_official on tiktok actually them? only 3 videos", "actually them"),
    ("theres an insta 'newbabynetwork_giveawayz' sayin u won a free pram. thats not the real 1 is it??", "the real 1"),
])
def test_a_lookalike_said_to_copy_our_logo_or_not_to_be_us_is_read(cfg, body, doubt):
    """Each was dropped before (the look-alike alone is someone else's); now read, unsure unless the impersonation
    rules name it (then never capped)."""
    assert doubts_lookalike(body) == doubt
    an = analyser(cfg)
    assert an.matcher.lookalikes(body)
    assert an.analyse("", body) is not None
    assert an.last_identity is None or an.last_identity.verdict == "unsure"


@pytest.mark.parametrize("body", [
    "Follow @newbabynetwork_memes for the funniest parenting content on the internet",
    "@NewBabyNetworkLtd where is my order?? Car seat was meant to arrive Friday",
    "My sister's wifi is literally called NewBabyNetwork_5G and the password is the baby's name",
])
def test_a_lookalike_nobody_doubts_stays_out(cfg, body):
    assert doubts_lookalike(body) is None
    assert analyser(cfg).analyse("", body) is None


def test_the_hint_lets_the_sling_library_through_without_products():
    hint = short_form_hint(["Tideswell"])
    assert hint("Waiting list for the sling library is 5 weeks??")
    assert not hint("Waiting list for the library is 5 weeks??")
