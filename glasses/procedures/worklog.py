"""The work log of one procedure run: what was shown, confirmed, read and noted, and when.

A :class:`WorkLog` is immutable; the runner produces :class:`LogEntry` values and
the log grows with :meth:`WorkLog.extend`. It exports losslessly to JSON
(:meth:`to_json` / :meth:`from_json`), flattens each entry into an outbox record
payload (:meth:`LogEntry.payload`), and renders a report a supervisor signs
(:meth:`to_report`, see glasses.procedures.report).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from glasses.procedures.codec import CodecError, from_data, to_data
from protocol.procedure import Document, ReadingVerdict, Verdict

FORMAT = "hfdc-worklog/1"
"""The ``format`` field of a work log's JSON export."""

Scalar = str | int | float | bool | None


class WorkLogError(ValueError):
    """A work log's JSON export is malformed; the message names the field."""


class EntryKind(enum.StrEnum):
    START = "start"  # procedure started
    STEP = "step"  # a step was shown (text: the step's instruction)
    CONFIRM = "confirm"  # a hold point was confirmed (text: what was confirmed)
    READING = "reading"  # a reading was recorded (see LogEntry.reading)
    NOTE = "note"  # the technician dictated a note (text)
    END = "end"  # procedure ended (text: "completed" or where it stopped)


@dataclass(frozen=True)
class LoggedReading:
    """A recorded reading with the range it was judged against."""

    name: str
    value: float  # as said
    unit: str  # as said (canonical spelling when recognised)
    low: float
    high: float
    expected_unit: str
    verdict: Verdict
    converted: float | None = None  # the value in expected_unit

    @classmethod
    def from_verdict(cls, result: ReadingVerdict) -> LoggedReading:
        e = result.expected
        return cls(
            e.name, result.value, result.unit, e.low, e.high, e.unit, result.verdict,
            result.converted,
        )  # fmt: skip

    @property
    def in_range(self) -> bool:
        return self.verdict is Verdict.IN_RANGE


@dataclass(frozen=True)
class LogEntry:
    """One timestamped line of the work log."""

    kind: EntryKind
    at: datetime
    step: int | None = None  # 1-based step number; None for start/end
    text: str = ""
    reading: LoggedReading | None = None

    @property
    def record_kind(self) -> str:
        """The outbox record kind (protocol ``Record.kind``): start and end are "event"."""
        return "event" if self.kind in (EntryKind.START, EntryKind.END) else self.kind.value

    def payload(self, procedure_id: str) -> dict[str, Scalar]:
        """A flat JSON object for an outbox record (``Record.payload``)."""
        out: dict[str, Scalar] = {"procedure_id": procedure_id, "entry": self.kind.value}
        if self.step is not None:
            out["step"] = self.step
        if self.text:
            out["text"] = self.text
        if self.reading is not None:
            r = self.reading
            out.update(
                name=r.name, value=r.value, unit=r.unit, low=r.low, high=r.high,
                expected_unit=r.expected_unit, verdict=r.verdict.value, converted=r.converted,
            )  # fmt: skip
        return out


@dataclass(frozen=True)
class WorkLog:
    """Everything recorded during one run of one procedure."""

    procedure_id: str
    procedure_title: str
    procedure_kind: str  # SOP, MOP or EOP
    document_sha256: str  # the exact document version followed
    total_steps: int
    technician: str = ""
    device: str = ""
    entries: tuple[LogEntry, ...] = ()

    @classmethod
    def for_document(cls, document: Document, technician: str = "", device: str = "") -> WorkLog:
        return cls(
            document.id, document.title, document.kind.value, document.sha256,
            len(document.steps), technician, device,
        )  # fmt: skip

    def extend(self, entries: Iterable[LogEntry]) -> WorkLog:
        return replace(self, entries=self.entries + tuple(entries))

    def _first(self, kind: EntryKind) -> LogEntry | None:
        return next((e for e in self.entries if e.kind is kind), None)

    @property
    def started_at(self) -> datetime | None:
        start = self._first(EntryKind.START)
        return None if start is None else start.at

    @property
    def ended_at(self) -> datetime | None:
        end = self._first(EntryKind.END)
        return None if end is None else end.at

    @property
    def outcome(self) -> str:
        """ "completed", where it stopped, or "not ended" while running."""
        end = self._first(EntryKind.END)
        return "not ended" if end is None else end.text

    def readings(self) -> tuple[LogEntry, ...]:
        return tuple(e for e in self.entries if e.reading is not None)

    def out_of_range(self) -> tuple[LogEntry, ...]:
        return tuple(e for e in self.readings() if e.reading and not e.reading.in_range)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps({"format": FORMAT, **to_data(self)}, ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> WorkLog:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WorkLogError(f"work log is not JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise WorkLogError(f"work log: 'format' must be {FORMAT!r}")
        fields = {k: v for k, v in data.items() if k != "format"}
        try:
            log: WorkLog = from_data(cls, fields, "worklog")
        except CodecError as exc:
            raise WorkLogError(str(exc)) from None
        return log

    def to_report(self) -> str:
        """A plain-text/Markdown report for the technician's and supervisor's signatures."""
        from glasses.procedures.report import render

        return render(self)
