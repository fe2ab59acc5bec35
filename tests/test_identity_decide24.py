"""Is it us? Round 24's change to the decision (issue 15): a text in another language that writes our name as another
group's own, the word right after it capitalised and none of ours ("New Baby Network Hamburg organisiert...", "Sieć
Nowego Dziecka / New Baby Network Falkirk"), is not us when the model is unsure, instead of kept as "another language,
which this check reads poorly". A capitalised word before the name does not count there: in another language it is
most often the sentence's own first word ("Polecam New Baby Network w Portadown", "Mae New Baby Network yn wych")."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.analyse import Analyser

from .conftest import write_config

SOURCES = [{"name": "f", "kind": "rss", "url": "http://127.0.0.1:9/f"}]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config_mod.load(write_config(tmp_path_factory.mktemp("r24"), sources=SOURCES), environ={})


def _p_us(monkeypatch, p: float):
    """The check's P(us) is ``p`` for every text (the thresholds as committed: LOW 0.22, HIGH 0.45)."""
    from monitor.identity import decide

    monkeypatch.setattr(decide, "second_look", lambda mdl, p0, sents, mentioned, mbs: (p, False))


OTHER_GROUPS = [
    ("New Baby Network Hamburg organisiert ein Laternenfest für Familien mit Babys, Samstag 17 Uhr im Stadtpark",
     "New Baby Network Hamburg"),
    ("New Baby Network Lyon - atelier portage le samedi matin, ouvert à tous les parents",
     "New Baby Network Lyon"),
    ("Sieć Nowego Dziecka / New Baby Network Falkirk: spotkanie dla polskich mam w sobotę o 11 w bibliotece.",
     "New Baby Network Falkirk"),
]


@pytest.mark.parametrize("body,other", OTHER_GROUPS)
@pytest.mark.parametrize("p", [0.3, 0.1])  # the model unsure; its "not us" (kept before as another language)
def test_another_groups_own_name_in_another_language_is_not_us(cfg, monkeypatch, body, other, p):
    _p_us(monkeypatch, p)
    an = Analyser(cfg, [])
    assert an.analyse("", body) is None
    d = an.last_identity
    assert d.verdict == "not_us" and f"'{other}' is another group's own name" in d.reason, d
    _p_us(monkeypatch, 0.6)  # the model sure it is us: kept as before
    assert an.analyse("", body) is not None and an.last_identity.verdict == "us"


@pytest.mark.parametrize("body", [
    "Polecam New Baby Network w Portadown - bardzo mili ludzie, można przyjść z dzieckiem na herbatę i pogadać.",
    "Mae New Baby Network yn wych, diolch i'r gwirfoddolwyr am y croeso heddiw",
    "Wolontariuszka New Baby Network napisała na grupie Polek, że moja firma sprzątająca okrada matki.",
])
def test_a_capitalised_word_before_our_name_in_another_language_is_no_other_name(cfg, monkeypatch, body):
    # true mentions in the labelled files (t55-037, t14-277, t32-166): the sentence's first word, not a group's name
    _p_us(monkeypatch, 0.3)  # unsure
    an = Analyser(cfg, [])
    assert an.analyse("", body) is not None
    d = an.last_identity
    assert d.verdict == "unsure", d
    _p_us(monkeypatch, 0.1)  # below LOW: kept as before (another language, or too little text)
    assert an.analyse("", body) is not None
    d = an.last_identity
    assert d.verdict == "unsure" and "another group's own name" not in d.reason, d


def test_an_english_text_still_reads_the_word_before(cfg, monkeypatch):
    _p_us(monkeypatch, 0.3)
    an = Analyser(cfg, [])
    assert an.analyse("", "Crieff New Baby Network meets in the park café on Mondays, just a bunch of tired parents") \
        is None
    assert "'Crieff New Baby Network' is another group's own name" in an.last_identity.reason, an.last_identity
