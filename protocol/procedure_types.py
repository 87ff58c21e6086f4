"""The parsed form of a knowledge document (see PROCEDURE_FORMAT.md).

Import these from :mod:`protocol.procedure`; this module only holds the types
so the front-matter and body parsers can share them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from protocol.procedure_reading import ExpectedReading

#: Equipment types a document or the equipment registry may name.
EQUIPMENT_TYPES: tuple[str, ...] = (
    "crac", "crah", "chiller", "ups", "pdu", "rpp", "generator", "ats",
    "pump", "dry-cooler", "humidifier", "fire-suppression", "room",
)  # fmt: skip


class DocumentError(ValueError):
    """A document is invalid; ``str(error)`` is ``"path:line: message"``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class Kind(enum.StrEnum):
    """What a document is: a procedure (SOP/MOP/EOP), safety information or reference."""

    SOP = "SOP"  # standard operating procedure
    MOP = "MOP"  # method of procedure (planned change)
    EOP = "EOP"  # emergency operating procedure
    SAFETY = "SAFETY"
    REF = "REF"

    @property
    def is_procedure(self) -> bool:
        return self in (Kind.SOP, Kind.MOP, Kind.EOP)


class SafetyLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Step:
    """One numbered step of a procedure."""

    number: int  # 1-based, consecutive
    text: str  # the instruction, continuation lines joined by spaces
    hold: str | None = None  # hold point: what must be confirmed before moving on
    expected: ExpectedReading | None = None  # reading to take at this step
    cautions: tuple[str, ...] = ()  # spoken and shown with the step
    line: int = 0  # line of the step in its file (for messages)

    @property
    def is_hold(self) -> bool:
        return self.hold is not None


@dataclass(frozen=True)
class Section:
    """One ``##`` section: the unit of retrieval (document id, title, heading)."""

    heading: str  # "" for text before the first ``##`` heading
    text: str  # the section's Markdown body, stripped
    line: int = 0  # line of the heading in its file


@dataclass(frozen=True)
class Document:
    """A parsed, validated knowledge document. Never half-parsed."""

    id: str
    title: str
    kind: Kind
    equipment_types: tuple[str, ...]
    equipment_tags: tuple[str, ...]
    safety_level: SafetyLevel
    ppe: tuple[str, ...]
    estimated_minutes: int | None
    alarm_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    sources: tuple[str, ...]
    warnings: tuple[str, ...]
    tools: tuple[str, ...]
    steps: tuple[Step, ...]
    sections: tuple[Section, ...]
    sha256: str  # hex digest of the file's UTF-8 bytes
    path: str

    @property
    def is_procedure(self) -> bool:
        return self.kind.is_procedure

    def step(self, number: int) -> Step:
        """Step ``number`` (1-based); IndexError names the valid range."""
        if not self.steps:
            raise IndexError(f"{self.id} has no steps")
        if not 1 <= number <= len(self.steps):
            raise IndexError(f"{self.id} has steps 1 to {len(self.steps)}, not {number}")
        return self.steps[number - 1]

    def section(self, heading: str) -> Section | None:
        """The first section whose heading matches ``heading`` (case-insensitive)."""
        wanted = heading.casefold()
        return next((s for s in self.sections if s.heading.casefold() == wanted), None)
