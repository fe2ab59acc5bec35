"""The analysis's cost per text, in-process CPU time: the analysers a run makes (the rules path alone,
before the model, with everything), the farm's texts to give them, raw VADER on the same texts (the
baseline), and the learned parts' own share of a full analysis.

Used by bench/run.py's ``analysis`` figures and by model_cost, rules_pairs, learned_cost_pairs,
same_analysis and vader_equal.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # this tree's monitor package (the venv's editable install may name another tree)

if TYPE_CHECKING:
    from farm import Farm


def texts_for(farm: Farm) -> list[tuple[str, str]]:
    import feedparser

    return [(e.title, e.summary) for body in farm.bodies.values() for e in feedparser.parse(body).entries]


def make_analyser(with_model: bool = False):
    """The analyser the run uses: the rules alone, or (``with_model=True``) the learned model with them."""
    from monitor import config as config_mod
    from monitor import embed
    from monitor.analyse import Analyser

    embed.one_blas_thread()  # as a run does before numpy is imported (no effect if it already is)
    cfg = config_mod.load(REPO / "feeds.yaml", secrets=False)
    return Analyser(cfg, [], model="auto" if with_model else None)


class _NoNameCheck:
    """Stands in for the is-it-us check (monitor/identity/) to measure the rules path apart."""

    def decide(self, *_args):
        return None

    def names_product(self, _text):  # round 16: no products read either
        return None

    def product_only(self, _short_form):  # a look-alike the text doubts: taken as us too
        return None


def make_analyser_without_name_check():
    """The rules path: matching, keyword categories, sentiment, grading and its floors; no is-it-us
    check (every name match is taken as us) and no learned model."""
    analyser = make_analyser()
    analyser._identity = _NoNameCheck()
    return analyser


def _clear_vectors() -> None:
    """Forget the sentence vectors an earlier run cached, so that no run is helped by the one before."""
    from monitor import embed

    if embed.load.cache_info().currsize:
        embed.load()._vectors.clear()


def time_analysis(analyser, texts) -> float:
    """CPU seconds (this process) to analyse ``texts``: in-process CPU time, so that other work on a
    shared machine does not count (both sides of a pair are measured the same way)."""
    _clear_vectors()
    started = time.process_time()
    for title, body in texts:
        analyser.analyse(title, body)
    return time.process_time() - started


def time_vader(texts) -> float:
    """CPU seconds for raw VADER (vaderSentiment's own ``polarity_scores``, never the analysis's faster
    scorer ``monitor.vader_fast``) on the same texts: the baseline does not move with our code."""
    from monitor.analyse_sentiment import vader

    v = vader()  # vaderSentiment.SentimentIntensityAnalyzer
    assert type(v).__module__ == "vaderSentiment.vaderSentiment", type(v)
    started = time.process_time()
    for title, body in texts:
        v.polarity_scores(f"{title}. {body}")
    return time.process_time() - started


def learned_parts_per_text(analyser, texts) -> tuple[float, float, float]:
    """Median CPU milliseconds per text of the is-it-us check (``identity.Judge.decide``), of the
    judgement model (``model.Model.predict``) and of both, measured inside a full analysis of each
    text (so as a run pays them: the model reuses the sentence vectors the check embedded)."""
    judge, model = analyser.identity, analyser.model
    spent = {"identity": 0.0, "model": 0.0}

    def timed_call(part, fn):
        def call(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - started
        return call

    judge.decide = timed_call("identity", type(judge).decide.__get__(judge))
    model.predict = timed_call("model", type(model).predict.__get__(model))
    _clear_vectors()
    per = []
    try:
        for title, body in texts:
            spent["identity"] = spent["model"] = 0.0
            analyser.analyse(title, body)
            per.append((spent["identity"], spent["model"]))
    finally:
        del judge.decide, model.predict
    return tuple(statistics.median(x) * 1e3 for x in (
        [i for i, _m in per], [m for _i, m in per], [i + m for i, m in per]))
