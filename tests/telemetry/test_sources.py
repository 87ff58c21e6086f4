"""Sources: CSV replay and Modbus TCP against a real pymodbus server; the poller's backoff."""

from __future__ import annotations

import asyncio
import itertools
import random
import socket
from pathlib import Path

import pytest

from gateway.telemetry.model import Quality, Reading
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.points import PointList
from gateway.telemetry.poller import SourcePoller, backoff_delay
from gateway.telemetry.simulator import SiteSimulator, retarget
from gateway.telemetry.source import (
    SourceConfigError,
    SourceError,
    SourceUnavailable,
    TelemetrySource,
    open_source,
)
from tests.telemetry.conftest import crac_points_toml, write_points

CSV_POINTS = """
[source.replay]
kind = "csv"
path = "replay.csv"
interval_s = 0.05
loop = {loop}

[equipment.CRAC-01]
source = "replay"
[equipment.CRAC-01.points.discharge_pressure]
unit = "psig"
low = 340
high = 450
[equipment.CRAC-01.points.suction_pressure]
unit = "psig"
low = 100
high = 140
column = "suction"
"""


def csv_points(tmp_path: Path, loop: bool = True, csv: str | None = None) -> PointList:
    (tmp_path / "replay.csv").write_text(
        csv or "time,CRAC-01.discharge_pressure,suction\n0,390.5,120\n60,,121\n120,392,abc\n",
        encoding="utf-8",
    )
    return load_point_list(write_points(tmp_path, CSV_POINTS.format(loop=str(loop).lower())))


async def test_csv_replay_rows_gaps_and_loop(tmp_path: Path) -> None:
    points = csv_points(tmp_path)
    source = open_source(points.sources["replay"], points.points)
    assert isinstance(source, TelemetrySource)
    rows = [await source.read(points.points) for _ in range(4)]
    values = [[(r.point, r.value, r.quality) for r in row] for row in rows]
    assert values[0] == [
        ("discharge_pressure", 390.5, Quality.GOOD),
        ("suction_pressure", 120.0, Quality.GOOD),
    ]
    assert values[1][0] == ("discharge_pressure", None, Quality.MISSING)
    assert values[2][1] == ("suction_pressure", None, Quality.MISSING)
    assert values[3] == values[0]  # looped


async def test_csv_replay_end_and_errors(tmp_path: Path) -> None:
    points = csv_points(tmp_path, loop=False)
    source = open_source(points.sources["replay"], points.points)
    for _ in range(3):
        await source.read(points.points)
    with pytest.raises(SourceUnavailable, match="replay finished"):
        await source.read(points.points)
    other = tmp_path / "other"
    other.mkdir()
    broken = csv_points(other, csv="time,x\n0,1\n")
    with pytest.raises(SourceConfigError, match=r"no column 'CRAC-01\.discharge_pressure'"):
        await open_source(broken.sources["replay"], broken.points).read(broken.points)


async def test_modbus_source_reads_every_data_type(tmp_path: Path) -> None:
    points = load_point_list(write_points(tmp_path, crac_points_toml(0)))
    sim = SiteSimulator(points)
    sim.set_value("CRAC-01", "discharge_pressure", 391.7)
    sim.set_value("CRAC-01", "suction_pressure", 118.25)
    port = await sim.start()
    try:
        points = retarget(points, "127.0.0.1", port)
        source = open_source(points.sources["crac01"], points.points)
        readings = await source.read(points.points)
        got = {r.point: r.value for r in readings}
        assert got["discharge_pressure"] == pytest.approx(391.7)
        assert got["suction_pressure"] == pytest.approx(118.25)
        sim.fail_device(1)
        readings = await source.read(points.points)
        assert {r.quality for r in readings} == {Quality.MISSING}  # it answered, with an exception
        sim.fail_device(1, failing=False)
        assert (await source.read(points.points))[0].value == pytest.approx(391.7)
    finally:
        await sim.stop()
    with pytest.raises(SourceUnavailable):
        await source.read(points.points)
    await source.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_poller_backs_off_while_the_source_is_silent(tmp_path: Path) -> None:
    points = load_point_list(write_points(tmp_path, crac_points_toml(free_port(), interval=0.05)))
    spec = points.sources["crac01"]
    failures: list[tuple[float, SourceError]] = []
    got: list[list[Reading]] = []

    async def on_readings(_source: str, readings: list[Reading]) -> None:
        got.append(readings)

    async def on_failure(_source: str, now: float, exc: SourceError) -> None:
        failures.append((now, exc))

    poller = SourcePoller(
        spec, points.points, open_source(spec, points.points), on_readings, on_failure, 0.4,
        random.Random(1),
    )  # fmt: skip
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(1.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert got == [] and len(failures) >= 3
    assert all(isinstance(exc, SourceUnavailable) for _, exc in failures)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(failures)]
    assert max(gaps) > 3 * spec.interval_s  # it backed off instead of hammering


def test_backoff_delay_grows_with_jitter_and_a_cap() -> None:
    rng = random.Random(0)
    delays = [backoff_delay(n, 1.0, 30.0, rng) for n in range(1, 10)]
    assert delays[0] <= 1.0 and all(d <= 30.0 for d in delays)
    assert delays[5] > 10.0
    assert len({round(d, 6) for d in delays}) == len(delays)
