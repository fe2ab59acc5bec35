"""Sentiment check: our scorer against VADER's own 4,200 human-rated tweets.

    python bench/sentiment_r.py                      # fetches the ratings (see below), prints r
    python bench/sentiment_r.py --ratings FILE       # tweets_GroundTruth.txt you already have

The ratings (``tweets_GroundTruth.txt``: id, mean human rating -4..+4, text) are not in the
vaderSentiment wheel; they ship in its source distribution on PyPI, inside
``additional_resources/hutto_ICWSM_2014.tar.gz``. Without ``--ratings`` this script asks pip
for that source package (the installed version) into ``data/vader-sdist/`` and reads the file
from it. Prints Pearson's r for plain VADER and for ``Analyser.text_feeling`` (VADER after taking
out our ``neutral_phrases``, VADER run once per sentence and the text's score made from
the sentences', as ``analyse`` stores it); the target is ours >= plain VADER.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def fetch_ratings(cache: Path) -> str:
    cache.mkdir(parents=True, exist_ok=True)
    wanted = f"vaderSentiment-{version('vaderSentiment')}.tar.gz"
    if not (cache / wanted).exists():
        subprocess.run([sys.executable, "-m", "pip", "download", f"vaderSentiment=={version('vaderSentiment')}",
                        "--no-binary", ":all:", "--no-deps", "--quiet", "-d", str(cache)], check=True)
    with tarfile.open(cache / wanted) as outer:
        inner_member = next(m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
        inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(inner_member).read()))
        member = next(m for m in inner.getmembers() if m.name.endswith("tweets_GroundTruth.txt"))
        return inner.extractfile(member).read().decode("utf-8", errors="replace")


def pearson(a: list[float], b: list[float]) -> float:
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a) ** 0.5
    vb = sum((y - mb) ** 2 for y in b) ** 0.5
    return cov / (va * vb)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ratings", type=Path, help="tweets_GroundTruth.txt")
    args = ap.parse_args(argv)
    text = args.ratings.read_text(encoding="utf-8", errors="replace") if args.ratings else \
        fetch_ratings(REPO / "data" / "vader-sdist")

    from monitor import config
    from monitor.analyse import Analyser
    from monitor.analyse_sentiment import vader

    analyser = Analyser(config.load(REPO / "feeds.yaml", secrets=False), model=None)
    gold, plain, ours = [], [], []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        gold.append(float(parts[1]))
        plain.append(vader().polarity_scores(parts[2])["compound"])
        ours.append(analyser.text_feeling("", parts[2]))  # the stored whole-text score
    r_plain, r_ours = pearson(gold, plain), pearson(gold, ours)
    print(f"{len(gold)} rated tweets: plain VADER r = {r_plain:.4f}, ours r = {r_ours:.4f} "
          f"({'ok' if r_ours >= r_plain - 1e-9 else 'WORSE than plain VADER'})")
    return 0 if r_ours >= r_plain - 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
