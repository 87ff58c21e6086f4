"""Text utilities shared by BM25, the groundedness check and the extracts.

Tokens keep identifiers whole, so alarm codes ("A07", "HP-01"), part numbers
("FLT-2040-M8") and refrigerants ("R-410A") survive; each compound token also
yields its parts and its joined form, so "HP01" matches "HP-01".
"""

from __future__ import annotations

import itertools
import re

_TOKEN = re.compile(r"[a-z0-9]+(?:[-_./][a-z0-9]+)*")
_NUMBER = re.compile(r"(?<![a-z0-9.])(?>\d+(?:,\d{3})*(?:\.\d+)?)(?![0-9])")
_SPLIT = re.compile(r"[-_./]")

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not of off on once only or other our out over own same she should so some
    such than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    please tell me show give know need want let us get got say said use using used one""".split()
)

_SUFFIXES = ("ing", "ed", "es", "s", "e")


def stem(word: str) -> str:
    """A tiny suffix stripper: "cycling", "cycles", "cycled", "cycle" all become "cycl"."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)]
    return word


def raw_tokens(text: str) -> list[str]:
    """Lower-cased word and identifier tokens, in order, with nothing removed."""
    return _TOKEN.findall(text.lower())


def index_tokens(text: str) -> list[str]:
    """Tokens for BM25: stemmed words without stopwords, plus the parts of compounds."""
    out: list[str] = []
    for tok in raw_tokens(text):
        if tok in STOPWORDS:
            continue
        if _SPLIT.search(tok) and not _is_number(tok):
            out.append(tok)
            parts = [p for p in _SPLIT.split(tok) if p]
            out.append("".join(parts))
            out.extend(stem(p) for p in parts if p not in STOPWORDS)
        else:
            out.append(stem(tok))
    return out


def bigrams(text: str) -> set[tuple[str, str]]:
    """Pairs of neighbouring content words (compounds kept whole), stemmed."""
    words = [stem(t) for t in raw_tokens(text) if t not in STOPWORDS]
    return set(itertools.pairwise(words))


def content_tokens(text: str) -> set[str]:
    """The set of meaningful (stemmed, non-stopword) tokens of a text."""
    return set(index_tokens(text))


def _is_number(tok: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:[.,]\d+)*", tok))


def normalise_number(text: str) -> str:
    """ "450.0" -> "450", "1,200" -> "1200"."""
    value = text.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value or "0"


def numbers(text: str) -> set[str]:
    """Every number written in a text, normalised."""
    return {normalise_number(m.group(0)) for m in _NUMBER.finditer(text.lower())}


_ABBREVIATIONS = frozenset(
    "e.g i.e etc approx min max no fig vs dr mr ms st ref incl ca nom in ft lb oz sec".split()
)
_LIST_NUMBER = re.compile(r"(?:^|\s)\d{1,2}\.$")
_BOUNDARY = re.compile(r"([.!?;:]+)(\s+)|\n+")


def _ends_with_abbreviation(text: str) -> bool:
    match = re.search(r"(?:^|[\s(])([A-Za-z.]+)\.$", text.rstrip())
    if not match:
        return False
    word = match.group(1).lower()
    return word in _ABBREVIATIONS or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def find_boundary(text: str, start: int = 0) -> int | None:
    """End index of the first complete sentence in ``text[start:]``, or None.

    A sentence ends at ., ! or ? followed by whitespace (not "3.5", not "e.g."),
    or at a line break; "1." and "Step 3." (list and step numbers) do not end one.
    A colon or semicolon ends a sentence only when a line break follows.
    """
    for match in _BOUNDARY.finditer(text, start):
        if match.group(0).startswith("\n"):
            if text[start : match.start()].strip():
                return match.end()
            continue
        punct, space = match.group(1), match.group(2)
        if punct[-1] in ":;" and "\n" not in space:
            continue
        head = text[: match.start() + 1]
        if punct == "." and (_ends_with_abbreviation(head) or _LIST_NUMBER.search(head)):
            continue
        return match.end()
    return None


def split_sentences(text: str) -> list[str]:
    """All sentences of a finished text, stripped, without empty ones.

    A line break always ends a sentence; within a line, a piece that starts in
    lower case after a full stop was cut at an abbreviation and is joined back.
    """
    out: list[str] = []
    for line in text.splitlines():
        merged: list[str] = []
        pos = 0
        pieces = []
        while (end := find_boundary(line, pos)) is not None:
            pieces.append(line[pos:end])
            pos = end
        pieces.append(line[pos:])
        for sentence in (clean_for_speech(p) for p in pieces):
            if not sentence:
                continue
            continues = not re.match(r"[\w\"'(]", sentence[0]) or (
                sentence[0].islower() and bool(merged) and merged[-1].endswith(".")
            )
            if merged and continues:
                merged[-1] = f"{merged[-1]} {sentence}"
            else:
                merged.append(sentence)
        out.extend(merged)
    return out


_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}.*$", re.MULTILINE)


def clean_for_speech(text: str) -> str:
    """Strip Markdown marks and collapse whitespace so TTS reads plain words."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPH.sub("", text)
    text = _MD_BULLET.sub("", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text).strip()


def table_to_lines(text: str) -> str:
    """Turn Markdown table rows into "header: value, header: value." sentences."""
    lines = text.splitlines()
    out: list[str] = []
    header: list[str] | None = None
    for line in lines:
        if not line.strip().startswith("|"):
            header = None
            out.append(line)
            continue
        if _TABLE_RULE.fullmatch(line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        pairs = [f"{h}: {c}" for h, c in zip(header, cells, strict=False) if c]
        row = "; ".join(pairs) + "."
        out.append(row[:1].upper() + row[1:])
    return "\n".join(out)
