"""Spoken messages and the procedure an alert names."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.telemetry.findings import Finding
from gateway.telemetry.model import AlertKind, Severity
from gateway.telemetry.points import PointList
from gateway.telemetry.procedures import ProcedureResolver, load_site_documents
from gateway.telemetry.speech import comm_lost, describe, duration, number
from tests.telemetry.conftest import SAMPLE_DOCS


def test_the_drift_message_reads_naturally(sample_points: PointList) -> None:
    point = sample_points.point("CRAC-01", "discharge_pressure")
    f = Finding(AlertKind.DRIFT, Severity.WARNING, True, since=1000.0, direction=1)
    text = describe(point, f, 512.3, 390.4, now=1000.0 + 14 * 60)
    assert text == (
        "CRAC-01 discharge pressure is 512 psig, usually about 390 at this hour, "
        "rising for 14 minutes."
    )


def test_other_messages(sample_points: PointList) -> None:
    temp = sample_points.point("CRAC-02", "supply_air_temp")
    hard = Finding(AlertKind.HARD_LIMIT, Severity.CRITICAL, True, 0.0, 1, limit=27.0)
    assert describe(temp, hard, 28.46, 18.0, 20.0) == (
        "CRAC-02 supply air temperature is 28.5 degrees, above its 27 degrees limit, "
        "for 20 seconds."
    )
    low = Finding(AlertKind.RANGE, Severity.WARNING, True, 0.0, -1, limit=100.0)
    suction = sample_points.point("CRAC-01", "suction_pressure")
    assert describe(suction, low, 92.0, None, 300.0) == (
        "CRAC-01 suction pressure is 92 psig, below its normal 100 to 140 psig, for 5 minutes."
    )
    step = Finding(AlertKind.STEP, Severity.WARNING, True, 0.0, -1)
    assert describe(suction, step, 101.0, 121.0, 180.0) == (
        "CRAC-01 suction pressure dropped to 101 psig 3 minutes ago, "
        "usually about 121 at this hour."
    )
    stuck = Finding(AlertKind.STUCK, Severity.WARNING, True, 0.0, 0)
    assert describe(suction, stuck, 120.0, 121.0, 7200.0) == (
        "CRAC-01 suction pressure has read exactly 120 psig for 2 hours; the sensor may be stuck."
    )
    assert comm_lost("CRAC-01 controller", 12.4) == (
        "Communication lost with CRAC-01 controller for 12 seconds."
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 second"),
        (59, "59 seconds"),
        (95, "2 minutes"),
        (5400, "1 hour 30 minutes"),
        (7200, "2 hours"),
        (3 * 86400, "3 days"),
    ],
)
def test_durations(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_numbers() -> None:
    assert [number(v) for v in (512.3, 22.46, 7.0, 0.874, -0.0)] == [
        "512",
        "22.5",
        "7",
        "0.87",
        "0",
    ]


def test_procedures_from_the_point_list_and_from_the_documents(sample_points: PointList) -> None:
    docs = load_site_documents(SAMPLE_DOCS)
    assert docs, "the sample site documents should parse"
    types = {tag: e.type for tag, e in sample_points.equipment.items()}
    resolver = ProcedureResolver(docs, types)

    def resolve(tag: str, name: str, kind: AlertKind, direction: int) -> str | None:
        point = dataclasses.replace(sample_points.point(tag, name), procedure=None)
        return resolver.resolve(point, kind, direction)

    # the point list names it ...
    dp = sample_points.point("CRAC-03", "discharge_pressure")
    assert resolver.resolve(dp, AlertKind.DRIFT, -1) == "crac-hp-trip-recovery"
    # ... and the documents' front matter finds it too
    assert resolve("CRAC-03", "discharge_pressure", AlertKind.DRIFT, 1) == "crac-hp-trip-recovery"
    assert (
        resolve("CRAC-01", "suction_pressure", AlertKind.DRIFT, -1) == "crac-low-suction-diagnosis"
    )
    assert (
        resolve("CRAH-02", "valve_position", AlertKind.STEP, 1) == "crah-chw-valve-troubleshooting"
    )
    # nothing relevant: better no procedure than a wrong one
    assert resolve("CRAC-01", "fan_speed", AlertKind.DRIFT, -1) is None
    assert resolve("UPS-A", "load_pct", AlertKind.STUCK, 0) is None
    assert resolve("CRAC-01", "supply_air_temp", AlertKind.STUCK, 0) is None


def test_without_documents_only_the_point_list_counts(sample_points: PointList) -> None:
    resolver = ProcedureResolver()
    point = sample_points.point("CRAC-01", "suction_pressure")
    assert resolver.resolve(point, AlertKind.DRIFT, -1) is None
    assert load_site_documents(None) == ()
