"""The site's point list as frozen dataclasses (parsed by :mod:`gateway.telemetry.pointfile`).

A point list names the sources (controllers, replay files) the gateway polls
and, per equipment tag, the points it reads: unit, normal range, optional hard
limits, where the value lives in the source, and the procedure that applies.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class PointListError(ValueError):
    """The point list is malformed; the message names the file and the key."""


class SourceKind(enum.Enum):
    """How a source is reached. BACnet/IP and SNMP would be further kinds."""

    MODBUS = "modbus"
    CSV = "csv"


class RegisterType(enum.Enum):
    HOLDING = "holding"
    INPUT = "input"


class WordOrder(enum.Enum):
    """Order of 16-bit words in a 32-bit value ("big": high word first)."""

    BIG = "big"
    LITTLE = "little"


class DataType(enum.Enum):
    """How registers encode a value: (struct format, number of 16-bit registers)."""

    INT16 = ("h", 1)
    UINT16 = ("H", 1)
    INT32 = ("i", 2)
    UINT32 = ("I", 2)
    FLOAT32 = ("f", 2)

    @property
    def words(self) -> int:
        return self.value[1]

    @property
    def struct(self) -> struct.Struct:
        return struct.Struct(">" + self.value[0])

    @property
    def is_float(self) -> bool:
        return self is DataType.FLOAT32

    @classmethod
    def parse(cls, text: str) -> DataType:
        return cls[text.upper()]


@dataclass(frozen=True, slots=True)
class ModbusSourceSpec:
    """A Modbus TCP controller (``modbus+tcp://host:port``)."""

    name: str
    uri: str
    host: str
    port: int
    unit_id: int = 1
    interval_s: float = 2.0
    timeout_s: float = 1.0
    label: str = ""
    """How messages name it, e.g. "CRAC-01 controller" (default: from the tags it serves)."""
    max_block: int = 120
    """Most registers read in one request (Modbus allows 125)."""
    max_gap: int = 8
    """Unused registers tolerated inside one block read."""

    kind = SourceKind.MODBUS


@dataclass(frozen=True, slots=True)
class CsvSourceSpec:
    """A CSV file replayed one row per poll (demos and tests)."""

    name: str
    path: Path
    interval_s: float = 2.0
    timeout_s: float = 1.0
    label: str = ""
    loop: bool = True
    """Start again at the first row after the last one (else the source ends)."""

    kind = SourceKind.CSV


SourceSpec = ModbusSourceSpec | CsvSourceSpec


@dataclass(frozen=True, slots=True)
class ModbusAddress:
    """Where a point's value lives in a Modbus device."""

    register: int
    register_type: RegisterType = RegisterType.HOLDING
    data_type: DataType = DataType.UINT16
    scale: float = 1.0
    offset: float = 0.0
    word_order: WordOrder = WordOrder.BIG

    @property
    def end(self) -> int:
        """One past the last register used."""
        return self.register + self.data_type.words


@dataclass(frozen=True, slots=True)
class CsvColumn:
    """Which column of a replay file holds a point's value."""

    column: str


PointAddress = ModbusAddress | CsvColumn


@dataclass(frozen=True, slots=True)
class Baseline:
    """A known normal pattern, so detection works before anything is learned."""

    level: float
    spread: float
    """Typical deviation from the level (about one standard deviation)."""
    hourly: tuple[float, ...] = ()
    """Optional 24 values: the normal level for each hour of the day."""


@dataclass(frozen=True, slots=True)
class Point:
    """One measured value of one piece of equipment."""

    tag: str
    name: str
    unit: str
    low: float
    """Bottom of the normal operating range."""
    high: float
    """Top of the normal operating range."""
    source: str
    address: PointAddress
    label: str = ""
    hard_low: float | None = None
    hard_high: float | None = None
    interval_s: float | None = None
    """Poll interval if slower than the source's."""
    procedure: str | None = None
    keywords: tuple[str, ...] = ()
    baseline: Baseline | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.tag, self.name)

    @property
    def spoken_name(self) -> str:
        return self.label or self.name.replace("_", " ")

    @property
    def resolution(self) -> float:
        """Smallest step the source can report (0 for floats and CSV)."""
        if isinstance(self.address, ModbusAddress) and not self.address.data_type.is_float:
            return abs(self.address.scale)
        return 0.0


@dataclass(frozen=True, slots=True)
class Equipment:
    tag: str
    type: str = ""
    """Equipment type as in equipment.toml (crac, crah, ups, ...)."""


@dataclass(frozen=True)
class PointList:
    path: Path
    sources: Mapping[str, SourceSpec]
    equipment: Mapping[str, Equipment]
    points: tuple[Point, ...]
    _by_key: Mapping[tuple[str, str], Point] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {p.key: p for p in self.points})

    def point(self, tag: str, name: str) -> Point:
        return self._by_key[(tag, name)]

    def find(self, tag: str, name: str) -> Point | None:
        return self._by_key.get((tag, name))

    def points_of(self, source: str) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.source == source)

    def tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.tag for p in self.points))

    def source_label(self, source: str) -> str:
        """How messages name a source: its label, else "<TAG> controller"."""
        spec = self.sources[source]
        if spec.label:
            return spec.label
        tags = tuple(dict.fromkeys(p.tag for p in self.points_of(source)))
        if len(tags) == 1:
            return f"{tags[0]} controller"
        if tags:
            return f"the {source} controller ({', '.join(tags)})"
        return f"the {source} controller"
