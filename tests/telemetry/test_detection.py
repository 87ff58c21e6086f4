"""Anomaly detection on synthetic histories: each fault is caught, a healthy day is quiet."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.engine import TelemetryEngine
from gateway.telemetry.model import (
    AlertCategory,
    AlertChange,
    AlertEvent,
    AlertKind,
    AlertState,
    Reading,
    Severity,
    Trend,
)
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.synthetic import Fault, FaultKind, SeriesShape, generate, inject
from tests.telemetry.conftest import crac_points_toml, write_points

MINUTE = 60.0
START = 1_750_000_800.0  # a Monday, 00:00 UTC
SHAPE = SeriesShape(mean=395, amplitude=20, noise=3.0, ar=0.5, weather=4, resolution=0.1)
SETTINGS = DetectionSettings(utc_offset_s=0.0)


def make_engine(tmp_path: Path, procedure: str | None = "crac-hp-trip-recovery") -> TelemetryEngine:
    text = crac_points_toml(5020, interval=MINUTE, procedure=procedure)
    return TelemetryEngine(load_point_list(write_points(tmp_path, text)), SETTINGS)


def history(days: float, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return generate(SHAPE, START, int(days * 1440), MINUTE, rng)


def learned_engine(
    tmp_path: Path, **kw: str | None
) -> tuple[TelemetryEngine, np.ndarray, np.ndarray]:
    """An engine that learned 3 days of discharge pressure; returns it and 2 more days."""
    engine = make_engine(tmp_path, **kw)
    ts, values = history(5)
    warm = 3 * 1440
    engine.warm_up("CRAC-01", "discharge_pressure", list(ts[:warm]), list(values[:warm]))
    return engine, ts[warm:], values[warm:]


def feed(
    engine: TelemetryEngine, ts: np.ndarray, values: np.ndarray
) -> list[tuple[int, AlertEvent]]:
    out = []
    for i, (t, v) in enumerate(zip(ts, values, strict=True)):
        value = None if math.isnan(v) else float(v)
        for ev in engine.ingest([Reading("CRAC-01", "discharge_pressure", float(t), value)]):
            out.append((i, ev))
    return out


def test_a_healthy_day_raises_nothing(tmp_path: Path) -> None:
    engine, ts, values = learned_engine(tmp_path)
    assert engine.detectors[("CRAC-01", "discharge_pressure")].ready
    assert feed(engine, ts[:1440], values[:1440]) == []
    latest = {r.point: r for r in engine.latest("CRAC-01", float(ts[1439]) + 30)}
    dp = latest["discharge_pressure"]
    assert dp.value == pytest.approx(values[1439]) and dp.age_s == pytest.approx(30)
    assert dp.expected is not None and abs(dp.expected - dp.value) < 15
    assert dp.trend in (Trend.UP, Trend.DOWN, Trend.FLAT)
    assert latest["suction_pressure"].value is None


def test_drift_is_caught_quickly_and_names_the_procedure(tmp_path: Path) -> None:
    engine, ts, values = learned_engine(tmp_path)
    start = 600
    faulty = inject(values, Fault(FaultKind.DRIFT, start, 240, 2.0), 0.1)  # +2 psig per minute
    events = feed(engine, ts, faulty)
    i, first = events[0]
    assert first.change is AlertChange.OPENED
    assert start <= i <= start + 12
    alert = first.alert
    assert (alert.tag, alert.point, alert.category) == (
        "CRAC-01",
        "discharge_pressure",
        AlertCategory.VALUE,
    )
    assert alert.kind is AlertKind.DRIFT and alert.severity is Severity.WARNING
    assert alert.procedure == "crac-hp-trip-recovery"
    assert alert.unit == "psig" and alert.observed is not None and alert.expected is not None
    assert alert.observed > alert.expected
    assert alert.message.startswith(f"CRAC-01 discharge pressure is {round(alert.observed)} psig, ")
    assert "usually about" in alert.message and "at this hour, rising for" in alert.message
    assert ts[start - 3] <= alert.since <= ts[i]
    # the drift keeps going past the normal range and the hard limit: one alert, escalated
    escalated = [ev for _, ev in events if ev.change is AlertChange.ESCALATED]
    assert escalated and escalated[-1].alert.id == alert.id
    assert escalated[-1].alert.severity is Severity.CRITICAL
    assert escalated[-1].alert.kind is AlertKind.HARD_LIMIT
    assert "above its 610 psig limit" in escalated[-1].alert.message
    assert len({ev.alert.id for _, ev in events if ev.alert.category is AlertCategory.VALUE}) == 1


def test_step_is_caught_and_clears_with_hysteresis(tmp_path: Path) -> None:
    engine, ts, values = learned_engine(tmp_path)
    faulty = inject(values, Fault(FaultKind.STEP, 300, 60, -25.0), 0.1)
    events = feed(engine, ts[:600], faulty[:600])
    opened = [(i, ev) for i, ev in events if ev.change is AlertChange.OPENED]
    cleared = [(i, ev) for i, ev in events if ev.change is AlertChange.CLEARED]
    assert len(opened) == 1 and 300 <= opened[0][0] <= 303
    alert = opened[0][1].alert
    assert alert.kind is AlertKind.STEP and "dropped to" in alert.message
    assert len(cleared) == 1 and cleared[0][1].alert.id == alert.id
    assert cleared[0][0] >= 360 + SETTINGS.clear_samples - 1
    assert engine.open_alerts() == ()


def test_stuck_sensor(tmp_path: Path) -> None:
    engine, ts, values = learned_engine(tmp_path)
    faulty = inject(values, Fault(FaultKind.STUCK, 200, 60), 0.1)
    events = feed(engine, ts[:400], faulty[:400])
    stuck = [(i, ev) for i, ev in events if ev.alert.kind is AlertKind.STUCK]
    assert stuck[0][1].change is AlertChange.OPENED and 200 <= stuck[0][0] <= 210
    assert "has read exactly" in stuck[0][1].alert.message
    assert stuck[0][1].alert.category is AlertCategory.SENSOR
    assert stuck[-1][1].change is AlertChange.CLEARED


def test_dropout(tmp_path: Path) -> None:
    engine, ts, values = learned_engine(tmp_path)
    faulty = inject(values, Fault(FaultKind.DROPOUT, 100, 10))
    events = feed(engine, ts[:200], faulty[:200])
    assert [(i, ev.change, ev.alert.kind) for i, ev in events] == [
        (102, AlertChange.OPENED, AlertKind.DROPOUT),
        (114, AlertChange.CLEARED, AlertKind.DROPOUT),
    ]
    assert (
        events[0][1].alert.message == "CRAC-01 discharge pressure has not reported for 2 minutes."
    )


def test_baseline_from_point_list_detects_without_history(tmp_path: Path) -> None:
    text = crac_points_toml(5020, interval=MINUTE).replace(
        "hard_high = 610", "hard_high = 610\nbaseline = { level = 390, spread = 3 }"
    )
    engine = TelemetryEngine(load_point_list(write_points(tmp_path, text)), SETTINGS)
    rng = np.random.default_rng(3)
    ts = START + np.arange(60) * MINUTE
    values = 390 + rng.normal(0, 3, 60)
    values[30:] += 30  # a 10-spread step, still inside the normal range
    events = feed(engine, ts, values)
    assert events and events[0][0] in (30, 31, 32) and events[0][1].alert.kind is AlertKind.STEP


def test_learning_from_scratch_still_checks_the_range(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    ts, values = history(0.2)
    values = values.copy()
    values[200:] += 470.0 - SHAPE.mean  # above the normal range (340..450)
    events = feed(engine, ts, values)
    assert not engine.detectors[("CRAC-01", "discharge_pressure")].ready
    assert [ev.alert.kind for _, ev in events] == [AlertKind.RANGE]
    assert events[0][0] == 201  # two samples in a row confirm
    assert "above its normal 340 to 450 psig" in events[0][1].alert.message


def test_communication_loss_and_recovery(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    assert engine.source_ok("crac01", 1000.0) == []
    assert engine.source_failed("crac01", 1004.0) == []
    [opened] = engine.source_failed("crac01", 1012.0)
    alert = opened.alert
    assert (opened.change, alert.category, alert.kind) == (
        AlertChange.OPENED,
        AlertCategory.COMM,
        AlertKind.COMM_LOST,
    )
    assert alert.message == "Communication lost with CRAC-01 controller for 12 seconds."
    assert alert.tag == "CRAC-01" and alert.source == "crac01" and alert.since == 1000.0
    assert engine.source_failed("crac01", 1020.0) == []  # deduplicated
    [acked] = [engine.acknowledge(alert.id, "tech-7", 1021.0)]
    assert acked is not None and acked.alert.state is AlertState.ACKNOWLEDGED
    assert engine.acknowledge(alert.id, "tech-7", 1022.0) is None
    assert engine.source_ok("crac01", 1030.0) == []  # hysteresis: one good poll is not enough
    [cleared] = engine.source_ok("crac01", 1032.0)
    assert cleared.change is AlertChange.CLEARED and cleared.alert.acknowledged_by == "tech-7"


@pytest.mark.parametrize("hour", [0, 3, 6, 9, 12, 15, 18, 21])
def test_the_simulator_serves_the_shape_its_seeded_history_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hour: int
) -> None:
    """The demo seeds history with ``generate`` and then serves ``normal_value``: at every
    hour they must agree, or the baseline sees a fault that is not there (the demo raised
    alerts on healthy units after midnight while the simulator lacked the history's second
    harmonic)."""
    import random

    from gateway.telemetry import simulator

    monkeypatch.setattr(simulator, "local_utc_offset", lambda: 0.0)
    points = load_point_list(write_points(tmp_path, crac_points_toml(5020)))
    point = points.points[0]
    shape = simulator.point_shape(point)
    ts = START + hour * 3600.0 + np.arange(600) * 6.0  # an hour of samples
    served = simulator.normal_value(point, random.Random(1))
    live = float(np.mean([served(float(t)) for t in ts]))
    _, seeded = generate(shape, float(ts[0]), len(ts), 6.0, np.random.default_rng(2), 0.0)
    assert abs(live - float(np.mean(seeded))) < 0.1 * shape.amplitude
