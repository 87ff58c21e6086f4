"""Spoken numbers: "three hundred eighty", "seventy two point five", "4", "three eighty".

Works on normalised tokens (see :mod:`glasses.intent.normalize`). Covers zero up to
nine hundred ninety-nine thousand nine hundred ninety-nine, decimals spoken as
"point five" / "point two five" / "point twenty five", digits as Whisper writes
them, "minus"/"negative", "a hundred", and the colloquial "three eighty" (380) and
"fourteen fifty" (1450) forms used for gauge readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SMALL: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
DIGIT_WORDS: dict[str, int] = {**{k: v for k, v in SMALL.items() if v < 10}, "oh": 0, "o": 0}
NUMBER_WORDS: frozenset[str] = frozenset(
    {*SMALL, *TENS, "hundred", "thousand", "point", "minus", "negative"}
)
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Parsed:
    """A number found at ``start`` that ends just before token ``end``."""

    value: int | float
    start: int
    end: int


def _at(words: list[str], i: int) -> str:
    return words[i] if i < len(words) else ""


def _below_hundred(words: list[str], i: int) -> tuple[int, int] | None:
    """tens [unit] | teen | unit."""
    word = _at(words, i)
    if word in TENS:
        unit = SMALL.get(_at(words, i + 1), 0)
        return (TENS[word] + unit, i + 2) if 1 <= unit <= 9 else (TENS[word], i + 1)
    if word in SMALL:
        return SMALL[word], i + 1
    return None


def _group(words: list[str], i: int) -> tuple[int, int] | None:
    """A number below one thousand, incl. "a hundred" and colloquial "three eighty"."""
    word, following = _at(words, i), _at(words, i + 1)
    if word == "a" and following == "hundred":
        word = "one"
    if word in SMALL and following == "hundred":
        value, j = SMALL[word] * 100, i + 2
        j += _at(words, j) == "and"
        rest = _below_hundred(words, j)
        if rest is not None and rest[0] > 0:
            return value + rest[0], rest[1]
        return value, i + 2
    first = _below_hundred(words, i)
    if first is None:
        return None
    value, j = first
    if 1 <= value <= 19 and words[i] in SMALL:
        if _at(words, j) in ("oh", "o") and 1 <= SMALL.get(_at(words, j + 1), 0) <= 9:
            return value * 100 + SMALL[words[j + 1]], j + 2
        if _at(words, j) in TENS or 10 <= SMALL.get(_at(words, j), 0) <= 19:
            rest = _below_hundred(words, j)
            if rest is not None:
                return value * 100 + rest[0], rest[1]
    return value, j


def _integer(words: list[str], i: int) -> tuple[int | float, int] | None:
    word = _at(words, i)
    if _DIGITS.match(word):
        value: int | float = float(word) if "." in word else int(word)
        j = i + 1
    else:
        group = _group(words, i)
        if group is None:
            return None
        value, j = group
    if _at(words, j) == "thousand" and isinstance(value, int) and value < 1000:
        value, j = value * 1000, j + 1
        j_and = j + (_at(words, j) == "and")
        rest = _group(words, j_and)
        if rest is not None and rest[0] > 0:
            value, j = value + rest[0], rest[1]
    return value, j


def _fraction(words: list[str], i: int) -> tuple[str, int] | None:
    """Digits after "point": "five", "two five", "oh five", "twenty five", "25"."""
    if _DIGITS.match(_at(words, i)) and "." not in words[i]:
        return words[i], i + 1
    digits, j = "", i
    while _at(words, j) in DIGIT_WORDS:
        digits, j = digits + str(DIGIT_WORDS[words[j]]), j + 1
    if digits:
        return digits, j
    group = _below_hundred(words, i)
    if group is not None:
        return str(group[0]), group[1]
    return None


def parse_number_at(words: list[str], i: int) -> Parsed | None:
    """The longest number that starts at token ``i``, or None."""
    sign, j = 1, i
    if _at(words, j) in ("minus", "negative"):
        sign, j = -1, j + 1
    if _at(words, j) == "point":
        whole: tuple[int | float, int] | None = (0, j)
    else:
        whole = _integer(words, j)
    if whole is None:
        return None
    value, j = whole
    if _at(words, j) in ("point", "dot") and isinstance(value, int):
        fraction = _fraction(words, j + 1)
        if fraction is not None:
            value, j = float(f"{value}.{fraction[0]}"), fraction[1]
    if j == i or (j == i + 1 and words[i] == "point"):
        return None
    return Parsed(sign * value, i, j)


def find_number(words: list[str], start: int = 0) -> Parsed | None:
    """The first number at or after token ``start``."""
    for i in range(start, len(words)):
        parsed = parse_number_at(words, i)
        if parsed is not None:
            return parsed
    return None


def parse_number(text: str) -> int | float | None:
    """The number that ``text`` (normalised words) consists of, or None if it is not one."""
    words = text.split()
    parsed = parse_number_at(words, 0)
    if parsed is None or parsed.end != len(words):
        return None
    return parsed.value


def parse_ordinal_or_number(words: list[str], i: int) -> Parsed | None:
    """A step number: "four", "4", "fourth", "number twelve"."""
    j = i + (_at(words, i) == "number")
    if _at(words, j) in ORDINALS:
        return Parsed(ORDINALS[words[j]], i, j + 1)
    parsed = parse_number_at(words, j)
    if parsed is None or not isinstance(parsed.value, int):
        return None
    return Parsed(parsed.value, i, parsed.end)
