"""Procedures on the glasses: the local library, the step runner and the work log."""

from glasses.procedures.library import Candidate, Library
from glasses.procedures.runner import Outcome, ProcedureRunner, RunnerState, Status, StepCard
from glasses.procedures.worklog import EntryKind, LogEntry, LoggedReading, WorkLog, WorkLogError

__all__ = [
    "Candidate",
    "EntryKind",
    "Library",
    "LogEntry",
    "LoggedReading",
    "Outcome",
    "ProcedureRunner",
    "RunnerState",
    "Status",
    "StepCard",
    "WorkLog",
    "WorkLogError",
]
