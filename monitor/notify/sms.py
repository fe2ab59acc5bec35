"""SMS text shaping: GSM-7 only (one stray "…" or emoji makes a whole SMS UCS-2, 70 characters a
segment), counted in septets, at most two concatenated segments."""

from __future__ import annotations

import re

SMS_SEPTETS = 306  # two concatenated GSM-7 segments of 153 characters

# GSM 03.38: the basic set (1 septet each) and the extension table (2 septets each).
GSM7_BASIC = set("@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€")
_GSM7_SWAP = {"…": "...", "‘": "'", "’": "'", "ʼ": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
              "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "•": "*", "·": "-", "\u00a0": " ", "\t": " ",
              "\r": "", "`": "'", "´": "'", "×": "x"}


def to_gsm7(text: str) -> str:
    """Only characters of the GSM 7-bit alphabet: one stray "…" or emoji makes a whole SMS UCS-2 (70 a segment)."""
    import unicodedata

    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXT:
            out.append(ch)
        elif ch in _GSM7_SWAP:
            out.append(_GSM7_SWAP[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c in GSM7_BASIC or c in GSM7_EXT)
            out.append(base)  # accents dropped; emoji and other scripts dropped
    return re.sub(r"[ ]{2,}", " ", "".join(out)).strip()


def septets(text: str) -> int:
    return sum(2 if ch in GSM7_EXT else 1 for ch in text)


def segments(text: str) -> int:
    n = septets(text)
    return 1 if n <= 160 else -(-n // 153)


def clip_septets(text: str, limit: int) -> str:
    if septets(text) <= limit:
        return text
    out, n = [], 0
    for ch in text:
        w = 2 if ch in GSM7_EXT else 1
        if n + w > limit - 3:
            break
        out.append(ch)
        n += w
    return "".join(out).rstrip() + "..."

