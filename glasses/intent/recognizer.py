"""Understand one utterance: grammar first, the ONNX classifier for paraphrases, else ask.

A confident grammar match wins; otherwise the classifier's intent is taken when its
probability reaches ``IntentConfig.model_threshold`` and its slots can be filled by
the same slot parsers the grammar uses; anything else becomes ``ask{question}``.
Without a wake word (command mode) only :func:`is_confident_command` results count.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from glasses.intent.classifier import IntentClassifier, Prediction
from glasses.intent.grammar import match
from glasses.intent.normalize import command_text, strip_wake
from glasses.intent.numbers import parse_ordinal_or_number
from glasses.intent.procedures import ProcedureTuple
from glasses.intent.slots import GrammarContext, procedure_slots
from glasses.intent.types import NAVIGATION_COMMANDS, Intent, IntentResult, SlotValue, Source
from glasses.intent.units import DegreesDefault, find_reading

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntentConfig:
    """Intent recognition settings (the model path is ``models.intent``)."""

    model_threshold: float = 0.35
    """Least classifier probability taken as an intent; below it the utterance is a question."""
    grammar_threshold: float = 0.9
    """Least grammar confidence that wins over the classifier (exact matches score 1.0)."""
    degrees: DegreesDefault = DegreesDefault.FAHRENHEIT
    """Unit of a bare "degrees" in a reading (°F or °C)."""
    procedure_min_score: float = 0.5
    """Least name-overlap score (0..1) for a spoken procedure name to match one on the device."""
    command_intents: tuple[Intent, ...] = tuple(sorted(NAVIGATION_COMMANDS))
    """Intents accepted without the wake word, and only from an exact grammar match."""


def is_confident_command(
    result: IntentResult, commands: Sequence[Intent] = tuple(NAVIGATION_COMMANDS)
) -> bool:
    """True for an exact grammar match of a navigation command (next, previous, repeat,
    confirm, stop): the only results acted on without the wake word."""
    return (
        result.source is Source.GRAMMAR and result.confidence >= 1.0 and (result.intent in commands)
    )


def ask(text: str, confidence: float = 1.0, source: Source = Source.FALLBACK) -> IntentResult:
    """The utterance, without a leading wake phrase, as an open question."""
    return IntentResult(Intent.ASK, {"question": strip_wake(text)}, confidence, source, text)


def _model_slots(intent: Intent, text: str, ctx: GrammarContext) -> dict[str, SlotValue] | None:
    """Slots for a classifier hit; None when a required slot is missing (a step number,
    a reading's value, or a procedure on the device for start_procedure)."""
    words = command_text(text).split()
    if intent is Intent.GO_TO_STEP:
        for i in range(len(words)):
            step = parse_ordinal_or_number(words, i)
            if step is not None and isinstance(step.value, int) and step.value > 0:
                return {"number": step.value}
        return None
    if intent is Intent.RECORD_READING:
        reading = find_reading(words, 0, ctx.degrees)
        if reading is None:
            return None
        slots: dict[str, SlotValue] = {"value": reading.value}
        if reading.unit is not None:
            slots["unit"] = reading.unit
        return slots
    if intent is Intent.START_PROCEDURE:
        slots, _ = procedure_slots(" ".join(words), ctx)
        return slots if "procedure" in slots else None
    if intent is Intent.TAKE_NOTE:
        return {"text": strip_wake(text)}
    if intent is Intent.ASK:
        return {"question": strip_wake(text)}
    return {}


class IntentRecognizer:
    """Grammar + classifier. Build with :meth:`load`; give it the device's procedure list."""

    def __init__(
        self,
        classifier: IntentClassifier,
        config: IntentConfig = IntentConfig(),
        procedures: Sequence[ProcedureTuple] = (),
    ) -> None:
        self.classifier = classifier
        self.config = config
        self._procedures: tuple[ProcedureTuple, ...] = tuple(procedures)

    @classmethod
    def load(
        cls,
        config: IntentConfig = IntentConfig(),
        model: str | Path | None = None,
        procedures: Sequence[ProcedureTuple] = (),
    ) -> IntentRecognizer:
        """Load the classifier from ``model`` or ``glasses.models.resolve_intent()``."""
        from glasses.models import resolve_intent

        return cls(IntentClassifier.load(resolve_intent(model or None)), config, procedures)

    @property
    def procedures(self) -> tuple[ProcedureTuple, ...]:
        return self._procedures

    def set_procedures(self, procedures: Sequence[ProcedureTuple]) -> None:
        """Replace the procedure list (after a knowledge pack is activated)."""
        self._procedures = tuple(procedures)

    def _context(self, text: str) -> GrammarContext:
        return GrammarContext(
            text, self._procedures, self.config.degrees, self.config.procedure_min_score
        )

    def grammar(self, text: str) -> IntentResult | None:
        """The grammar's reading of ``text`` alone, or None."""
        return match(text, self._context(text))

    def is_command(self, text: str) -> bool:
        """True if ``text`` (a leading wake phrase allowed) is an exact grammar command: what
        the ASR may pick among its close readings of a misheard short command."""
        found = match(text, self._context(text))
        return found is not None and found.confidence >= 1.0 and found.intent is not Intent.ASK

    def recognize(self, text: str, *, strict: bool = False) -> IntentResult:
        """What ``text`` asks for. ``strict`` (command mode, no wake word): anything but a
        confident grammar navigation command comes back as ``ask`` with confidence 0."""
        ctx = self._context(text)
        found = match(text, ctx)
        if strict:
            if found is not None and is_confident_command(found, self.config.command_intents):
                return found
            return ask(text, 0.0)
        if found is not None and found.confidence >= self.config.grammar_threshold:
            return found
        if not command_text(text):
            return ask(text, 0.0)
        return self._combine(text, found, self.classifier.predict_one(text), ctx)

    def _combine(
        self, text: str, found: IntentResult | None, pred: Prediction, ctx: GrammarContext
    ) -> IntentResult:
        if found is not None and (pred.intent in (found.intent, Intent.ASK)
                                  or pred.confidence < found.confidence):  # fmt: skip
            return found
        if pred.confidence < self.config.model_threshold:
            return ask(text, 1.0 - pred.confidence)  # how sure we are it is no command
        slots = _model_slots(pred.intent, text, ctx)
        if slots is None:
            log.debug("model said %s for %r but its slots are missing", pred.intent, text)
            return ask(text, pred.confidence)
        if pred.intent is Intent.ASK:
            return ask(text, pred.confidence, Source.MODEL)
        return IntentResult(pred.intent, slots, pred.confidence, Source.MODEL, text)

    async def recognize_async(self, text: str, *, strict: bool = False) -> IntentResult:
        """:meth:`recognize` in a worker thread, for the asyncio loop."""
        return await asyncio.to_thread(self.recognize, text, strict=strict)
