"""monitor.vader_fast gives VADER's own numbers: the same compound float and the same word valences
as vaderSentiment on the labelled texts, VADER's own examples and random texts dense in what VADER
treats specially. (bench/vader_equal.py runs the same check on VADER's 23,703 rated texts and the
bench farm, and says what it saves.)"""

from __future__ import annotations

import json
import sys

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.analyse_sentiment import Feeling
from monitor.text import sentences, tidy
from monitor.vader_fast import Vader

from .conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from vader_equal import generated_texts, reference_valences  # noqa: E402

# VADER's own examples (its module's demo) and the corners of its rules.
EXAMPLES = [
    "VADER is smart, handsome, and funny.", "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.", "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!", "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.", "The book was good.", "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Not bad at all",
    "Sentiment analysis has never been good.", "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.", "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.", "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!", "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.", "Without a doubt, an excellent idea.",
    "good but bad but good", "bad but good good good but", "no no no good", "it was no good or bad",
    "the kiss of death", "yeah right, great", "a to die for cake", "GREAT but terrible", "", "   ", "!!!",
    "good????", "good??", "bad!!!!!!", "sort of good", "kind of bad", "just enough fun", "NOT GOOD", "not GOOD",
]


@pytest.fixture(scope="module")
def both():
    vader = SentimentIntensityAnalyzer()
    return vader, Vader(vader)


def _labelled() -> list[str]:
    out = []
    for f in sorted((REPO / "tests" / "data").glob("*.jsonl")) + sorted((REPO / "training").glob("t[15]_*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row and "header" not in row:
                out.append(f"{row.get('title') or ''}. {row.get('body') or ''}")
                out += sentences(tidy(row.get("body") or ""))
    return out


def _check(vader, fast, texts):
    for text in texts:
        assert fast.score(text) == vader.polarity_scores(text)["compound"], text
        want, want_text = reference_valences(vader, text)
        got, got_text = fast.valences(text)
        assert [repr(x) for x in got] == [repr(x) for x in want], text  # value and type (VADER's int 0s)
        assert got_text == want_text


def test_vaders_own_examples(both):
    _check(*both, EXAMPLES)


def test_labelled_texts_and_their_sentences(both):
    texts = _labelled()
    assert len(texts) > 2000
    _check(*both, texts)


def test_random_texts_dense_in_vaders_special_cases(both):
    """Boosters, negations, idioms, "but", "no", "least", capitals, "!"/"?", emoji, emoticons."""
    _check(*both, generated_texts(3000, seed=11))


def test_the_analysers_sentence_scores_are_vaders(both):
    """``Feeling.of`` is VADER's compound of the cleaned text; each sentence's score too."""
    vader, _fast = both
    feeling = Feeling(None)
    sents = ["The staff were lovely!", "But the waiting list was awful.", "Not bad at all :)"]
    per, _whole = feeling.sentences(sents)
    assert per == [vader.polarity_scores(s)["compound"] for s in sents]
    assert [feeling.of(s) for s in sents] == per
