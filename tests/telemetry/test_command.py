"""``gateway telemetry status`` and ``gateway telemetry simulate`` as a user runs them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from gateway.telemetry import AlertCategory, AlertEvent, TelemetryConfig, TelemetryService
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.store import TelemetryStore
from protocol.cli import ExitCode, build_parser, run
from tests.telemetry.conftest import SAMPLE_POINTS, write_points

POINTS = """
[source.replay]
kind = "csv"
path = "replay.csv"
interval_s = 0.05
loop = false
label = "CRAC-01 replay"

[equipment.CRAC-01]
type = "crac"
source = "replay"

[equipment.CRAC-01.points.discharge_pressure]
label = "discharge pressure"
unit = "psig"
low = 340
high = 450
hard_high = 610
procedure = "crac-hp-trip-recovery"

[equipment.CRAC-01.points.fan_speed]
unit = "%"
low = 40
high = 100
"""


def gateway(argv: list[str]) -> int:
    parser = build_parser("gateway", "test", "gateway", ["telemetry"])
    return run(parser, argv)


@pytest.fixture
def replayed_db(tmp_path: Path) -> tuple[Path, Path]:
    """A database written by the service replaying a CSV until the replay ends."""
    rows = ["time,CRAC-01.discharge_pressure,CRAC-01.fan_speed"]
    rows += [f"{i},{395 + (i % 3)},{70 + i % 2}" for i in range(8)]
    rows += [f"{i},{470 + i},71" for i in range(8, 12)]  # above the normal range
    (tmp_path / "replay.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    points_path = write_points(tmp_path, POINTS)
    db = tmp_path / "t.db"

    async def replay() -> None:
        config = TelemetryConfig(points=points_path, db=db, use_documents=False)
        async with TelemetryService(config) as service:
            async with service.subscribe() as feed, asyncio.timeout(20):
                async for event in feed:
                    if isinstance(event, AlertEvent) and event.alert.category is AlertCategory.COMM:
                        return  # the replay ended: the source went silent

    asyncio.run(replay())
    return points_path, db


def test_status_prints_points_values_and_alerts(
    replayed_db: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    points, db = replayed_db
    assert gateway(["telemetry", "status", "--points", str(points), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"Point list: {points} (2 points, 1 source)" in out
    dp_line = next(line for line in out.splitlines() if line.startswith("CRAC-01    discharge"))
    assert "481 psig" in dp_line and " up " in dp_line and "340..450" in dp_line
    assert "Open alerts: 2" in out
    assert "CRAC-01 discharge pressure is" in out and "above its normal 340 to 450 psig" in out
    assert "Procedure: crac-hp-trip-recovery." in out
    assert "Communication lost with CRAC-01 replay" in out


def test_status_json(replayed_db: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    points, db = replayed_db
    assert gateway(["telemetry", "status", "--points", str(points), "--db", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_point = {p["point"]: p for p in data["points"]}
    assert by_point["discharge_pressure"]["value"] == 481 and by_point["fan_speed"]["value"] == 71
    assert by_point["discharge_pressure"]["trend"] == "up"
    kinds = sorted(a["kind"] for a in data["alerts"])
    assert kinds == ["comm_lost", "range"]
    assert all(a["state"] == "open" and a["severity"] == "warning" for a in data["alerts"])


def test_status_without_database_and_with_a_bad_point_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none.db"
    assert gateway(["telemetry", "status", "--points", str(SAMPLE_POINTS), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "(none yet: is the gateway running?)" in out and "Open alerts: 0" in out
    assert out.count("CRAC-0") >= 24 and not db.exists()
    bad = write_points(tmp_path, "[source.x]\nkind = 'bacnet'\n", "bad.toml")
    assert gateway(["telemetry", "status", "--points", str(bad)]) == ExitCode.USAGE
    assert "source.x.kind: 'bacnet' is not one of: modbus, csv" in capsys.readouterr().err


def test_simulate_serves_and_seeds_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "seed.db"
    argv = ["telemetry", "simulate", "--points", str(SAMPLE_POINTS), "--port", "0"]
    argv += ["--seed-db", str(db), "--days", "0.05", "--duration", "0.3"]
    argv += ["--fault", "CRAC-01.discharge_pressure=drift:2", "--fault-after", "0.1"]
    assert gateway(argv) == 0
    out = capsys.readouterr().out
    assert "wrote 2304 synthetic readings" in out
    assert "serving 32 points on modbus+tcp://127.0.0.1:" in out
    assert "fault injected: CRAC-01.discharge_pressure drift 2" in out
    store = TelemetryStore(db, readonly=True)
    ts, values = store.history("CRAC-03", "return_air_temp", 100)
    store.close()
    assert len(ts) == 72 and all(24 <= v <= 38 for v in values)
    assert load_point_list(SAMPLE_POINTS).find("CRAC-03", "return_air_temp") is not None
    bad = ["telemetry", "simulate", "--points", str(SAMPLE_POINTS), "--fault", "CRAC-01.x=drift:1"]
    assert gateway(bad) == ExitCode.USAGE
    assert "no point 'x' on 'CRAC-01'" in capsys.readouterr().err
