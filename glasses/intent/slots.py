"""Slot parsers shared by the grammar and the classifier path."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from glasses.intent.normalize import command_text, normalize
from glasses.intent.numbers import parse_ordinal_or_number
from glasses.intent.procedures import ProcedureTuple, best_match, content_words
from glasses.intent.types import SlotValue
from glasses.intent.units import DegreesDefault, find_reading

WEAK_CONFIDENCE = 0.7
"""Confidence of a grammar hit whose slots did not resolve (an unknown procedure name)."""


@dataclass(frozen=True)
class GrammarContext:
    """What slot parsing needs besides the words."""

    text: str
    procedures: Sequence[ProcedureTuple] = ()
    degrees: DegreesDefault = DegreesDefault.FAHRENHEIT
    procedure_min_score: float = 0.5


SlotParse = tuple[dict[str, SlotValue], float] | None
Extractor = Callable[[re.Match[str], GrammarContext], SlotParse]


def no_slots(_m: re.Match[str], _ctx: GrammarContext) -> SlotParse:
    return {}, 1.0


STEP_HOMOPHONES: dict[str, str] = {"for": "four", "fore": "four", "to": "two", "too": "two",
                                   "won": "one", "ate": "eight", "tree": "three"}  # fmt: skip
"""What ASR writes for a lone step number ("go to step for")."""


def step_number(m: re.Match[str], _ctx: GrammarContext) -> SlotParse:
    words = m.group("n").split()
    if len(words) == 1:
        words = [STEP_HOMOPHONES.get(words[0], words[0])]
    parsed = parse_ordinal_or_number(words, 0)
    if parsed is None or parsed.end != len(words) or parsed.value == 0:
        return None
    return {"number": int(parsed.value)}, 1.0


def reading(m: re.Match[str], ctx: GrammarContext, *, unit_required: bool) -> SlotParse:
    words = m.group("rest").split()
    reading = find_reading(words, 0, ctx.degrees)
    if reading is None or reading.end != len(words):
        return None
    if unit_required and reading.unit is None:
        return None
    slots: dict[str, SlotValue] = {"value": reading.value}
    if reading.unit is not None:
        slots["unit"] = reading.unit
    if reading.start > 0:
        slots["name"] = " ".join(words[: reading.start])
    return slots, 1.0


def _original_tail(text: str, normalised_tail: str) -> str:
    """The words of ``text`` (case and punctuation kept) that normalise to the tail."""
    words = text.split()
    for k in range(len(words)):
        tail = " ".join(words[k:])
        if normalize(tail) == normalised_tail or command_text(tail) == normalised_tail:
            return tail.strip(" :,;-\u2013\u2014").rstrip(".!?")
    return normalised_tail


def note(m: re.Match[str], ctx: GrammarContext) -> SlotParse:
    return {"text": _original_tail(ctx.text, m.group("text"))}, 1.0


def procedure_slots(spoken: str, ctx: GrammarContext) -> tuple[dict[str, SlotValue], float]:
    """``procedure`` (id) when the name matched the device's list, always ``name``."""
    slots: dict[str, SlotValue] = {"name": spoken}
    match = best_match(spoken, ctx.procedures, ctx.procedure_min_score)
    if match is None:
        return slots, WEAK_CONFIDENCE
    slots["procedure"] = match.id
    return slots, 1.0


def procedure(m: re.Match[str], ctx: GrammarContext) -> SlotParse:
    spoken = re.sub(r"^(?:the|a|an|my) ", "", m.group("name"))
    if not content_words(spoken):
        return {}, WEAK_CONFIDENCE
    return procedure_slots(spoken, ctx)
