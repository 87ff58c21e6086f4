"""The work log: lossless JSON round trip, outbox payloads, the supervisor's report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glasses.procedures import (
    EntryKind,
    LogEntry,
    LoggedReading,
    ProcedureRunner,
    WorkLog,
    WorkLogError,
)
from protocol.procedure import Verdict, load_document

from .helpers import CRAC_DOC, FakeClock


@pytest.fixture(scope="module")
def finished() -> WorkLog:
    """A full run: every kind of entry, one reading out of range, a converted one."""
    runner = ProcedureRunner(FakeClock(step=37.5), technician="J. Doe", device="glasses-07")
    runner.start(load_document(CRAC_DOC))
    runner.next()
    runner.confirm()
    runner.next()
    runner.record_reading(480)
    runner.record_reading(2500, "kPa")
    runner.note("Condenser fan 2 breaker was off; reset it.")
    runner.next()
    runner.end()
    assert runner.log is not None
    return runner.log


def test_json_round_trip_is_lossless(finished: WorkLog) -> None:
    text = finished.to_json()
    assert WorkLog.from_json(text) == finished
    assert WorkLog.from_json(finished.to_json(indent=None)) == finished
    data = json.loads(text)
    assert data["format"] == "hfdc-worklog/1"
    assert data["entries"][0] == {
        "kind": "start",
        "at": "2026-03-02T09:00:37.500000+00:00",
        "step": None,
        "text": "CRAC compressor high-pressure trip recovery",
        "reading": None,
    }


def test_round_trip_of_odd_values() -> None:
    plus2 = timezone(timedelta(hours=2))
    log = WorkLog("p", "Título ü", "SOP", "ab" * 32, 3, entries=(
        LogEntry(EntryKind.READING, datetime(2026, 1, 1, 23, 59, 59, 123456, tzinfo=plus2), 2, "x",
                 LoggedReading("v", 0.1 + 0.2, "V", -1e-9, 1e9, "V", Verdict.IN_RANGE, None)),
        LogEntry(EntryKind.NOTE, datetime(2026, 1, 1, 12, 0), 3, "naive time"),
    ))  # fmt: skip
    again = WorkLog.from_json(log.to_json())
    assert again == log
    assert again.entries[0].reading is not None and again.entries[0].reading.value == 0.1 + 0.2
    assert again.entries[1].at.tzinfo is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "work log is not JSON: Expecting property name"),
        ("[]", "work log: 'format' must be 'hfdc-worklog/1'"),
        ('{"format": "other"}', "work log: 'format' must be 'hfdc-worklog/1'"),
        ('{"format": "hfdc-worklog/1"}', "worklog: missing field 'procedure_id'"),
    ],
)
def test_from_json_rejects_malformed(text: str, message: str) -> None:
    with pytest.raises(WorkLogError, match="^" + message):
        WorkLog.from_json(text)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("total_steps",), "4", "worklog.total_steps: expected int, got '4'"),
        (("total_steps",), True, "worklog.total_steps: expected int, got True"),
        (("technician",), 7, "worklog.technician: expected str, got 7"),
        (("entries",), {}, "worklog.entries: expected a list, got {}"),
        (("entries", 0), "x", "worklog.entries[0]: expected an object, got 'x'"),
        (("entries", 0, "kind"), "lunch", "worklog.entries[0].kind: expected one of 'start', "),
        (("entries", 0, "at"), 5, "worklog.entries[0].at: expected an ISO 8601 time, got 5"),
        (("entries", 0, "at"), "noon", "worklog.entries[0].at: expected an ISO 8601 time"),
        (("entries", 0, "extra"), 1, "worklog.entries[0]: unknown field 'extra'"),
        (
            ("entries", 5, "reading", "value"),
            "hot",
            "worklog.entries[5].reading.value: expected float, got 'hot'",
        ),
    ],
)
def test_from_json_names_the_bad_field(
    finished: WorkLog, path: tuple[str | int, ...], value: object, message: str
) -> None:
    data = json.loads(finished.to_json())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(WorkLogError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        WorkLog.from_json(json.dumps(data))


def test_nested_unknown_fields_are_named() -> None:
    data = json.loads(WorkLog("p", "t", "SOP", "0", 1).to_json())
    data["entries"] = [{"kind": "note", "at": "2026-01-01T00:00:00", "reading": {
        "name": "v", "value": 1, "unit": "V", "low": 0, "high": 1, "expected_unit": "V",
        "verdict": "in range", "converted": 1, "bogus": 2}}]  # fmt: skip
    with pytest.raises(WorkLogError, match=r"entries\[0\]\.reading: unknown field 'bogus'"):
        WorkLog.from_json(json.dumps(data))


def test_summary_properties(finished: WorkLog) -> None:
    assert finished.started_at is not None and finished.ended_at is not None
    assert finished.ended_at > finished.started_at
    assert finished.outcome == "completed"
    assert len(finished.readings()) == 2 and len(finished.out_of_range()) == 1
    empty = WorkLog("p", "t", "SOP", "0", 1)
    assert (empty.started_at, empty.ended_at, empty.outcome) == (None, None, "not ended")


def test_outbox_payloads(finished: WorkLog) -> None:
    start, reading = finished.entries[0], finished.readings()[1]
    assert start.record_kind == "event"
    assert start.payload("crac-hp-trip-recovery") == {
        "procedure_id": "crac-hp-trip-recovery",
        "entry": "start",
        "text": "CRAC compressor high-pressure trip recovery",
    }
    assert reading.record_kind == "reading"
    payload = reading.payload("crac-hp-trip-recovery")
    assert payload["verdict"] == "in range" and payload["unit"] == "kPa"
    assert payload["step"] == 3 and payload["expected_unit"] == "psig"
    assert payload["converted"] == pytest.approx(362.594, rel=1e-5)
    assert all(isinstance(v, str | int | float | type(None)) for v in payload.values())
    bare = LogEntry(EntryKind.END, datetime(2026, 1, 1), None, "")
    assert bare.payload("p") == {"procedure_id": "p", "entry": "end"}


def test_report_has_everything_a_supervisor_signs(finished: WorkLog) -> None:
    report = finished.to_report()
    lines = report.splitlines()
    assert lines[0] == "# Work log: CRAC compressor high-pressure trip recovery"
    for row in [
        "| Procedure | crac-hp-trip-recovery (EOP), 4 steps |",
        f"| Document version | sha256 {finished.document_sha256} |",
        "| Technician | J. Doe |",
        "| Device | glasses-07 |",
        "| Started | 2026-03-02 09:00:37 UTC |",
        "| Ended | 2026-03-02 09:05:37 UTC (5 min 0 s) |",
        "| Outcome | completed |",
        "| Readings | 2 recorded, 1 out of range |",
        "### Step 2: Apply lockout/tagout to the unit's disconnect.",
        "- 09:01:52 hold point confirmed: Confirm the disconnect is locked and tagged and "
        "zero energy is verified.",
        "- 09:02:30 shown",
        "- 09:03:07 reading discharge_pressure = 480 psig, expected 250 to 450 psig: "
        "**HIGH - OUT OF RANGE**",
        "- 09:03:45 reading discharge_pressure = 2500 kPa (= 362.59 psig), expected 250 to "
        "450 psig: in range",
        "- 09:04:22 note: Condenser fan 2 breaker was off; reset it.",
        "## Sign-off",
    ]:
        assert row in lines, row
    assert "Steps never shown" not in report


def test_report_of_a_partial_log() -> None:
    t = datetime(2026, 1, 1, 8, 0)
    log = WorkLog("p", "Pump check", "SOP", "0", 3, entries=(
        LogEntry(EntryKind.START, t, None, "Pump check"),
        LogEntry(EntryKind.NOTE, t + timedelta(hours=1, minutes=2, seconds=3), None, "General."),
        LogEntry(EntryKind.END, t + timedelta(hours=1, minutes=2, seconds=3), None, "completed"),
        LogEntry(EntryKind.NOTE, t, 2, "No step shown here."),
    ))  # fmt: skip
    lines = log.to_report().splitlines()
    assert "| Started | 2026-01-01 08:00:00 |" in lines
    assert "| Ended | 2026-01-01 09:02:03 (1 h 2 min 3 s) |" in lines
    assert "| Technician | - |" in lines
    assert "### Step 2" in lines and "- 08:00:00 note: No step shown here." in lines
    assert "Steps never shown: 1, 3." in lines
    assert "## Other entries" in lines and "- 09:02:03 note: General." in lines
    running = WorkLog("p", "Pump check", "SOP", "0", 1).to_report().splitlines()
    assert "| Started | - |" in running and "| Ended | - |" in running


_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_floats = st.floats(allow_nan=False, allow_infinity=False)
_readings = st.builds(
    LoggedReading, st.text(), _floats, st.text(), _floats, _floats, st.text(),
    st.sampled_from(Verdict), st.none() | _floats,
)  # fmt: skip
_entries = st.builds(
    LogEntry, st.sampled_from(EntryKind), _times, st.none() | st.integers(1, 999), st.text(),
    st.none() | _readings,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_entries, max_size=8), st.text(), st.text())
def test_any_log_round_trips(entries: list[LogEntry], technician: str, device: str) -> None:
    log = WorkLog("p", "Title", "SOP", "0" * 64, 5, technician, device, tuple(entries))
    assert WorkLog.from_json(log.to_json()) == log
