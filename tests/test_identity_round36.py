"""Is it us? Round 36 (issue 15): our products as the newest writers name them (t180-t183).

- A show or a line of ours is named without the word that says what it is ("listening to Polruan Pebbles" for
  "Polruan Pebbles Podcast"), in capitals or not, when two words stay (``products._MEDIA``).
- A product of ours named by its own name of two or more words, in a text with a word of our work besides the
  product's own words ("Rother Rockabyes are using my recording ... not cool for a charity"), is us, not unsure
  (``products.in_full``): the cap "kept at watch at most" no longer holds such a complaint back from the directors'
  email. One word ("Gurgles"), or no word of our work, stays unsure, as before.

Graded with the shipped feeds.yaml, the committed is-it-us check and a stub judgement model (``analyse_in``); one test
runs end to end (a loopback feed, a real SQLite file, a real SMTP server driven by real apprise)."""

from __future__ import annotations

import pytest

from monitor.identity.products import read_products

from .test_identity_place29 import analyse_in, one_post_run, profiled_run

FOWEY = (["Fowey", "Lostwithiel", "Polruan", "Par"], ["Fowey Ferry Friends", "the Lostwithiel Layette",
                                                      "Polruan Pebbles Podcast"], "the Fowey estuary")
ROTHER = (["Rye", "Winchelsea", "Camber", "Northiam"], ["Rother Rockabyes", "the Rye Harbour Hamper", "Camber Cubs"],
          "Rye and the Rother levels")


def test_a_show_of_ours_is_named_without_the_word_that_says_what_it_is():
    p = read_products(["Polruan Pebbles Podcast", "the Lennoxtown Lullaby Line", "Tor Radio"], ["New Baby Network"])
    assert p.proper("just listened to Polruan Pebbles ep 3") == "Polruan Pebbles"
    assert p.proper("texted the Lennoxtown Lullaby at 2am") == "Lennoxtown Lullaby"
    assert p.proper("Tor was lovely today") is None  # one word left: too common to name the show
    assert p.proper("Polruan Pebbles Podcast") == "Polruan Pebbles Podcast"  # the whole name as before


@pytest.mark.parametrize("body,word", [
    ("Rother Rockabyes are using my recording of 'Lavender's Blue' on every reel. Nobody asked. Not cool for a "
     "charity to help themselves to musicians' work.", "charity"),
    ("Registered for the Rye Harbour Hamper at 36 weeks, was told a volunteer would drop it round. Nine weeks on, "
     "NOTHING. One star.", "volunteer"),
])
def test_our_products_own_name_with_a_word_of_our_work_is_us_and_reaches_alert(body, word):
    a, d = analyse_in(ROTHER, body)
    assert d.verdict == "us" and d.reason.startswith("it is us: our product '") and " by its own name" in d.reason, d
    assert d.reason.endswith(f"with words of our work ('{word}')"), d
    assert a.severity == "alert" and not any("at most" in r for r in a.reasons), a.reasons


def test_the_podcast_without_its_word_with_an_episode_is_us():
    a, d = analyse_in(FOWEY, "Just listened to the Polruan Pebbles listener-questions episode and they read out my "
                             "message word for word, with my full name. I sent it privately. Mortified.")
    assert d.reason == "it is us: our product 'Polruan Pebbles' by its own name, with words of our work ('listened')", d
    assert a.severity == "alert", a.reasons


@pytest.mark.parametrize("products,body", [
    # no word of our work besides the product's name
    (["Rother Rockabyes"], "Rother Rockabyes is on again Tuesday at the hall, same time. Bring a cardi."),
    # the product's own listed words are not the text's ("sling" of "Snuggle Up sling library")
    (["Snuggle Up sling library"], "Snuggle Up sling library was shut again today, second time this month."),
    # one word is anyone's
    (["Gurgles"], "Gurgles was rubbish today, the volunteer was rude to the babies."),
])
def test_without_a_word_of_our_work_or_with_one_word_it_stays_unsure(products, body):
    a, d = analyse_in((["Rye"], products, "Rye"), body)
    assert a is not None and d.verdict == "unsure" and d.reason.endswith("kept at watch at most"), d
    assert a.severity == "watch", a.reasons


