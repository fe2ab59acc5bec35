"""Is it us? The rules that come before the model (issue 15): "CIC" after our name anywhere in the text."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.analyse import Analyser

from .conftest import write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("rules"), sources=SOURCES), environ={})


def test_cic_after_our_name_in_a_later_sentence_is_us(cfg):
    # round 10: the match's offsets are its sentence's; read against the whole text they missed "CIC" in any
    # sentence but the first, and 289 labelled true mentions (council minutes, news) were left to the model
    an = Analyser(cfg, [])
    a = an.analyse("Nursery owner to appeal", "The owner of New Baby Network Nurseries has lodged an appeal against "
                   "Ofsted's rating of its Wokingham site.\n\nThe nursery chain is not connected to New Baby Network "
                   "CIC, the perinatal support group, which has received calls from worried parents.")
    assert a is not None and an.last_identity.verdict == "us"
    assert an.last_identity.reason == "it is us: our name with CIC"


def test_a_word_that_starts_with_cic_is_not_cic(cfg):
    an = Analyser(cfg, [])
    an.analyse("Ciceronian", "A talk on Roman letters.\n\nThe New Baby Network Ciceronians meet in Wokingham on Fridays.")
    assert an.last_identity is None or "CIC" not in an.last_identity.reason


@pytest.mark.parametrize("text,after", [
    ("New Baby Network told me to ring back", []), ("new baby network posted it", []),
    ("the recalled new baby network one", []), ("New Baby Network cancelled again", []),
    ("see you at new baby network tuesday", []), ("New Baby Network Ltd", ["ltd"]),
    ("new baby network camera", ["camera"]), ("New Baby Network forum", ["forum"]),
    ("New Baby Network group", []), ("New Baby Network walk", ["walk"]), ("New Baby Network drive", ["drive"]),
])
def test_a_word_after_our_name_describes_it_only_when_it_can_name_a_thing(cfg, text, after):
    # round 10: verbs, times and fillers after the name ("New Baby Network told ...") were read as describing
    # words: shown in the reason ("new baby network take could be a shop") and learned from a correction
    from monitor.identity.features import _name_as_written
    from monitor.identity.words import words_after
    from monitor.text import fold

    an = Analyser(cfg, [])
    sents = an.split("", text)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, ms in mbs.items() if ms}
    (i,) = mentioned
    assert [w for m in mbs[i] for w in words_after(fold(sents[i][1]), m.end)] == after
    written = _name_as_written(sents, mentioned, mbs)
    assert fold(written).split()[3:] == after


def test_the_crisis_valve_floor_is_higher_for_a_text_in_english(cfg, monkeypatch):
    # round 10: in English a "not us" from 0.03 to 0.1 no longer keeps a text graded crisis (in cross-validation it
    # kept 78 namesakes and no labelled crisis); in another language it still does (the Romanian crisis at 0.102)
    from monitor.identity import decide

    assert decide.STRONG_NOT_US == 0.03 and decide.STRONG_NOT_US_ENGLISH == 0.1
    assert decide.Decision(decide.NOT_US, 0.05, "not us", english=True).strong
    assert not decide.Decision(decide.NOT_US, 0.05, "not us").strong  # another language, or not the model's
    assert not decide.Decision(decide.NOT_US, 0.12, "not us", english=True).strong
    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", 1.01)
    monkeypatch.setattr(mdl, "high", 1.02)  # every decision of the model is now "not us"
    monkeypatch.setattr(decide, "OTHER_LANGUAGE_FLOOR", 1.01)  # ... in another language too (round 13's rule off)
    an = Analyser(cfg, [])
    an.analyse("", "Went to the New Baby Network group on Tuesday, the volunteers were lovely and so was the cake.")
    assert an.last_identity.verdict == "not_us" and an.last_identity.english
    an.analyse("", "Byłam dziś na grupie New Baby Network w bibliotece, wolontariuszki są bardzo miłe i jest kawa.")
    assert an.last_identity.verdict == "not_us" and not an.last_identity.english


def test_a_text_in_another_language_under_low_is_unsure_not_dropped(cfg, monkeypatch):
    # round 13: the check's words are English; in cross-validation 19 of its 85 lost true mentions were texts in
    # Polish, Romanian, Italian, Urdu... with P(us) from 0.01 to LOW, against 4 namesakes there
    from monitor.identity import decide

    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", 1.01)
    monkeypatch.setattr(mdl, "high", 1.02)  # every P(us) is now under LOW
    an = Analyser(cfg, [])
    polish = "Byłam dziś na grupie New Baby Network w bibliotece, wolontariuszki są bardzo miłe i jest kawa."
    a = an.analyse("", polish)
    d = an.last_identity
    assert a is not None and d.verdict == "unsure" and "another language" in d.reason, d
    assert a.severity in ("info", "watch")  # unsure: at most watch
    an.analyse("", "Went to the New Baby Network group on Tuesday, the volunteers were lovely and so was the cake.")
    assert an.last_identity.verdict == "not_us"  # English: LOW stands
    an.analyse("", "Byłam dziś na grupie NBN w bibliotece, wolontariuszki są bardzo miłe i jest kawa.")
    assert an.last_identity.verdict == "not_us"  # a short name alone must still reach HIGH
    monkeypatch.setattr(decide, "OTHER_LANGUAGE_FLOOR", 1.005)  # P(us) under the floor: not us
    an.analyse("", polish)
    assert an.last_identity.verdict == "not_us" and not an.last_identity.english


def test_the_vote_reads_the_same_numbers_as_the_references_scaled_first():
    """The vote's matrix is ordered and transposed as int8 and then scaled (round speed11): byte for byte the matrix
    of the references scaled first, namesakes then true mentions, and the same vote as ``knn_vote`` gives."""
    import numpy as np

    from monitor import embed
    from monitor.identity import decide

    z = embed.read_npz(decide.MODEL_PATH)
    scale = np.float32(z["refs_scale"])
    # stored ordered and transposed since round 17 (namesakes, then true mentions), as its non-zero numbers
    stored, n_neg = decide.unsparse(decide.sparse_of(z, "refs_")), int(z["ref_n_neg"])
    refs = stored.T.astype(np.float32) / scale
    ours = np.arange(len(refs)) >= n_neg
    mdl = decide.Model(decide.MODEL_PATH)
    assert mdl._refs_t.flags["C_CONTIGUOUS"] and mdl._refs_t.dtype == np.float32
    assert mdl._refs_t.tobytes() == np.ascontiguousarray(np.concatenate([refs[~ours], refs[ours]]).T).tobytes()
    assert np.array_equal(mdl.neg_refs, refs[~ours]) and np.array_equal(mdl.pos_refs, refs[ours])
    x = refs[ours][0] + refs[~ours][0]
    x /= np.linalg.norm(x)
    assert np.allclose(mdl.vote(x), decide.knn_vote(refs[~ours], refs[ours], x[None, :])[0])


def test_an_older_file_loads_the_same_and_the_true_mentions_vectors_wait_until_needed(tmp_path):
    """Round 17: a file of the older layout (``refs`` in training order, ``ref_us``, the matrices whole) gives the same
    vote matrix; the true mentions' vectors (learned namesakes only) are read the first time they are asked for, one
    per true mention, and the same from either file (round 19 stores them as their difference from the signs of the
    references, an older file whole). The non-zero numbers give back the very matrix they came from, in round 19's
    layout (signs as bits, the few beyond -1..1 listed) and in round 17's (the numbers as bytes)."""
    import numpy as np

    from monitor import embed
    from monitor.identity import decide

    z = {k: (v() if callable(v) else v) for k, v in embed.read_npz(decide.MODEL_PATH).items()}
    assert bool(z.pop("positives_from_refs"))
    n_neg = int(z.pop("ref_n_neg"))
    refs = decide.unsparse(decide.sparse_of(z, "refs_")).T
    z_refs_trits = z["refs_trits"]
    difference = decide.unsparse(decide.sparse_of(z, "positives_"))
    for k in decide.SPARSE_PARTS:
        z.pop("refs_" + k, None), z.pop("positives_" + k, None)
    assert (difference != 0).mean() < 0.3  # mostly zeros: why it is stored so
    from monitor.identity.classifier import vocabulary

    terms = vocabulary(z)  # round 19: pairs of words stored as their words' places; an older file lists every term
    assert len(terms) == len(z["text_w"]) and all(" " not in t for t in terms[:terms.index(next(t for t in terms if " " in t))])
    z["text_vocab"] = np.frombuffer("\n".join(terms).encode(), dtype=np.uint8)
    del z["text_pair_first"], z["text_pair_second"]
    z["positives"] = difference + np.sign(refs[n_neg:])
    # any training order, each side in its own order (the namesakes are put first at load)
    ours = np.zeros(len(refs), bool)
    ours[np.random.default_rng(0).choice(len(refs), len(refs) - n_neg, replace=False)] = True
    mixed = np.empty_like(refs)
    mixed[~ours], mixed[ours] = refs[:n_neg], refs[n_neg:]
    old = tmp_path / "old.npz"
    np.savez_compressed(old, refs=mixed, ref_us=ours, **z)
    new, was = decide.Model(decide.MODEL_PATH), decide.Model(old)
    assert new._positives is None and was._positives is None
    assert new._refs_t.tobytes() == was._refs_t.tobytes()
    assert len(new.positives) == len(refs) - n_neg and new.positives.dtype == np.float32
    assert new.positives.tobytes() == was.positives.tobytes()
    assert new.vocab == was.vocab and len(new.vocab) == len(terms)
    assert not np.array_equal(new.positives, new.pos_refs)  # its own vectors, not the vote's
    q = np.asarray([[0, 3, 0, -1], [0, 0, 0, 0], [-127, 1, 2, 0]], dtype=np.int8)
    kept = decide.sparse(q)
    assert np.unpackbits(kept["neg"])[:5].tolist() == [0, 1, 1, 0, 0] and kept["far"].tolist() == [0, 2, 4]
    assert kept["far_val"].tolist() == [3, -127, 2] and decide.unsparse(kept).tobytes() == q.tobytes()
    round17 = {"nz": kept["nz"], "val": np.asarray([3, -1, -127, 1, 2], np.int8), "shape": kept["shape"]}
    assert decide.unsparse(round17).tobytes() == q.tobytes()
    # round 25's layout of the references: five numbers of -1..1 a byte in base 3 (the first lowest), Huffman-coded,
    # the few beyond -1..1 by their places in the matrix; smaller than round 19's bits for the committed references
    import zlib

    coded = decide.sparse(q, trits=True)
    assert zlib.decompress(coded["trits"].tobytes(), -15) == bytes([1 + 2 * 3 + 1 * 9 + 0 * 27 + 1 * 81,
                                                                    1 + 1 * 3 + 1 * 9 + 0 * 27 + 2 * 81, 2 + 1 * 3])
    assert coded["far_at"].tolist() == [1, 8, 10] and coded["far_val"].tolist() == [3, -127, 2]
    assert decide.unsparse(coded).tobytes() == q.tobytes() and "nz" not in coded
    bits = decide.sparse(refs.T.copy())
    assert decide.unsparse(bits).tobytes() == refs.T.tobytes()
    assert len(z_refs_trits) < len(zlib.compress(bits["nz"].tobytes(), 9)) + len(zlib.compress(bits["neg"].tobytes(), 9))


