"""Render a work log as a Markdown report a supervisor reads and signs."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from glasses.procedures.worklog import EntryKind, LogEntry, LoggedReading, WorkLog


def _when(at: datetime | None) -> str:
    if at is None:
        return "-"
    zone = at.tzname()
    return at.strftime("%Y-%m-%d %H:%M:%S") + (f" {zone}" if zone else "")


def _duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    seconds = max(0, round((end - start).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    return " (" + " ".join([*parts, f"{minutes} min", f"{secs} s"]) + ")"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _reading(r: LoggedReading) -> str:
    given = f"{_num(r.value)} {r.unit}"
    if r.converted is not None and r.unit != r.expected_unit:
        given += f" (= {_num(r.converted)} {r.expected_unit})"
    expected = f"{_num(r.low)} to {_num(r.high)} {r.expected_unit}"
    verdict = "in range" if r.in_range else f"**{r.verdict.value.upper()} - OUT OF RANGE**"
    return f"reading {r.name} = {given}, expected {expected}: {verdict}"


def _line(entry: LogEntry) -> str:
    time = entry.at.strftime("%H:%M:%S")
    if entry.kind is EntryKind.STEP:
        return f"- {time} shown"
    if entry.kind is EntryKind.CONFIRM:
        return f"- {time} hold point confirmed: {entry.text}"
    if entry.reading is not None:
        return f"- {time} {_reading(entry.reading)}"
    return f"- {time} {entry.kind.value}: {entry.text}"


def _header(log: WorkLog) -> list[str]:
    start, end = log.started_at, log.ended_at
    rows = [
        ("Procedure", f"{log.procedure_id} ({log.procedure_kind}), {log.total_steps} steps"),
        ("Document version", f"sha256 {log.document_sha256}"),
        ("Technician", log.technician or "-"),
        ("Device", log.device or "-"),
        ("Started", _when(start)),
        ("Ended", _when(end) + _duration(start, end)),
        ("Outcome", log.outcome),
        ("Readings", f"{len(log.readings())} recorded, {len(log.out_of_range())} out of range"),
    ]
    return [
        f"# Work log: {log.procedure_title}",
        "",
        "| Item | Value |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in rows),
    ]


def _steps(log: WorkLog) -> list[str]:
    by_step: dict[int, list[LogEntry]] = defaultdict(list)
    general: list[LogEntry] = []
    for entry in log.entries:
        if entry.step is not None:
            by_step[entry.step].append(entry)
        elif entry.kind not in (EntryKind.START, EntryKind.END):
            general.append(entry)
    out = ["", "## Steps"]
    for number in sorted(by_step):
        entries = by_step[number]
        text = next((e.text for e in entries if e.kind is EntryKind.STEP), "")
        out += ["", f"### Step {number}" + (f": {text}" if text else ""), ""]
        out += [_line(e) for e in entries]
    missing = [str(n) for n in range(1, log.total_steps + 1) if n not in by_step]
    if missing:
        out += ["", f"Steps never shown: {', '.join(missing)}."]
    if general:
        out += ["", "## Other entries", "", *(_line(e) for e in general)]
    return out


def render(log: WorkLog) -> str:
    """The whole report as Markdown text."""
    sign = [
        "",
        "## Sign-off",
        "",
        "Technician: ______________________________  Date: ____________",
        "",
        "Supervisor: ______________________________  Date: ____________",
        "",
    ]
    return "\n".join([*_header(log), *_steps(log), *sign])
