"""Which texts the judgement reads as written in another language (monitor/languages.py), and the alert
threshold it reads them at (issue 11: crises written in Polish or Urdu-English were graded info)."""

import numpy as np
import pytest

from monitor import model, train_thresholds
from monitor.languages import other_language, other_language_share

# Real texts from training/ (t7, t28 and t32 were written by helpers who never saw the tool).
OTHER = [
    "Byłam dziś na grupie New Baby Network w Huddersfield, bardzo fajne dziewczyny i herbata",  # t28-014, Polish
    "Lekin sach kahun toh mere shohar mera phone check karte hain aur paisay bhi nahi dete",  # t28-058, Urdu in Latin letters
    "Mulțumesc frumos New Baby Network pentru tot ajutorul în primele luni!",  # t7-0167, Romanian
    "Ouvi dizer que a New Baby Network vai parar com o grupo em português.",  # t7-0164, Portuguese
    "شكراً جزيلاً New Baby Network على كل الدعم",  # t7-0143, Arabic script
    "Mae New Baby Network yn wych, diolch i'r gwirfoddolwyr am y croeso heddiw",  # t14-277, Welsh
    "আমি আজকে গ্রুপে আসতে পারবো না।",  # t32-035, Bengali script
]
ENGLISH = [
    "Some nights I think they'd all be better off without me.",
    "📅 New Baby Network bumps & babies group, Thursdays 1-3pm, Ashton library. Free.",  # telegraphic, still English
    "Tash: u going to the baby thing at beechwood tmrw Nic: the new baby network one?",  # t15-162, text speak
    "Shout out to the Polish group, dziękuję bardzo!",  # one borrowed phrase
    "I want to die and nobody at New Baby Network is listening",  # 'die' is German too: not a word we count
    "Main road closed so the bus to the café was late, bin day too",  # 'main', 'bin', 'bus'
    "ok",
]


@pytest.mark.parametrize("sentence", OTHER)
def test_a_sentence_in_another_language_is_read_so(sentence):
    assert other_language(sentence)


@pytest.mark.parametrize("sentence", ENGLISH)
def test_an_english_sentence_is_not(sentence):
    assert not other_language(sentence)


def test_the_share_of_a_mixed_text():
    # t7-0155: Portuguese, then English
    sents = ["Eu não aguento mais.", "Sometimes I think to jump from the window with my baby so we both can rest."]
    assert other_language_share(sents) == 0.5 and other_language_share([]) == 0.0


def _oof():
    """Out-of-fold chances of 200 English texts and 20 in another language: the model reads the English
    crises well and the others' poorly (alert chance 0.15 to 0.24), as it did t28's Polish crises."""
    heads = len(model.HEADS)
    col = {h: model.HEADS.index(h) for h in model.HEADS}
    n = 220
    p, y = np.zeros((n, heads)), np.zeros((n, heads), dtype=np.int8)
    for i in range(n):
        crisis = i % 2 == 0
        if crisis:
            y[i, [col["watch"], col["alert"], col["crisis"]]] = 1
        if i < 200:
            p[i, [col["watch"], col["alert"], col["crisis"]]] = (0.95, 0.9, 0.8) if crisis else (0.2, 0.1, 0.05)
        else:
            p[i, [col["watch"], col["alert"], col["crisis"]]] = (0.5, 0.15 + i / 2000, 0.05 + i / 2000) if crisis \
                else (0.3, 0.1, 0.05)
    return p, y, np.arange(n) >= 200, col


def test_texts_in_another_language_get_their_own_alert_threshold():
    p, y, other, col = _oof()
    th = train_thresholds.choose_thresholds(p, y, other)
    assert th["alert_other"] < th["alert"]
    crises = other & (y[:, col["crisis"]] == 1)
    at_alert = (p[crises, col["alert"]] >= th["alert_other"]) | (p[crises, col["crisis"]] >= th["crisis"])
    assert at_alert.mean() >= train_thresholds.TARGETS["crisis_at_alert"] - 1e-9
    # the other thresholds are the English texts' own: these crises do not pull every text's alert threshold down
    english = train_thresholds.choose_thresholds(p[~other], y[~other])
    assert all(th[k] == english[k] for k in ("crisis", "alert", "watch"))
    assert train_thresholds.choose_thresholds(p, y)["alert"] < th["alert"]
    # without the flags, or with too few crises in another language, there is none
    assert "alert_other" not in train_thresholds.choose_thresholds(p, y)
    few = other & (np.arange(220) < 210)
    assert "alert_other" not in train_thresholds.choose_thresholds(p, y, few)


def test_the_model_reads_a_text_in_another_language_at_that_threshold():
    m = model.load()
    th = {**m.thresholds}
    chances = {"watch": 0.5, "alert": (th["alert"] + 0.01) / 2, "crisis": 0.0}
    m2 = model.Model.__new__(model.Model)
    m2.thresholds = {**th, "alert_other": chances["alert"] - 0.001}
    assert m2.level_of(chances, other_language=True) == "alert"
    assert m2.level_of(chances, other_language=False) in ("watch", "info")
    m2.thresholds = {k: v for k, v in th.items() if k != "alert_other"}  # an older model: no such threshold
    assert m2.level_of(chances, other_language=True) == m2.level_of(chances)


# --------------------------------------------------------------------------- with the committed model, as a run grades

ARABIC = ("في وحدة من المتطوعات بـ NBN ضافتني على فيسبوك الشخصي وصارت تبعتلي رسائل عن كنيستها. ما بعرف إذا هيك "
          "مسموح، هي لطيفة بس حسيت حالي مش مرتاحة.")  # t32-171: a volunteer writing to her about church
# t7-0173: the retrained check (t32 taught it our posts in other languages) reads t32-289's rumour as us, so the
# test takes the one text of t7/t28/t32 it is unsure of. It is in fact a namesake (a shop in São Paulo): the price
# of never holding a text in another language at watch on the check's doubt is an email about such a post.
PORTUGUESE = ("Comprei o carrinho na New Baby Network, aquela loja infantil em Moema, São Paulo. "
              "Entrega rápida e preço bom, recomendo!")


@pytest.fixture(scope="module")
def run_analyser():
    from monitor import config
    from monitor.analyse import Analyser

    from .conftest import REPO

    cfg = config.load(REPO / "feeds.yaml", environ={"MONITOR_EMAIL_URL": "mailto://a@example.org",
                                                     "MONITOR_SMS_URL": "json://127.0.0.1:9/"})
    return Analyser(cfg, model="auto")


@pytest.mark.model
def test_a_text_in_another_language_is_an_email_that_says_why(run_analyser):
    m = model.load()
    assert 0 < m.thresholds["alert_other"] < m.thresholds["alert"]
    a = run_analyser.analyse("", ARABIC)
    assert a is not None and a.severity == "alert", a and a.reasons  # an email, never an SMS on this alone
    why = [r for r in a.reasons if r.startswith("written (in part) in another language")]
    assert why and "so that someone who reads it looks" in why[0], a.reasons
    assert a.judgement["model"]["other_language_alert"] is True


@pytest.mark.model
def test_the_is_it_us_checks_doubt_does_not_hold_such_an_alert_at_watch(run_analyser):
    a = run_analyser.analyse("", PORTUGUESE)
    assert a is not None and run_analyser.last_identity.verdict == "unsure", run_analyser.last_identity
    assert a.severity == "alert" and not any(r.startswith("not sure it is us:") for r in a.reasons), a.reasons
