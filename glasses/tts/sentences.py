"""Split text into sentences for streaming synthesis.

Keeps decimals ("72.5"), abbreviations ("approx.", "e.g.", "No. 4") and initials
together, splits at line breaks and list bullets, and cuts an over-long sentence at
a comma or semicolon so the first audio is not held back by a long first sentence.
"""

from __future__ import annotations

import re

ABBREVIATIONS: frozenset[str] = frozenset(
    {"e.g", "i.e", "etc", "approx", "vs", "no", "fig", "min", "max", "dr", "mr", "mrs", "ms",
     "st", "ca", "cf", "incl", "nom", "ref", "sec", "vol", "rev", "ver", "temp", "avg"}
)  # fmt: skip
_END = re.compile(r"([.!?]+)[\"')\]]*\s+")
_LINES = re.compile(r"\s*\n\s*(?:[-*\u2022]\s+|\d+[.)]\s+)?")


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if word is None:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in ABBREVIATIONS or len(token) == 1


def _split_paragraph(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for end in _END.finditer(text):
        if end.group(1) == "." and _is_abbreviation(text, end.start()):
            continue
        out.append(text[start : end.end()].strip())
        start = end.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _cut_long(sentence: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while len(sentence) > limit:
        cut = max(sentence.rfind(", ", 0, limit), sentence.rfind("; ", 0, limit))
        if cut < limit // 3:
            break
        pieces.append(sentence[: cut + 1].strip())
        sentence = sentence[cut + 1 :].strip()
    pieces.append(sentence)
    return pieces


def split_sentences(text: str, max_chars: int = 100) -> list[str]:
    """The sentences of ``text`` in order; none for blank text."""
    out: list[str] = []
    for paragraph in _LINES.split("\n" + text.strip()):
        for sentence in _split_paragraph(" ".join(paragraph.split())):
            out.extend(_cut_long(sentence, max_chars))
    return [s for s in out if any(c.isalnum() for c in s)]
