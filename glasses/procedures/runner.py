"""Run a procedure step by step: pure functions over an immutable :class:`RunnerState`.

Every command returns an :class:`Outcome`: what to say, which step card to show,
the work-log entries it produced and the new state. Rules: an unconfirmed hold
point cannot be passed (by "next" or "go to"); "confirm" only applies to a hold
point; a reading is judged against the step's expected range and logged, with a
spoken warning when out of range. Time comes from the caller (``now``), so the
functions are deterministic; :class:`ProcedureRunner` adds an injected clock and
keeps the state and the :class:`WorkLog`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from glasses.procedures import speech
from glasses.procedures.state import Outcome, RunnerState, Status, StepCard
from glasses.procedures.worklog import EntryKind, LogEntry, LoggedReading, WorkLog
from protocol.procedure import Document, Verdict

__all__ = [
    "Outcome",
    "ProcedureRunner",
    "RunnerState",
    "Status",
    "StepCard",
    "confirm",
    "end",
    "go_to",
    "next_step",
    "note",
    "previous_step",
    "read_warnings",
    "record_reading",
    "repeat",
    "start",
    "utc_now",
]


def _reply(state: RunnerState, status: Status, say: str, *log: LogEntry) -> Outcome:
    return Outcome(status, say, state, state.card(), log)


def _shown(state: RunnerState, now: datetime) -> LogEntry:
    return LogEntry(EntryKind.STEP, now, state.number, state.step.text)


def _move(state: RunnerState, number: int, now: datetime) -> Outcome:
    moved = replace(state, number=number)
    return _reply(moved, Status.OK, moved.speech(), _shown(moved, now))


def start(document: Document, now: datetime) -> Outcome:
    """Begin ``document`` at step 1. A document without steps is refused."""
    if not document.is_procedure:
        kind = document.kind.value
        return Outcome(Status.REFUSED, f"{document.title} is a {kind} document, not a procedure.",
                       None, None)  # fmt: skip
    state = RunnerState(document, 1, now)
    say = f"{speech.start_speech(document)} {state.speech()}"
    begun = LogEntry(EntryKind.START, now, None, document.title)
    return _reply(state, Status.OK, say, begun, _shown(state, now))


def next_step(state: RunnerState, now: datetime) -> Outcome:
    hold = state.blocking_hold(state.number + 1)
    if hold is not None:
        return _reply(state, Status.NEEDS_CONFIRMATION, speech.hold_blocked(hold))
    if state.number == state.total:
        say = (f"That was the last step: {state.document.title} is complete. "
               "Say end procedure to finish and close the work log.")  # fmt: skip
        return _reply(state, Status.COMPLETE, say)
    return _move(state, state.number + 1, now)


def previous_step(state: RunnerState, now: datetime) -> Outcome:
    if state.number == 1:
        return _reply(state, Status.REFUSED, "You are at step 1, the first step.")
    return _move(state, state.number - 1, now)


def repeat(state: RunnerState) -> Outcome:
    return _reply(state, Status.OK, state.speech())


def go_to(state: RunnerState, number: int, now: datetime) -> Outcome:
    if not 1 <= number <= state.total:
        say = f"There is no step {number}: this procedure has steps 1 to {state.total}."
        return _reply(state, Status.REFUSED, say)
    if number == state.number:
        return repeat(state)
    hold = state.blocking_hold(number)
    if hold is None:
        return _move(state, number, now)
    if hold.number == state.number:
        return _reply(state, Status.NEEDS_CONFIRMATION, speech.hold_blocked(hold))
    say = (f"Step {hold.number} is a hold point that is not confirmed yet: "
           f"go to step {hold.number} and confirm it first.")  # fmt: skip
    return _reply(state, Status.NEEDS_CONFIRMATION, say)


def confirm(state: RunnerState, now: datetime) -> Outcome:
    step = state.step
    if step.hold is None:
        return _reply(state, Status.REFUSED, f"Step {step.number} has nothing to confirm.")
    if step.number in state.confirmed:
        return _reply(state, Status.OK, f"Step {step.number} is already confirmed.")
    done = replace(state, confirmed=state.confirmed | {step.number})
    then = "Say end procedure to finish." if step.number == state.total else "Say next to go on."
    entry = LogEntry(EntryKind.CONFIRM, now, step.number, step.hold)
    return _reply(done, Status.OK, f"Step {step.number} confirmed. {then}", entry)


def record_reading(state: RunnerState, value: float, unit: str | None, now: datetime) -> Outcome:
    """Judge and log a reading for the current step (``unit`` None: the expected unit)."""
    expected = state.step.expected
    if expected is None:
        return _reply(state, Status.REFUSED, f"Step {state.number} does not ask for a reading.")
    if not math.isfinite(value):
        return _reply(state, Status.REFUSED, "That reading is not a number; say it again.")
    result = expected.check(value, unit)
    if result.verdict is Verdict.WRONG_UNIT:
        return _reply(
            state, Status.REFUSED, f"{result.describe()} Say it again in {expected.unit}."
        )
    entry = LogEntry(
        EntryKind.READING,
        now,
        state.number,
        expected.spoken_name,
        LoggedReading.from_verdict(result),
    )
    if result.ok:
        return _reply(state, Status.OK, f"{result.describe()} Recorded.", entry)
    say = f"{result.describe()} Recorded as out of range: check it before you go on."
    return _reply(state, Status.WARNING, say, entry)


def note(state: RunnerState, text: str, now: datetime) -> Outcome:
    if not text.strip():
        return _reply(state, Status.REFUSED, "The note is empty; say note followed by the text.")
    entry = LogEntry(EntryKind.NOTE, now, state.number, text.strip())
    return _reply(state, Status.OK, f"Note added to step {state.number}.", entry)


def read_warnings(state: RunnerState) -> Outcome:
    return _reply(state, Status.OK, speech.warnings_speech(state.document))


def end(state: RunnerState, now: datetime) -> Outcome:
    holds = {s.number for s in state.document.steps if s.is_hold}
    complete = state.number == state.total and holds <= state.confirmed
    where = f"stopped at step {state.number} of {state.total}"
    text = "completed" if complete else where
    say = (f"{state.document.title} completed." if complete
           else f"{state.document.title} ended early, {where}.")  # fmt: skip
    entry = LogEntry(EntryKind.END, now, None, text)
    return Outcome(Status.ENDED, f"{say} The work log is closed.", None, None, (entry,))


def utc_now() -> datetime:
    return datetime.now(UTC)


class ProcedureRunner:
    """Holds the running procedure's state and its work log; time from ``clock``.

    Commands when no procedure is running are refused ("No procedure is running.").
    After ``end`` the finished log stays in :attr:`log` until the next ``start``.
    """

    def __init__(
        self, clock: Callable[[], datetime] = utc_now, technician: str = "", device: str = ""
    ) -> None:
        self.clock = clock
        self.technician = technician
        self.device = device
        self.state: RunnerState | None = None
        self.log: WorkLog | None = None

    def _apply(self, outcome: Outcome) -> Outcome:
        self.state = outcome.state
        if self.log is not None:
            self.log = self.log.extend(outcome.log)
        return outcome

    def _run(self, command: Callable[[RunnerState], Outcome]) -> Outcome:
        if self.state is None:
            return Outcome(Status.REFUSED, "No procedure is running.", None, None)
        return self._apply(command(self.state))

    def start(self, document: Document) -> Outcome:
        if self.state is not None:
            title = self.state.document.title
            say = f"{title} is still running: say end procedure first."
            return _reply(self.state, Status.REFUSED, say)
        outcome = start(document, self.clock())
        if outcome.state is not None:
            self.log = WorkLog.for_document(document, self.technician, self.device)
        return self._apply(outcome)

    def next(self) -> Outcome:
        return self._run(lambda s: next_step(s, self.clock()))

    def previous(self) -> Outcome:
        return self._run(lambda s: previous_step(s, self.clock()))

    def repeat(self) -> Outcome:
        return self._run(repeat)

    def go_to(self, number: int) -> Outcome:
        return self._run(lambda s: go_to(s, number, self.clock()))

    def confirm(self) -> Outcome:
        return self._run(lambda s: confirm(s, self.clock()))

    def record_reading(self, value: float, unit: str | None = None) -> Outcome:
        return self._run(lambda s: record_reading(s, value, unit, self.clock()))

    def note(self, text: str) -> Outcome:
        return self._run(lambda s: note(s, text, self.clock()))

    def read_warnings(self) -> Outcome:
        return self._run(read_warnings)

    def end(self) -> Outcome:
        return self._run(lambda s: end(s, self.clock()))
