"""Proof that ``monitor.vader_fast`` gives VADER's own numbers, and what it saves.

    python bench/vader_equal.py [--resources DIR] [--generated 50000]

For every text of VADER's rated sets (``tweets``, ``movieReviewSnippets``, ``amazonReviewSnippets``,
``nytEditorialSnippets`` ``_GroundTruth.txt``: from ``--resources``, a folder holding them, or read
from vaderSentiment's source package as ``bench/sentiment_r.py`` fetches it), every labelled text
in ``training/`` and ``tests/data/`` (never ``tests/data/blind/``; title and body, their join, and
each sentence as the analyser splits them), the bench farm's texts and ``--generated`` random
texts built from VADER's own word lists (boosters, negations, idioms, "but", "no", "least",
capitals, "!" and "?", emoji):

- ``Vader.score(text)`` must equal ``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``
  (the same float);
- ``Vader.valences(text)`` must equal, value and type, the word valences VADER's own methods make
  (``sentiment_valence`` then ``_but_check``, as ``analyse_sentiment`` called them before).

Prints the counts, any difference (exit 1), and the CPU time of both on the same texts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

RATED = ("tweets", "movieReviewSnippets", "amazonReviewSnippets", "nytEditorialSnippets")


def rated_texts(resources: Path | None) -> dict[str, list[str]]:
    """``{set name: texts}`` of VADER's rated sets."""
    out: dict[str, list[str]] = {}
    if resources is not None:
        raw = {name: (resources / f"{name}_GroundTruth.txt").read_text(encoding="utf-8", errors="replace")
               for name in RATED}
    else:
        import io

        from sentiment_r import fetch_ratings  # noqa: F401 (downloads the source package once)

        fetch_ratings(REPO / "data" / "vader-sdist")
        tar = next((REPO / "data" / "vader-sdist").glob("vaderSentiment-*.tar.gz"))
        raw = {}
        with tarfile.open(tar) as outer:
            member = next(m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
            inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(member).read()))
            for name in RATED:
                m = next(m for m in inner.getmembers() if m.name.endswith(f"{name}_GroundTruth.txt"))
                raw[name] = inner.extractfile(m).read().decode("utf-8", errors="replace")
    for name, text in raw.items():
        out[name] = [parts[2] for parts in (line.split("\t") for line in text.splitlines()) if len(parts) >= 3]
    return out


def labelled_texts() -> list[tuple[str, str]]:
    rows = []
    files = sorted((REPO / "training").rglob("*.jsonl")) + sorted((REPO / "tests" / "data").glob("*.jsonl"))
    for f in files:
        if "blind" in f.parts:
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if "header" in row or not row:
                continue
            rows.append((row.get("title") or "", row.get("body") or ""))
    return rows


def generated_texts(count: int, seed: int = 14) -> list[str]:
    """Random texts dense in what VADER treats specially, so every branch is taken many times."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SPECIAL_CASES, SentimentIntensityAnalyzer

    v = SentimentIntensityAnalyzer()
    rng = random.Random(seed)
    lexicon = sorted(v.lexicon)
    emojis = sorted(k for k in v.emojis if len(k) == 1)
    special = [w for key in [*SPECIAL_CASES, *BOOSTER_DICT] for w in key.split()]
    plain = ["the", "a", "staff", "were", "and", "of", "to", "for", "at", "very", "least", "no", "or", "nor",
             "but", "BUT", "But", "so", "this", "never", "without", "doubt", "kind", "of", "it", "is", "was"]
    pools = [lexicon, special, list(NEGATE), plain, emojis, [":)", ":(", ":D", "<3", ":-/", "lol", "LOL"]]
    out = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(0, 25)):
            pool = pools[rng.choices(range(len(pools)), weights=(5, 3, 2, 4, 1, 1))[0]]
            w = rng.choice(pool)
            r = rng.random()
            if r < 0.15:
                w = w.upper()
            elif r < 0.2:
                w = w.capitalize()
            if rng.random() < 0.2:
                w = rng.choice(["", "\"", "(", "#", "@"]) + w + rng.choice([",", ".", "!", "?", "!!", "?!", "...", ")"])
            words.append(w)
        sep = rng.choice([" ", "  ", "\n", "\t"])
        out.append(sep.join(words) + rng.choice(["", "!", "?", "??", "????", "!!!!!", " "]))
    return out


def reference_valences(v, text: str):
    """VADER's word valences through its own methods (what ``analyse_sentiment.valences`` did before)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    prev_space, chars = True, []
    for ch in text:
        if ch in v.emojis:
            if not prev_space:
                chars.append(" ")
            chars.append(v.emojis[ch])
            prev_space = False
        else:
            chars.append(ch)
            prev_space = ch == " "
    text = "".join(chars).strip()
    sentitext = SentiText(text)
    sentiments: list = []
    words = sentitext.words_and_emoticons
    for i, item in enumerate(words):
        low = item.lower()
        if low in BOOSTER_DICT or (low == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"):
            sentiments.append(0)
            continue
        sentiments = v.sentiment_valence(0, sentitext, item, i, sentiments)
    return v._but_check(words, sentiments), text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resources", type=Path, help="folder with VADER's *_GroundTruth.txt (hutto_ICWSM_2014)")
    ap.add_argument("--generated", type=int, default=50_000)
    args = ap.parse_args(argv)

    from farm import Farm
    from analysis_timing import texts_for
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from monitor.text import sentences, tidy
    from monitor.vader_fast import Vader

    sets: dict[str, list[str]] = rated_texts(args.resources)
    labelled = labelled_texts()
    sets["labelled texts (title + body, joined)"] = [f"{t}. {b}" for t, b in labelled]
    sets["labelled texts, each sentence"] = [s for t, b in labelled for part in (t, b) for s in sentences(tidy(part))]
    farm = texts_for(Farm(200, 20, 0, mention_share=0.05)) + texts_for(Farm(200, 20, 0, mention_share=1.0, seed=2))
    sets["bench farm texts (title + body, joined)"] = [f"{t}. {b}" for t, b in farm]
    sets["bench farm texts, each sentence"] = [s for t, b in farm for part in (t, b) for s in sentences(tidy(part))]
    sets["generated"] = generated_texts(args.generated)

    vader = SentimentIntensityAnalyzer()
    fast = Vader(vader)
    bad = 0
    for name, texts in sets.items():
        differ = 0
        for text in texts:
            want = vader.polarity_scores(text)["compound"]
            got = fast.score(text)
            ref_vals, ref_text = reference_valences(vader, text)
            vals, scored = fast.valences(text)
            if (repr(want) != repr(got) or [repr(x) for x in ref_vals] != [repr(x) for x in vals]
                    or ref_text != scored):
                differ += 1
                if differ <= 5:
                    print(f"  DIFFERENT: {text!r}: VADER {want!r}, ours {got!r}; {ref_vals} / {vals}")
        bad += differ
        # CPU time of each on the same texts (second pass: the word cache is warm, as in a run)
        t = time.process_time()
        for text in texts:
            vader.polarity_scores(text)
        t_vader = time.process_time() - t
        t = time.process_time()
        for text in texts:
            fast.score(text)
        t_fast = time.process_time() - t
        print(f"{name}: {len(texts)} texts, {len(texts) - differ} equal, {differ} different; CPU "
              f"VADER {t_vader / len(texts) * 1e6:.0f} us, ours {t_fast / len(texts) * 1e6:.0f} us per text "
              f"({t_vader / t_fast:.1f}x)" if texts else f"{name}: no texts")
    print("all equal" if not bad else f"{bad} texts differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
