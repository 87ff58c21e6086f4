"""Parse a site's ``points.toml`` into a :class:`PointList`.

Layout (see ``gateway/sample_site/points.toml``)::

    [source.crac01]
    kind = "modbus"                     # modbus | csv
    uri = "modbus+tcp://127.0.0.1:5020"
    unit_id = 1
    interval_s = 2
    timeout_s = 1

    [equipment.CRAC-01]
    type = "crac"
    source = "crac01"                   # default source of its points

    [equipment.CRAC-01.points.discharge_pressure]
    unit = "psig"
    low = 340                           # normal range
    high = 450
    hard_high = 600                     # optional hard limits
    register = 0                        # modbus: register, register_type, data_type,
    register_type = "input"             #   scale, offset, word_order
    data_type = "uint16"
    scale = 0.1
    procedure = "crac-hp-trip-recovery"

Every error names the file and the dotted key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gateway.telemetry.fields import Fields
from gateway.telemetry.points import (
    Baseline,
    CsvColumn,
    CsvSourceSpec,
    DataType,
    Equipment,
    ModbusAddress,
    ModbusSourceSpec,
    Point,
    PointAddress,
    PointList,
    PointListError,
    RegisterType,
    SourceSpec,
    WordOrder,
)

_COMMON_POINT_KEYS = (
    "unit label low high hard_low hard_high source interval_s procedure keywords baseline"
).split()
_DATA_TYPES = ", ".join(t.name.lower() for t in DataType)
_MODBUS_POINT_KEYS = "register register_type data_type scale offset word_order".split()


def load_point_list(path: str | Path) -> PointList:
    """Read and validate a point list file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PointListError(f"{path}: cannot read point list: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PointListError(f"{path}: not valid TOML: {exc}") from None
    return parse_point_list(data, path)


def parse_point_list(data: Mapping[str, Any], path: Path) -> PointList:
    top = Fields(data, path, "")
    top.only("source", "equipment", "site")
    sources = {
        name: _source(Fields(table, path, f"source.{name}"), name, path.parent)
        for name, table in top.tables("source").items()
    }
    if not sources:
        raise PointListError(f"{path}: no [source.NAME] table: nothing to poll")
    equipment: dict[str, Equipment] = {}
    points: list[Point] = []
    for tag, table in top.tables("equipment").items():
        f = Fields(table, path, f"equipment.{tag}")
        f.only("type", "source", "points")
        equipment[tag] = Equipment(tag=tag, type=f.text("type", ""))
        default_source = f.text("source", "")
        for name, ptable in f.tables("points").items():
            pf = Fields(ptable, path, f"equipment.{tag}.points.{name}")
            points.append(_point(pf, tag, name, default_source, sources))
    if not points:
        raise PointListError(f"{path}: no [equipment.TAG.points.NAME] table: no points")
    _check_overlaps(points, path)
    return PointList(path=path, sources=sources, equipment=equipment, points=tuple(points))


def _source(f: Fields, name: str, base: Path) -> SourceSpec:
    kind = f.choice("kind", ("modbus", "csv"))
    interval = f.positive("interval_s", 2.0)
    timeout = f.positive("timeout_s", min(1.0, interval))
    label = f.text("label", "")
    if kind == "csv":
        f.only("kind", "path", "interval_s", "timeout_s", "label", "loop")
        raw = Path(f.text("path"))
        csv_path = raw if raw.is_absolute() else base / raw
        return CsvSourceSpec(name, csv_path, interval, timeout, label, f.flag("loop", True))
    f.only("kind", "uri", "unit_id", "interval_s", "timeout_s", "label", "max_block", "max_gap")
    uri = f.text("uri")
    parts = urlsplit(uri)
    if parts.scheme != "modbus+tcp" or not parts.hostname:
        raise f.error("uri", f"expected modbus+tcp://HOST:PORT, got {uri!r}")
    try:
        port = parts.port or 502
    except ValueError:
        raise f.error("uri", f"bad port in {uri!r}") from None
    return ModbusSourceSpec(
        name=name,
        uri=uri,
        host=parts.hostname,
        port=port,
        unit_id=f.integer("unit_id", 1, 0, 255),
        interval_s=interval,
        timeout_s=timeout,
        label=label,
        max_block=f.integer("max_block", 120, 1, 125),
        max_gap=f.integer("max_gap", 8, 0, 100),
    )


def _point(
    f: Fields, tag: str, name: str, default_source: str, sources: Mapping[str, SourceSpec]
) -> Point:
    source = f.text("source", default_source)
    if not source:
        raise f.error("source", "missing (set it on the point or on its equipment)")
    if source not in sources:
        raise f.error("source", f"unknown source {source!r} (defined: {', '.join(sources)})")
    spec = sources[source]
    extra = _MODBUS_POINT_KEYS if isinstance(spec, ModbusSourceSpec) else ["column"]
    f.only(*_COMMON_POINT_KEYS, *extra)
    low, high = f.number("low"), f.number("high")
    if not low < high:
        raise f.error("high", f"normal range is empty: low {low} >= high {high}")
    hard_low, hard_high = f.optional_number("hard_low"), f.optional_number("hard_high")
    if hard_low is not None and hard_low > low:
        raise f.error("hard_low", f"{hard_low} is above the normal low {low}")
    if hard_high is not None and hard_high < high:
        raise f.error("hard_high", f"{hard_high} is below the normal high {high}")
    interval = f.optional_number("interval_s")
    if interval is not None and interval < spec.interval_s:
        raise f.error("interval_s", f"{interval} is faster than source interval {spec.interval_s}")
    return Point(
        tag=tag,
        name=name,
        unit=f.text("unit"),
        low=low,
        high=high,
        source=source,
        address=_address(f, spec, tag, name),
        label=f.text("label", ""),
        hard_low=hard_low,
        hard_high=hard_high,
        interval_s=interval,
        procedure=f.text("procedure", "") or None,
        keywords=f.texts("keywords"),
        baseline=_baseline(f),
    )


def _address(f: Fields, spec: SourceSpec, tag: str, name: str) -> PointAddress:
    if isinstance(spec, CsvSourceSpec):
        return CsvColumn(f.text("column", f"{tag}.{name}"))
    data_type = f.parse("data_type", DataType.parse, DataType.UINT16, _DATA_TYPES)
    register = f.integer("register", None, 0, 65536 - data_type.words)
    scale = f.number("scale", 1.0)
    if scale == 0:
        raise f.error("scale", "must not be 0")
    return ModbusAddress(
        register=register,
        register_type=f.parse(
            "register_type", RegisterType, RegisterType.HOLDING, "holding, input"
        ),
        data_type=data_type,
        scale=scale,
        offset=f.number("offset", 0.0),
        word_order=f.parse("word_order", WordOrder, WordOrder.BIG, "big, little"),
    )


def _baseline(f: Fields) -> Baseline | None:
    table = f.optional_table("baseline")
    if table is None:
        return None
    bf = Fields(table, f.path, f"{f.prefix}.baseline")
    bf.only("level", "spread", "hourly")
    spread = bf.number("spread")
    if spread <= 0:
        raise bf.error("spread", "must be > 0")
    hourly = bf.numbers("hourly")
    if hourly and len(hourly) != 24:
        raise bf.error("hourly", f"needs 24 values (one per hour), got {len(hourly)}")
    return Baseline(level=bf.number("level"), spread=spread, hourly=hourly)


def _check_overlaps(points: list[Point], path: Path) -> None:
    used: dict[tuple[str, RegisterType, int], Point] = {}
    for p in points:
        if not isinstance(p.address, ModbusAddress):
            continue
        for reg in range(p.address.register, p.address.end):
            key = (p.source, p.address.register_type, reg)
            other = used.setdefault(key, p)
            if other is not p:
                raise PointListError(
                    f"{path}: equipment.{p.tag}.points.{p.name}.register: register {reg} "
                    f"already used by {other.tag}.{other.name}"
                )