@pytest.mark.parametrize("body,spelled", [
    ("NBN (Nigerian Breastfeeding Network) is training 300 community volunteers in Kano this month.",
     "Nigerian Breastfeeding Network"),
    ("Nairn Baby Natter (NBN 😂) this Friday at the community centre, cake provided by yours truly",
     "Nairn Baby Natter"),
    ("Northern Baby Network's summer picnic at Duthie Park is ON despite the rain! bring wellies. NBN Aberdeen x",
     "Northern Baby Network's"),
    ("NBN! scan was fine, baby measuring right on track (NBN = no bad news lol)", "no bad news"),
])
def test_a_short_name_the_text_spells_out_as_something_else_is_not_us(cfg, body, spelled):
    # round 14: 37 short-name candidates in the 54 labelled files spell "NBN" out as something else, and
    # none of them is us; a new writer's (t63) were taken at 0.90-0.94 ("volunteers", "baby", "community centre")
    an = Analyser(cfg, [])
    assert an.analyse("", body) is None
    assert an.last_identity.verdict == "not_us" and an.last_identity.p_us == 0.0
    assert an.last_identity.reason == f"not us: '{body[body.index('NBN'):][:3]}' here stands for {spelled}"


@pytest.mark.parametrize("body", [
    "New Baby Network (NBN) volunteers were lovely at the Wokingham café today, thank you",
    "Love NBN but the new website is impossible on a phone, took me 10 mins to find the session times",
    "NBN volunteers came round on Tuesday. New Baby Network are a lifeline, honestly.",
])
def test_our_own_name_or_ordinary_words_with_those_initials_are_not_spelling_it_out(cfg, body):
    from monitor.identity.features import short_name_spelled_out

    an = Analyser(cfg, [])
    sents = an.split("", body)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    assert short_name_spelled_out(cfg, sents, {i for i, m in mbs.items() if m}, mbs) is None


