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
