"""The intents the glasses understand and the result of recognising one utterance."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

SlotValue = str | int | float
"""A slot holds text (procedure id, note, question, unit), a step number or a reading value."""


class Intent(enum.StrEnum):
    """Everything a technician can ask for; ``ASK`` carries any other question."""

    START_PROCEDURE = "start_procedure"
    NEXT_STEP = "next_step"
    PREVIOUS_STEP = "previous_step"
    REPEAT_STEP = "repeat_step"
    GO_TO_STEP = "go_to_step"
    CONFIRM = "confirm"
    RECORD_READING = "record_reading"
    READ_WARNINGS = "read_warnings"
    LIST_PROCEDURES = "list_procedures"
    IDENTIFY_EQUIPMENT = "identify_equipment"
    TAKE_NOTE = "take_note"
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    END_PROCEDURE = "end_procedure"
    CONNECTION_STATUS = "connection_status"
    HELP = "help"
    ACKNOWLEDGE = "acknowledge"
    ASK = "ask"


class Source(enum.StrEnum):
    """Which part of the recogniser produced a result."""

    GRAMMAR = "grammar"
    MODEL = "model"
    FALLBACK = "fallback"
    """Nothing matched confidently: the utterance became an ``ask``."""


NAVIGATION_COMMANDS: frozenset[Intent] = frozenset(
    {Intent.NEXT_STEP, Intent.PREVIOUS_STEP, Intent.REPEAT_STEP, Intent.CONFIRM, Intent.STOP}
)
"""Commands accepted without the wake word (command mode), from a grammar match only."""


def freeze_slots(slots: Mapping[str, SlotValue] | None = None) -> Mapping[str, SlotValue]:
    """A read-only copy of ``slots``."""
    return MappingProxyType(dict(slots or {}))


@dataclass(frozen=True)
class IntentResult:
    """What one utterance asks for.

    Slots by intent: ``start_procedure`` → ``procedure`` (the id, when it matched the
    device's list) and ``name`` (the words spoken); ``go_to_step`` → ``number`` (int);
    ``record_reading`` → ``value`` (float) and ``unit`` (canonical, e.g. ``psig``,
    ``°F``; absent when none was spoken); ``take_note`` → ``text``; ``ask`` →
    ``question``.
    """

    intent: Intent
    slots: Mapping[str, SlotValue] = field(default_factory=freeze_slots)
    confidence: float = 1.0
    """0..1: 1.0 for an exact grammar match, the class probability for the model."""
    source: Source = Source.GRAMMAR
    text: str = ""
    """The utterance as transcribed."""

    def __post_init__(self) -> None:
        if not isinstance(self.slots, MappingProxyType):
            object.__setattr__(self, "slots", freeze_slots(self.slots))
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, got {self.confidence}")

    def slot(self, name: str, default: SlotValue | None = None) -> SlotValue | None:
        return self.slots.get(name, default)
