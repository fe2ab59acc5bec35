"""feedparser's own test corpus (~2,200 feeds: broken XML, odd encodings, hostile markup, odd dates).

Not committed: the sdist of the installed feedparser on PyPI carries it in tests/, so it is
fetched once with ``pip download`` into ``.cache/feedparser-<version>/`` (git-ignored) and
reused. ``make corpus`` does it ahead of time; the tests do it themselves when it is missing.
Offline on a developer's machine the corpus tests skip and say why; in CI (CI=true) they fail.

    python -m tests.corpus          # fetch (if needed) and print where it is
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".cache"


class CorpusUnavailable(Exception):
    pass


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version("feedparser")


def corpus_dir() -> Path:
    """The corpus's tests/ folder for the installed feedparser, fetched on first use."""
    ver = version()
    root = CACHE / f"feedparser-{ver}"
    done = root / ".complete"
    if done.exists():
        return root / "tests"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
               f"feedparser=={ver}", "-d", tmp]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CorpusUnavailable(f"`{' '.join(cmd)}` did not finish: {exc}") from None
        sdists = list(Path(tmp).glob("feedparser-*.tar.gz"))
        if proc.returncode != 0 or not sdists:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise CorpusUnavailable(f"`{' '.join(cmd)}` failed: {' / '.join(tail)}")
        prefix = f"feedparser-{ver}/tests/"
        with tarfile.open(sdists[0]) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(prefix) and (m.isfile() or m.isdir())]
            for m in members:
                m.name = m.name[len(f"feedparser-{ver}/"):]
            root.mkdir(parents=True, exist_ok=True)
            tar.extractall(root, members=members, filter="data")
    count = len(fixtures(root / "tests"))
    if count < 1000:
        raise CorpusUnavailable(f"the feedparser {ver} sdist holds only {count} test feeds")
    done.write_text(f"{count}\n")
    return root / "tests"


def fixtures(tests: Path) -> list[Path]:
    """Every feed file of the corpus (the test runner script is not one)."""
    return sorted(p for p in tests.rglob("*") if p.is_file() and p.suffix != ".py")


def corpus_or_skip() -> Path:
    """For tests: the corpus, a skip saying why when it cannot be had, or a failure in CI."""
    import pytest

    try:
        return corpus_dir()
    except CorpusUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"feedparser's test corpus is needed in CI: {exc}")
        pytest.skip(f"feedparser's test corpus could not be fetched ({exc}); run `make corpus` when online")


if __name__ == "__main__":
    where = corpus_dir()
    print(f"{len(fixtures(where))} feeds in {where}")