def test_our_own_initials_in_brackets_are_not_someone_else_explained():
    # round 14: "New Baby Network (NBN) in Elgin" read as "explained in brackets" (the preloved app's shape)
    from monitor.identity.features import _own_short_form

    assert _own_short_form("New Baby Network", " (NBN) in Elgin has moved")
    assert _own_short_form("new baby network", " (@newbabynetwork) is")
    assert not _own_short_form("New Baby Network", " (the preloved baby stuff app)")
    assert not _own_short_form("New Baby Network", " (NBNL, the shop)")


@pytest.mark.parametrize("body,named", [
    ("Pedestrian hurt as scaffold collapses. NBN Scaffolding said the site had been inspected on Monday.",
     "NBN Scaffolding"),
    ("Bought a 2015 Corsa from NBN Motors in Erith, engine light came on within a week", "NBN Motors"),
    ("Cllr McAllister was on NBN Radio this morning going on about the bin strike", "NBN Radio"),
    ("A worker at NBN Day Nursery in Sevenoaks grabbed my friend's son by the arm", "NBN Day Nursery"),  # round 16
    ("NBN Fibre down AGAIN across the whole village, third time this week", "NBN Fibre"),
])
def test_a_short_name_followed_by_a_trade_word_is_a_business_not_us(cfg, body, named):
    # round 15: "NBN" then a capitalised trade word (Scaffolding, Motors, Radio, Ltd...): in the 56 labelled files and
    # four new writers' (t67, t68, t69, t71) 62 candidates, every one a namesake; new writers' were taken at 0.5-0.95
    an = Analyser(cfg, [])
    assert an.analyse("", body) is None
    assert an.last_identity.reason == f"not us: 'NBN' here names a business, '{named}'"


