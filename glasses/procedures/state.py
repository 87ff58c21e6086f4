"""The runner's immutable state and the outcome of each command."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from glasses.procedures import speech
from glasses.procedures.worklog import LogEntry
from protocol.procedure import Document, Step


class Status(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"  # a reading outside its expected range (recorded)
    NEEDS_CONFIRMATION = "needs_confirmation"  # an unconfirmed hold point blocks the move
    REFUSED = "refused"  # not possible here (no such step, nothing to confirm, ...)
    COMPLETE = "complete"  # "next" on the last step: offer "end procedure"
    ENDED = "ended"


@dataclass(frozen=True)
class StepCard:
    """What the overlay shows: the current step of the running procedure."""

    procedure_id: str
    procedure_title: str
    step: Step
    total: int
    confirmed: bool  # the step's hold point is confirmed (False when it has none)


@dataclass(frozen=True)
class RunnerState:
    document: Document
    number: int  # the current step, 1-based
    started_at: datetime
    confirmed: frozenset[int] = frozenset()  # hold points confirmed so far

    @property
    def step(self) -> Step:
        return self.document.step(self.number)

    @property
    def total(self) -> int:
        return len(self.document.steps)

    def card(self) -> StepCard:
        d = self.document
        return StepCard(d.id, d.title, self.step, self.total, self.number in self.confirmed)

    def speech(self) -> str:
        return speech.step_speech(self.document, self.step, self.number in self.confirmed)

    def blocking_hold(self, before: int) -> Step | None:
        """The first unconfirmed hold point from the current step up to ``before`` - 1."""
        steps = self.document.steps[self.number - 1 : before - 1]
        return next((s for s in steps if s.is_hold and s.number not in self.confirmed), None)


@dataclass(frozen=True)
class Outcome:
    status: Status
    say: str
    state: RunnerState | None  # None once the procedure has ended
    show: StepCard | None
    log: tuple[LogEntry, ...] = ()
