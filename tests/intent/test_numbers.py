"""Spoken numbers as Whisper may write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glasses.intent.normalize import normalize
from glasses.intent.numbers import parse_number

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
    "fifteen sixteen seventeen eighteen nineteen".split()  # fmt: skip
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def words_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        parts.append(TENS[rest // 10] + (f" {ONES[rest % 10]}" if rest % 10 else ""))
    elif rest or not hundreds:
        parts.append(ONES[rest])
    return " ".join(parts)


def spell(n: int) -> str:
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return words_below_thousand(rest)
    tail = f" {words_below_thousand(rest)}" if rest else ""
    return f"{words_below_thousand(thousands)} thousand{tail}"


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("zero", 0),
        ("four", 4),
        ("twelve", 12),
        ("three hundred eighty", 380),
        ("three hundred and eighty", 380),
        ("seventy two point five", 72.5),
        ("point five", 0.5),
        ("zero point two five", 0.25),
        ("seventy two point twenty five", 72.25),
        ("a hundred", 100),
        ("one thousand two hundred", 1200),
        ("nine hundred ninety nine thousand nine hundred ninety nine", 999_999),
        ("three eighty", 380),
        ("fourteen fifty", 1450),
        ("three oh five", 305),
        ("minus five", -5),
        ("4", 4),
        ("72.5", 72.5),
    ],
)
def test_spoken_numbers(spoken: str, value: float) -> None:
    assert parse_number(spoken) == value


@pytest.mark.parametrize(("written", "value"), [("1,450", 1450), ("-5", -5), ("72.5.", 72.5)])
def test_whisper_digits_are_normalised(written: str, value: float) -> None:
    assert parse_number(normalize(written)) == value


@pytest.mark.parametrize("text", ["", "hello", "one two", "point", "hundred"])
def test_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@given(st.integers(min_value=0, max_value=999_999))
def test_every_spelled_integer_parses(n: int) -> None:
    assert parse_number(spell(n)) == n


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=9))
def test_decimals(whole: int, tenth: int) -> None:
    assert parse_number(f"{spell(whole)} point {ONES[tenth]}") == pytest.approx(whole + tenth / 10)
