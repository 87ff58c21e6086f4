"""Alert lifecycle: opened only when confirmed, deduplicated, no flapping, acknowledged, cleared."""

from __future__ import annotations

import itertools

import pytest

from gateway.telemetry.alerts import AlertBook, Draft, UnknownAlertError
from gateway.telemetry.findings import Finding
from gateway.telemetry.model import AlertCategory, AlertChange, AlertKind, AlertState, Severity

KEY = ("CRAC-01", "discharge_pressure", AlertCategory.VALUE)


def draft(f: Finding) -> Draft:
    return Draft(
        "CRAC-01", "discharge_pressure", "crac01", 512.0, 390.0, "psig", f"{f.kind.value}", "p"
    )


def finding(confirmed: bool = True, severity: Severity = Severity.WARNING) -> Finding:
    kind = AlertKind.HARD_LIMIT if severity is Severity.CRITICAL else AlertKind.DRIFT
    return Finding(kind, severity, confirmed, 100.0, 1)


def book() -> AlertBook:
    ids = (f"a{i}" for i in itertools.count(1))
    return AlertBook(clear_after=3, new_id=lambda: next(ids))


def test_only_a_confirmed_finding_opens_and_repeats_are_deduplicated() -> None:
    b = book()
    assert b.apply(KEY, finding(confirmed=False), 1.0, draft) is None
    opened = b.apply(KEY, finding(), 2.0, draft)
    assert opened is not None and opened.change is AlertChange.OPENED
    alert = opened.alert
    assert (alert.id, alert.state, alert.since, alert.opened_at) == (
        "a1",
        AlertState.OPEN,
        100.0,
        2.0,
    )
    assert (alert.observed, alert.expected, alert.unit, alert.procedure) == (
        512.0,
        390.0,
        "psig",
        "p",
    )
    for t in range(3, 10):
        assert b.apply(KEY, finding(), float(t), draft) is None
    assert [a.id for a in b.active()] == ["a1"]


def test_hysteresis_needs_consecutive_normal_samples() -> None:
    b = book()
    b.apply(KEY, finding(), 1.0, draft)
    # normal, normal, abnormal-but-unconfirmed (hold), normal, normal: still open
    for t, f in enumerate([None, None, finding(confirmed=False), None, None], start=2):
        assert b.apply(KEY, f, float(t), draft) is None
    cleared = b.apply(KEY, None, 7.0, draft)
    assert cleared is not None and cleared.change is AlertChange.CLEARED
    assert cleared.alert.state is AlertState.CLEARED and cleared.alert.cleared_at == 7.0
    assert b.active() == ()
    assert b.get("a1").state is AlertState.CLEARED
    reopened = b.apply(KEY, finding(), 8.0, draft)
    assert reopened is not None and reopened.alert.id == "a2"


def test_escalation_keeps_the_same_alert() -> None:
    b = book()
    b.apply(KEY, finding(), 1.0, draft)
    escalated = b.apply(KEY, finding(severity=Severity.CRITICAL), 2.0, draft)
    assert escalated is not None and escalated.change is AlertChange.ESCALATED
    assert escalated.alert.id == "a1" and escalated.alert.severity is Severity.CRITICAL
    assert escalated.alert.kind is AlertKind.HARD_LIMIT and escalated.alert.message == "hard_limit"
    assert b.apply(KEY, finding(), 3.0, draft) is None  # never de-escalates


def test_acknowledge() -> None:
    b = book()
    b.apply(KEY, finding(), 1.0, draft)
    acked = b.acknowledge("a1", "tech-7", 5.0)
    assert acked is not None and acked.change is AlertChange.ACKNOWLEDGED
    assert (acked.alert.state, acked.alert.acknowledged_by, acked.alert.acknowledged_at) == (
        AlertState.ACKNOWLEDGED,
        "tech-7",
        5.0,
    )
    assert b.acknowledge("a1", "tech-8", 6.0) is None
    with pytest.raises(UnknownAlertError):
        b.acknowledge("nope", "tech-7", 6.0)


def test_restore_takes_back_active_alerts() -> None:
    b = book()
    b.apply(KEY, finding(), 1.0, draft)
    stored = b.active()
    fresh = book()
    fresh.restore(stored)
    assert fresh.is_open(KEY)
    assert fresh.apply(KEY, finding(), 2.0, draft) is None  # deduplicated against the restored one
