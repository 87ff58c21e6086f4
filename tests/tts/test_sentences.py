"""Sentence splitting for streaming synthesis."""

from __future__ import annotations

import pytest

from glasses.tts import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Step 3 of 9. Read the gauge.", ["Step 3 of 9.", "Read the gauge."]),
        ("Expect 72.5 degrees. Then stop!", ["Expect 72.5 degrees.", "Then stop!"]),
        (
            "Use approx. 4 turns, e.g. on valve No. 4. Done?",
            ["Use approx. 4 turns, e.g. on valve No. 4.", "Done?"],
        ),
        (
            "Warnings:\n- Wear gloves.\n- Lock out first",
            ["Warnings:", "Wear gloves.", "Lock out first"],
        ),
        ("1. Open it.\n2. Close it.", ["Open it.", "Close it."]),
        ("Hello", ["Hello"]),
        ("", []),
        ("  ...  ", []),
    ],
)
def test_split(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_long_sentences_are_cut_at_commas() -> None:
    text = ("Check the valve, the compressor, the discharge line, the suction line, "
            "the condenser coil and the evaporator, and then report back.")  # fmt: skip
    pieces = split_sentences(text, max_chars=60)
    assert len(pieces) > 1
    assert all(len(p) <= 80 for p in pieces)
    assert " ".join(pieces) == text
