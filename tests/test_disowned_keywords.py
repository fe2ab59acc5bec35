"""A level resting on keywords whose family the model reads almost none of is made again without them
(analyse_judge.KEYWORD_LEVEL_AGAINST), never below watch and never for a floor (risk said indirectly);
and "sue" is the legal word only as a verb ("Hi Sue" is a name). Graded with the shipped feeds.yaml."""

from __future__ import annotations

from monitor import analyse_judge
from monitor.analyse import Analyser

from .conftest import REPO
from .test_crisis_backing import CFG, _Heads

LOST = "Lost my keys at the New Baby Network cafe this morning, found them in the buggy basket. Classic."


def test_sue_is_a_legal_word_only_as_a_verb():
    rules = Analyser(CFG, model=None)  # the keyword rules alone
    for text in ("Hi Sue, thanks for Thursday at New Baby Network, see you next week",
                 "Sue from New Baby Network was on the radio this morning", "Thank you Sue and the NBN gang! New Baby Network"):
        assert "legal" not in rules.analyse("", text).categories, text
    for text in ("I will sue New Baby Network for this", "New Baby Network: can I sue them?",
                 "Going to sue the New Baby Network volunteer who posted my photo"):
        a = rules.analyse("", text)
        assert "legal" in a.categories and a.severity in ("alert", "crisis"), text
    assert " sue," not in (REPO / "feeds.yaml").read_text()  # not a keyword: the verb patterns read it


def test_a_keyword_alert_the_model_reads_nothing_of_is_a_watch():
    a = Analyser(CFG, model=_Heads(0.1, 0.05, 0.01, complaint=0.01)).analyse("", LOST)
    assert a.categories.get("complaint") == ["lost my"] and a.severity == "watch", a.reasons
    assert ("the words 'lost my' were read, but the text is not about complaint: watch, not alert") in a.reasons
    assert a.judgement["model"]["keywords_disowned"] == ["complaint"]
    # The model reading some complaint (over KEYWORD_LEVEL_AGAINST of its threshold, though under AGAINST,
    # so the family is still not named): the keyword's alert stands.
    share = (analyse_judge.KEYWORD_LEVEL_AGAINST + analyse_judge.AGAINST) / 2 * 0.5  # complaint's threshold: 0.5
    kept = Analyser(CFG, model=_Heads(0.1, 0.05, 0.01, complaint=share)).analyse("", LOST)
    assert kept.severity == "alert" and "complaint" not in kept.families, kept.reasons
    # The model's own alert is never taken down by it.
    own = Analyser(CFG, model=_Heads(0.5, 0.5, 0.01, complaint=0.01)).analyse("", LOST)
    assert own.severity == "alert"


def test_risk_said_indirectly_stays_a_floor_whatever_the_model_reads():
    text = "New Baby Network, is it normal that his lips went blue for a second when he fed? 4 weeks."
    a = Analyser(CFG, model=_Heads(0.1, 0.05, 0.01, safeguarding=0.01)).analyse("", text)
    assert "risk_signs" in a.categories and a.severity == "alert", a.reasons


def test_lost_my_is_a_complaint_only_of_a_thing_we_lost():
    """'lost my / our' is a complaint when it is something of theirs we lost (a referral, a place, their details), not a
    figure of speech or a bereavement (round 21: 8 of the 13 harmless texts it raised to alert in the 105 labelled files)."""
    rules = Analyser(CFG, model=None)  # the keyword rules alone
    for text in ("New Baby Network lost my referral TWICE. Nobody rang back.", "NBN has lost our booking again, New Baby Network",
                 "New Baby Network lost my daughter's red coat at the cafe", "New Baby Network lost my details 3 times"):
        a = rules.analyse("", text)
        assert a.categories.get("complaint") == ["lost my" if "my" in text else "lost our"] and a.severity == "alert", text
    for text in ("Honestly lost my mind at New Baby Network today, the cake was that good", "Lost my voice singing at New Baby Network",
                 "We lost our first baby in 2022 and New Baby Network held us up", "Lost my mum three weeks ago. New Baby Network sent flowers",
                 "lost my little boy at 20 weeks, the New Baby Network volunteers were kind"):
        assert "complaint" not in rules.analyse("", text).categories, text


def test_no_reply_yet_is_a_gripe_and_no_reply_a_complaint():
    rules = Analyser(CFG, model=None)
    chase = rules.analyse("", "Messaged New Baby Network on Monday about the Haydock group, still no reply yet x")
    assert chase.categories.get("gripe") == ["no reply yet"] and "complaint" not in chase.categories and chase.severity == "watch"
    a = rules.analyse("", "Emailed New Baby Network three times about my referral, no reply. Disgraceful.")
    assert a.categories.get("complaint") == ["no reply"] and a.severity == "alert", a.reasons
