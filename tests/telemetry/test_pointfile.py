"""The point list: the sample site parses with realistic ranges; mistakes name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.points import (
    CsvColumn,
    DataType,
    ModbusAddress,
    ModbusSourceSpec,
    PointList,
    PointListError,
    RegisterType,
    WordOrder,
)
from tests.telemetry.conftest import crac_points_toml, write_points


def test_sample_site_points_cover_the_equipment(sample_points: PointList) -> None:
    tags = set(sample_points.tags())
    assert {"CRAC-01", "CRAC-02", "CRAC-03", "CRAC-04", "CRAH-01", "CRAH-02", "UPS-A"} <= tags
    for tag in ("CRAC-01", "CRAC-02", "CRAC-03", "CRAC-04"):
        names = {p.name for p in sample_points.points if p.tag == tag}
        assert names == {
            "discharge_pressure",
            "suction_pressure",
            "supply_air_temp",
            "return_air_temp",
            "compressor_current",
            "fan_speed",
        }
    crah = {p.name for p in sample_points.points if p.tag == "CRAH-01"}
    assert crah == {"valve_position", "chw_supply_temp", "chw_return_temp"}
    ups = {p.name for p in sample_points.points if p.tag == "UPS-A"}
    assert ups == {"load_pct", "battery_temp"}


def test_sample_site_ranges_fit_r410a_dx_units(sample_points: PointList) -> None:
    dp = sample_points.point("CRAC-01", "discharge_pressure")
    assert (dp.unit, dp.low, dp.high, dp.hard_high) == ("psig", 340, 450, 610)
    assert dp.procedure == "crac-hp-trip-recovery"
    sp = sample_points.point("CRAC-01", "suction_pressure")
    assert (sp.unit, sp.low, sp.high, sp.hard_low) == ("psig", 100, 140, 65)
    for p in sample_points.points:
        assert p.low < p.high
        assert p.hard_high is None or p.hard_high >= p.high
        assert p.hard_low is None or p.hard_low <= p.low


def test_sample_site_sources_and_addresses(sample_points: PointList) -> None:
    spec = sample_points.sources["crac01"]
    assert isinstance(spec, ModbusSourceSpec)
    assert (spec.host, spec.port, spec.unit_id, spec.interval_s, spec.timeout_s) == (
        "127.0.0.1",
        5020,
        1,
        2.0,
        1.0,
    )
    assert sample_points.source_label("crac01") == "CRAC-01 controller"
    current = sample_points.point("CRAC-01", "compressor_current").address
    assert isinstance(current, ModbusAddress)
    assert (current.data_type, current.word_order, current.register_type) == (
        DataType.FLOAT32,
        WordOrder.BIG,
        RegisterType.INPUT,
    )
    battery = sample_points.point("UPS-A", "battery_temp").address
    assert isinstance(battery, ModbusAddress) and battery.word_order is WordOrder.LITTLE
    fan = sample_points.point("CRAC-01", "fan_speed")
    assert fan.interval_s == 10 and fan.resolution == 1.0


def test_csv_source_resolves_relative_path(tmp_path: Path) -> None:
    text = """
[source.replay]
kind = "csv"
path = "replay.csv"
interval_s = 1

[equipment.CRAC-01.points.discharge_pressure]
source = "replay"
unit = "psig"
low = 340
high = 450
"""
    points = load_point_list(write_points(tmp_path, text))
    spec = points.sources["replay"]
    assert spec.kind.value == "csv"
    assert spec.path == tmp_path / "replay.csv"  # type: ignore[union-attr]
    assert points.points[0].address == CsvColumn("CRAC-01.discharge_pressure")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('data_type = "uint16"', 'data_type = "uint12"', "discharge_pressure.data_type"),
        ("low = 340", "lo = 340", "discharge_pressure.lo: unknown key"),
        ("high = 450", "high = 300", "normal range is empty"),
        ("hard_high = 610", "hard_high = 400", "hard_high: 400.0 is below the normal high"),
        ('source = "crac01"', 'source = "crac09"', "unknown source 'crac09'"),
        ('uri = "modbus+tcp', 'uri = "http', "expected modbus+tcp://HOST:PORT"),
        ("register = 2", "register = 0", "register 0 already used by CRAC-01.discharge_pressure"),
        ('unit = "psig"\nlow = 340', "low = 340", "discharge_pressure.unit: missing"),
        ("interval_s = 0.1", "interval_s = -1", "interval_s: must be > 0"),
        ("unit_id = 1", "unit_id = 300", "unit_id: 300 is outside 0..255"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = crac_points_toml(5020)
    assert old in text
    path = write_points(tmp_path, text.replace(old, new, 1))
    with pytest.raises(PointListError) as err:
        load_point_list(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(PointListError, match="cannot read point list"):
        load_point_list(tmp_path / "missing.toml")
    with pytest.raises(PointListError, match="not valid TOML"):
        load_point_list(write_points(tmp_path, "[source.x\n"))
    with pytest.raises(PointListError, match=r"no \[source\.NAME\] table"):
        load_point_list(write_points(tmp_path, "site = 'x'\n"))


def test_baseline_table(tmp_path: Path) -> None:
    text = crac_points_toml(5020).replace(
        "hard_high = 610", "hard_high = 610\nbaseline = { level = 390, spread = 4 }"
    )
    points = load_point_list(write_points(tmp_path, text))
    baseline = points.point("CRAC-01", "discharge_pressure").baseline
    assert baseline is not None and (baseline.level, baseline.spread) == (390, 4)
    bad = text.replace("spread = 4 }", "spread = 4, hourly = [1, 2] }")
    with pytest.raises(PointListError, match=r"baseline\.hourly: needs 24 values"):
        load_point_list(write_points(tmp_path, bad, "bad.toml"))
