"""Tokens, numbers and sentences: what BM25, the groundedness check and TTS rely on."""

from __future__ import annotations

from gateway.knowledge.streaming import SentenceSplitter
from gateway.knowledge.text import (
    clean_for_speech,
    index_tokens,
    numbers,
    split_sentences,
    table_to_lines,
)


def test_alarm_codes_and_part_numbers_survive_tokenising() -> None:
    tokens = index_tokens("Alarm A07 on HP-01 with R-410A; replace FLT-2040-M8 on a Liebert DS-105")
    for token in ("a07", "hp-01", "hp01", "r-410a", "r410a", "flt-2040-m8", "ds-105"):
        assert token in tokens
    assert "the" not in tokens and "on" not in tokens


def test_query_spelling_variants_share_tokens() -> None:
    assert "hp01" in index_tokens("HP01") and "hp01" in index_tokens("hp-01")
    assert set(index_tokens("compressor cycling")) & set(index_tokens("the compressor cycles"))


def test_numbers_are_normalised_and_codes_are_not_numbers() -> None:
    assert numbers("450.0 psig, 1,200 rpm and 3.5 bar") == {"450", "1200", "3.5"}
    assert "07" not in numbers("alarm A07")


def test_sentences_respect_decimals_abbreviations_and_step_numbers() -> None:
    text = "Step 3. Read the gauge, e.g. the suction side. It reads 3.5 bar! Then:\n- stop\n- log"
    assert split_sentences(text) == [
        "Step 3. Read the gauge, e.g. the suction side.",
        "It reads 3.5 bar!",
        "Then:",
        "stop",
        "log",
    ]


def test_streaming_splitter_emits_each_sentence_once_complete() -> None:
    splitter = SentenceSplitter()
    got: list[str] = []
    for delta in ["The max", " is 3", ".", "5 bar", ".", " Check", " the **gauge**", "."]:
        got += splitter.feed(delta)
    assert got == ["The max is 3.5 bar."]
    assert splitter.flush() == ["Check the gauge."]


def test_markdown_is_cleaned_for_speech() -> None:
    assert clean_for_speech("- **Never** open `the` [door](x.md)\n") == "Never open the door"


def test_table_rows_become_sentences() -> None:
    table = "| Code | Meaning |\n| --- | --- |\n| U-204 | Battery hot |"
    assert table_to_lines(table) == "Code: U-204; Meaning: Battery hot."