@pytest.mark.parametrize("body", [
    "NBN Team were brilliant at the Tuesday group, thank you all",  # a word of ours
    "NBN Café in Wokingham has moved to Thursdays",
    "nbn bank holiday session still on?",  # not capitalised: not a name
    "NBN Hounslow was lovely today",  # a place, left to the model
    "NBN Christmas Toy appeal: drop gifts at the café by Friday",  # an event of ours before the trade word
    "NBN Hounslow Group moved to Thursdays",  # a place, then a word of ours
    "New Baby Network Radio interview today",  # our full name: the model reads the word after it
])
def test_our_words_or_places_after_a_short_name_are_left_to_the_model(cfg, body):
    from monitor.identity.features import short_name_elsewhere

    an = Analyser(cfg, [])
    sents = an.split("", body)
    mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    assert short_name_elsewhere(cfg, sents, {i for i, m in mbs.items() if m}, mbs) is None


def test_cic_after_our_name_half_run_together_is_another_cic(cfg):
    # round 20: a new writer's "Newbaby Network CIC" in Hull (another CIC with a near-identical name) was "it is us:
    # our name with CIC"; in the 89 labelled files the half-run-together name never stands before CIC in a true mention
    from monitor.identity.features import strong_evidence
    from monitor.text import fold

    an = Analyser(cfg, [])
    for text, strong in (("Newbaby Network CIC, which runs sessions in east Hull, has won funding.", False),
                         ("New Baby Network CIC has won funding for its cafés.", True),
                         ("Thanks to newbabynetwork CIC for the cafés", True)):
        sents = an.split("", text)
        matches = [m for s in sents for m in an.matcher.candidates(s[1])]
        assert matches, text
        assert bool(strong_evidence(cfg, fold(text), matches)) is strong, text


