"""Shared helpers for the telemetry tests: small point lists written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.telemetry.config import SAMPLE_SITE
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.points import PointList

SAMPLE_POINTS = SAMPLE_SITE / "points.toml"
SAMPLE_DOCS = SAMPLE_SITE / "docs"


def crac_points_toml(port: int, interval: float = 0.1, procedure: str | None = None) -> str:
    """One CRAC controller on 127.0.0.1:port with a discharge and a suction pressure."""
    proc = f'procedure = "{procedure}"\n' if procedure else ""
    return f"""
[source.crac01]
kind = "modbus"
uri = "modbus+tcp://127.0.0.1:{port}"
unit_id = 1
interval_s = {interval}
timeout_s = 0.5
label = "CRAC-01 controller"

[equipment.CRAC-01]
type = "crac"
source = "crac01"

[equipment.CRAC-01.points.discharge_pressure]
label = "discharge pressure"
unit = "psig"
low = 340
high = 450
hard_high = 610
register = 0
register_type = "input"
data_type = "uint16"
scale = 0.1
{proc}
[equipment.CRAC-01.points.suction_pressure]
label = "suction pressure"
unit = "psig"
low = 100
high = 140
register = 2
register_type = "input"
data_type = "float32"
word_order = "little"
"""


def write_points(tmp_path: Path, text: str, name: str = "points.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sample_points() -> PointList:
    return load_point_list(SAMPLE_POINTS)