def test_a_namesake_product_beside_another_town_stays_out():
    a, d = analyse_in(ROTHER, "Rother Rockabyes soft play in Hastings: sticky floors and rude staff, the babies' "
                              "area was filthy.")
    assert a is None, (d, a and a.reasons)


def test_a_run_emails_a_complaint_naming_our_product_by_its_own_name(httpserver, make_config, smtp, monkeypatch):
    """End to end: the hamper complaint (our product's own name, a volunteer) is stored as ours at alert and emailed;
    the same post without any word of our work waits at watch, unsure, and sends nothing."""
    cfg, db_path = profiled_run(make_config, httpserver, smtp, monkeypatch, ROTHER[1], ROTHER[0])
    posts = (("Registered for the Rye Harbour Hamper at 36 weeks and was told a volunteer would drop it round. Nine "
              "weeks on, nothing, and nobody answers. Disgusted.", "alert", 1),
             ("Ordered the Rye Harbour Hamper in March. Nine weeks on, nothing, and nobody answers. Disgusted.",
              "watch", 0))
    for n, (body, severity, alerts) in enumerate(posts):
        row = one_post_run(cfg, db_path, httpserver, smtp, n, "Never came", body, severity, alerts)
        if alerts:
            assert "Rye Harbour Hamper" in smtp.messages[-1].get_body(preferencelist=("plain", "html")).get_content()
            assert "it is us: our product 'Rye Harbour Hamper' by its own name, with words of our work ('volunteer')" \
                in row["reasons"]
        else:
            assert "kept at watch at most" in row["reasons"], row["reasons"]


WIGHT = (["Totland", "Shalfleet", "Brighstone", "Freshwater"], ["Needles Nippers"], "West Wight")


@pytest.mark.parametrize("body,said", [
    ("PLEASE SHARE. My 2 year old walked out of the fire door at the Totland sling session this morning while the "
     "volunteers were busy. A dog walker found her on the road.", "'Totland sling session', one of our places"),
    ("Shalfleet hall was baltic again this morning. Lovely group but please put the heating on before 10, the babies "
     "were lying there in coats.", "'Shalfleet hall', one of our places, with words of our work"),
    ("Stood outside the hall in Brighstone for 40 minutes in the rain with a newborn. Nobody came, no post, no text.",
     "'the hall in Brighstone', one of our places, with words of our work"),
])
def test_our_place_beside_a_sling_session_or_a_hall_with_a_babys_words_is_us(body, said):
    a, d = analyse_in(WIGHT, body)
    assert a is not None and d.verdict == "us" and d.reason == f"it is us: {said}", (d, a and a.reasons)


@pytest.mark.parametrize("body", [
    "Wedding at Shalfleet hall was lovely, the bride's mum cried.",  # a mum's word, not a baby's
    "Shalfleet village hall quiz night raised £400 for the roof.",
    "Baby sensory at Shalfleet hall, then the babies' swim in Newport.",  # another town
])
def test_a_hall_in_our_place_without_a_babys_words_or_beside_another_town_is_not_us(body):
    a, d = analyse_in(WIGHT, body)
    assert a is None, (d, a and a.reasons)


def test_the_hall_is_asked_last_and_switches_off_alone(monkeypatch):
    from monitor.identity import shortforms24

    body = "Shalfleet hall was baltic again this morning, the babies were lying there in coats."
    assert analyse_in(WIGHT, body)[0] is not None
    monkeypatch.setattr(shortforms24, "RULES24", shortforms24.RULES24 - {"hall"})
    assert analyse_in(WIGHT, body)[0] is None
    monkeypatch.undo()
    # another short form read first keeps its own reason ("the Brighstone sling lady" beside the hall)
    a, d = analyse_in(WIGHT, "The Brighstone sling lady at the village hall was so patient with my newborn.")
    assert d.reason == "it is us: 'Brighstone sling lady', one of our places", d
