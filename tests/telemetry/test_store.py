"""SQLite store: WAL mode, history with gaps, retention by age and by rows, alerts kept."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from gateway.telemetry.model import (
    Alert,
    AlertCategory,
    AlertKind,
    AlertState,
    Quality,
    Reading,
    Severity,
)
from gateway.telemetry.store import StoreError, TelemetryStore


def readings(n: int, start: float = 1000.0, point: str = "discharge_pressure") -> list[Reading]:
    return [
        Reading("CRAC-01", point, start + i, None if i % 10 == 9 else 390.0 + i, Quality.GOOD)
        for i in range(n)
    ]


def alert(alert_id: str, state: AlertState, updated: float) -> Alert:
    return Alert(
        id=alert_id, tag="CRAC-01", point="discharge_pressure", source="crac01",
        category=AlertCategory.VALUE, kind=AlertKind.DRIFT, severity=Severity.WARNING,
        state=state, observed=512.0, expected=390.0, unit="psig", since=updated - 60,
        opened_at=updated - 30, updated_at=updated, message="m", procedure="crac-hp-trip-recovery",
    )  # fmt: skip


def test_write_and_read_back(tmp_path: Path) -> None:
    store = TelemetryStore(tmp_path / "sub" / "t.db")
    store.write(readings(30))
    store.write(readings(5, point="suction_pressure"))
    ts, values = store.history("CRAC-01", "discharge_pressure", 12)
    assert ts == [1000.0 + i for i in range(18, 30)]
    assert math.isnan(values[1]) and values[0] == 408.0  # sample 19 was missed
    assert store.recent_values("CRAC-01", "discharge_pressure", 2) == [
        (1027.0, 417.0),
        (1028.0, 418.0),
    ]
    assert store.history("CRAC-09", "x", 5) == ([], [])
    assert store.count() == 35
    store.close()
    mode = sqlite3.connect(tmp_path / "sub" / "t.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_retention_by_age_and_rows(tmp_path: Path) -> None:
    store = TelemetryStore(tmp_path / "t.db")
    store.write(readings(100))  # ts 1000..1099
    assert store.prune(now=1100.0, max_age_s=50.0, max_rows=1000) == 50
    assert store.history("CRAC-01", "discharge_pressure", 1000)[0][0] == 1050.0
    assert store.prune(now=1100.0, max_age_s=1e9, max_rows=20) == 30
    ts, _ = store.history("CRAC-01", "discharge_pressure", 1000)
    assert ts == [1000.0 + i for i in range(80, 100)]
    store.write(readings(5, start=2000.0))
    assert store.count() == 25


def test_alerts_survive_a_restart(tmp_path: Path) -> None:
    store = TelemetryStore(tmp_path / "t.db")
    store.save_alerts([alert("a1", AlertState.OPEN, 10.0), alert("a2", AlertState.CLEARED, 11.0)])
    store.save_alerts([alert("a1", AlertState.ACKNOWLEDGED, 12.0)])
    store.close()
    again = TelemetryStore(tmp_path / "t.db", readonly=True)
    [active] = again.active_alerts()
    assert active == alert("a1", AlertState.ACKNOWLEDGED, 12.0)
    again.close()
    store = TelemetryStore(tmp_path / "t.db")
    store.prune(now=1e6, max_age_s=100.0, max_rows=10)
    assert [a.id for a in store.active_alerts()] == ["a1"]  # only cleared alerts age out


def test_bad_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "t.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open telemetry database"):
        TelemetryStore(bad)
    with pytest.raises(StoreError):
        TelemetryStore(tmp_path / "missing.db", readonly=True)