@pytest.mark.parametrize("body,named", [
    ("Bristol New Baby Network meetup this Thursday, Eastville Park café, 11ish. Bumps and babies up to 1.",
     "Bristol New Baby Network"),
    ("Mammy & baby yoga with New Baby Network Galway starts again 4 Feb, Salthill community hall.",
     "New Baby Network Galway"),
    ("Volunteer orientation for New Baby Network Scarborough is Sat Jan 10! Police check required.",
     "New Baby Network Scarborough"),
    ("Reminder from HSE New Baby Network Mallow: no group on 17 March.", "New Baby Network Mallow"),
    ("Grandparents' group welcomes first grandad. Tavistock New Baby Network, the monthly group for new grandparents.",
     "Tavistock New Baby Network"),
])
def test_unsure_and_written_as_another_groups_own_name_is_not_us(cfg, monkeypatch, body, named):
    # round 20: of the 34 not-us texts four new writers (t96-t99) had taken, 10 were unsure (P(us) 0.22-0.45) and
    # named a group elsewhere "Bristol New Baby Network" or "New Baby Network Galway"; no true mention there reads so
    from monitor.identity import decide

    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", 0.0)
    monkeypatch.setattr(mdl, "high", 1.01)  # every decision of the model is now "unsure"
    an = Analyser(cfg, [])
    assert an.analyse("", body) is None
    d = an.last_identity
    assert d.verdict == "not_us" and d.reason.startswith(f"not us: '{named}' is another group's own name"), d
    monkeypatch.setattr(mdl, "high", 0.0)  # the model sure it is us: the shape alone does not drop it
    assert an.analyse("", body) is not None and an.last_identity.verdict == "us"


@pytest.mark.parametrize("body", [
    "Thanks New Baby Network for the sling library, the volunteers were lovely",  # an opener
    "Lovely morning at the Southvale New Baby Network café",  # one of our places
    "New Baby Network Christmas party was brilliant, thank you all",  # an event of ours
    "Our New Baby Network volunteers have new session times",
    "PSA: a page called 'New Baby Network Official' is asking mums for bank details",  # quoted: often impersonation
    "DO NOT trust this page, it is NOT New Baby Network",  # shouted
    "See you at Tuesday's New Baby Network group",  # a day
    "Is it me or are New Baby Network and the Hywel Dda New Baby Network thing the same?",  # also named plainly
    "Is there a Welsh-language New Baby Network session anywhere?",  # a describing word
    "Heads up: an insta account @newbabynetwork_ni_official says it's the Northern Ireland New Baby Network charity",
    "Went to the New Baby Network group on Tuesday, the volunteers were lovely",
    "New Baby Network Eastfield have moved the group to Fridays",  # one of our places after it
    # round 21: of the 93 labelled files' true mentions the rule read as another group's name, 31 began with a count,
    # a month, an opener, a platform or a language, or had "the" between the word and our name
    "Two New Baby Network volunteers from Annan were recognised at the awards on Friday.",
    "Read New Baby Network's annual report. Lovely photos, a bit thin on numbers.",
    "From January the New Baby Network dads' session moves to the Orchard Centre.",
    "Aye the New Baby Network lassies are pure magic.",
    "Would be lovely if the New Baby Network YouTube videos had Welsh subtitles.",
    "The New Baby Network Arabic speaker only comes every two weeks.",
    "Until New Baby Network publicly apologise to Leanne, don't donate.",
])
def test_our_words_places_and_products_beside_the_name_stay_unsure(cfg, monkeypatch, body):
    from monitor.identity import decide

    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", 0.0)
    monkeypatch.setattr(mdl, "high", 1.01)
    an = Analyser(cfg, [])
    assert an.analyse("", body) is not None and an.last_identity.verdict == "unsure", an.last_identity


