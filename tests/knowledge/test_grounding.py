"""The groundedness check and the extract fallback (no models needed)."""

from __future__ import annotations

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.grounding import GroundingChecker, extract_sentences


def _chunk(text: str, section: str = "Notes") -> Chunk:
    return Chunk(id=f"doc#{section}", doc_id="doc", title="Condenser pump restart", kind="EOP",
                 section=section, step=0, text=text, equipment_tags=(), equipment_types=(),
                 safety=False)


PASSAGE = _chunk(
    "Alarm P-17 is the motor overload trip. Reset the overload and start the pump from the "
    "local panel. The discharge pressure must be stable between 35 and 50 psig."
)


def test_a_faithful_sentence_is_supported() -> None:
    checker = GroundingChecker([PASSAGE], 0.6)
    verdict = checker.check("The discharge pressure should be stable between 35 and 50 psig.")
    assert verdict.supported and verdict.best_passage == 0


def test_numbers_not_in_the_passages_are_refused() -> None:
    verdict = GroundingChecker([PASSAGE], 0.6).check("The discharge pressure must be 60 psig.")
    assert not verdict.supported and verdict.missing_numbers == ("60",)


def test_unrelated_words_and_word_salad_are_refused() -> None:
    checker = GroundingChecker([PASSAGE], 0.6)
    assert not checker.check("Replace the compressor contactor with a new relay kit.").supported
    assert not checker.check("Start the alarm trip pressure overload panel motor.").supported


def test_refusals_and_prompt_copies_are_refused_and_filler_is_neutral() -> None:
    checker = GroundingChecker([PASSAGE], 0.6)
    assert not checker.check("I don't know.").supported
    assert not checker.check("[1] Condenser pump restart (step 2)").supported
    assert checker.check("Sure!").neutral


def test_extract_reads_the_sentences_that_match_the_question() -> None:
    chunk = _chunk("One. Two about pumps. Three about the overload reset. Four. Five.")
    got = extract_sentences("how do I reset the overload?", chunk, 2)
    assert got == ["Two about pumps.", "Three about the overload reset."]
    assert extract_sentences("anything", _chunk("Short passage."), 3) == ["Short passage."]
