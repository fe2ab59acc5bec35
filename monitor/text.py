"""Turn hostile feed HTML into plain, normalised text and split it into sentences.

Used by sources (to store plain text) and by analysis (to match and score).
Nothing here executes or keeps markup: tags become spaces or line breaks,
entities are decoded, invisible characters are dropped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "section", "article", "header", "footer"}
_SKIP = {"script", "style", "template", "noscript", "head", "title"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        # <br/> is one break, as <br> is (not a start and an end: two breaks, a paragraph)
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text from an HTML fragment (or from text that merely contains entities)."""
    if not value:
        return ""
    if "<" in value:
        parser = _TextExtractor()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    else:
        value = html.unescape(value)
    return tidy(value)


def tidy(value: str) -> str:
    """NFKC, invisible characters removed, typographic dashes/quotes folded, spaces collapsed."""
    if not value.isascii():  # every character these change is outside ASCII: most feed text skips them
        value = unicodedata.normalize("NFKC", value).translate(_INVISIBLE).translate(_DASHES).translate(_QUOTES)
    if "  " in value or "\t" in value or "\r" in value or "\f" in value or "\v" in value or "\xa0" in value:
        value = _SPACES.sub(" ", value)  # (else it has only single spaces: the substitution changes nothing)
    if "\n" in value:
        value = _NEWLINES.sub(lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n", value)
    return value.strip()


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r" *\n[ \n]*")


_QUICK = {**_INVISIBLE, **_DASHES}


def quick_fold(value: str) -> str:
    """The folded form matching sees, without tidying spaces: for a fast "could this be us?" check."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(_QUICK)
    return value.casefold()


def fold(value: str) -> str:
    """Case-folded form for matching (same length as ``value`` for all but rare characters)."""
    return value.casefold()


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=\S)|\n\s*\n|\n(?=\s*[-*•])")


def sentences(value: str) -> list[str]:
    """Split on sentence punctuation and paragraph breaks; a single line break does not end a sentence."""
    out = [s.strip() for s in _SENTENCE_END.split(value) if s and s.strip()]
    return out


def snippet(value: str, start: int, end: int, width: int = 80) -> str:
    """Up to ``width`` characters either side of ``value[start:end]``, cut at spaces."""
    lo = max(0, start - width)
    hi = min(len(value), end + width)
    if lo > 0:
        space = value.find(" ", lo)
        lo = space + 1 if 0 <= space < start else lo
    if hi < len(value):
        space = value.rfind(" ", end, hi)
        hi = space if space > end else hi
    text = value[lo:hi].replace("\n", " ")
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(value) else "")


def headline(title: str | None) -> str:
    """A headline reduced to its words: case, punctuation and a " - Publisher" suffix ignored."""
    folded = fold(title or "")
    folded = re.sub(r"\s+-\s+[^-]{2,60}$", "", folded)
    return " ".join(re.findall(r"\w+", folded))


def plural_forms(word: str) -> set[str]:
    """A word and its plural or singular ("bag" <-> "bags", "library" <-> "libraries"): our products' last
    words (``identity.products``) and our name's words (``matching``)."""
    forms = {word}
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    elif word.endswith("s") and len(word) > 3:
        forms.add(word[:-1])
    elif word.endswith("y") and len(word) > 3:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    return forms