def test_a_crisis_written_as_another_groups_name_is_still_kept(cfg, monkeypatch):
    # the rule's "not us" is the model's weak one: a text graded crisis is kept at alert (a lost crisis is the worst)
    from monitor.identity import decide

    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", 0.0)
    monkeypatch.setattr(mdl, "high", 1.01)
    monkeypatch.setattr(decide, "STRONG_NOT_US_ENGLISH", 0.0)  # whatever P(us) the model gives: weak
    an = Analyser(cfg, [])
    a = an.analyse("", "Honestly feeling suicidal tonight. Bristol New Baby Network meetup on Tuesday is the only thing "
                       "I have.")
    assert a is not None and a.severity == "alert" and "but graded crisis" in a.reasons[1], a and a.reasons


def test_a_short_name_about_a_sports_team_with_nothing_of_ours_is_not_us(cfg):
    # round 20: "NBN league table" (a bowls league) read 0.52 likely us; in the 89 labelled files the sports words
    # set aside 5 more short-name namesakes and no true mention
    an = Analyser(cfg, [])
    assert an.analyse("", "NBN league table after week 9: 1. Pin Pals 2. Westward Ho! Wanderers. Christmas do on the "
                          "19th, names to Sheila") is None
    assert an.last_identity.reason == "not us: 'NBN' is about a sports team ('league'), and nothing in the text is ours"
    from monitor.identity.features import short_name_off_topic

    assert short_name_off_topic("NBN netball mums, training moved to Tuesday") is None  # a word of ours


@pytest.mark.parametrize("body,reason", [
    # round 21: the NBN Atlas (the National Biodiversity Network's species records) and its sightings: a new writer's
    # three birders' posts read 0.50-0.80 likely us; in the 93 labelled files 14 short-name candidates read so, none ours
    ("Spoonbill record from the Frampton pools now verified on the NBN Atlas! First one I've found myself!",
     "not us: 'NBN' here names a business, 'NBN Atlas'"),
    ("NBN sightings log: 2 spoonbill, 1 bittern (heard), 40ish avocet. Car park full by 9.",
     "not us: 'NBN' is about wildlife records ('sightings'), and nothing in the text is ours"),
    # ... and a short name in a text about somewhere abroad with nothing of ours (58 such candidates, none ours)
    ("Shoutout to the NBN bloke who came out in the rain in Brisbane and actually fixed it first go. Legend",
     "not us: 'NBN' is about something abroad ('brisbane'), and nothing in the text is ours"),
])
def test_a_short_name_for_wildlife_records_or_somewhere_abroad_is_not_us(cfg, body, reason):
    an = Analyser(cfg, [])
    assert an.analyse("", body) is None
    assert an.last_identity.reason == reason, an.last_identity


@pytest.mark.parametrize("body", [
    "Logged my first hedgehog on the NBN Atlas, then off to the NBN café with the baby",  # a word of ours: the model's
    "NBN volunteers in Brisbane? No, ours are in Eastfield",  # our place and our work
])
def test_a_short_name_abroad_or_in_the_atlas_with_something_of_ours_is_left_to_the_model(body):
    from monitor.identity.features import short_name_off_topic

    assert short_name_off_topic(body) is None


def test_a_language_before_our_name_still_names_another_group(cfg, monkeypatch):
    from monitor.identity import decide

    mdl = decide.model()
    monkeypatch.setattr(mdl, "low", 0.0)
    monkeypatch.setattr(mdl, "high", 1.01)
    an = Analyser(cfg, [])
    assert an.analyse("", "Peterborough Polish New Baby Network group meets at the library on Saturdays.") is None
    assert an.last_identity.reason.startswith("not us: 'Peterborough Polish New Baby Network' is another group's")
