"""The values telemetry produces: readings, latest values with trend, alerts and events.

Everything here is a frozen dataclass or an enum with string values, so the
gateway service can map it onto protocol messages and the CLI can print it as
JSON (:func:`to_jsonable`).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any


class Quality(enum.Enum):
    """Whether a polled value can be used."""

    GOOD = "good"
    MISSING = "missing"
    """The source answered but this point had no usable value (exception, NaN, blank cell)."""


class Trend(enum.Enum):
    """Direction of the last few readings, relative to the point's normal noise."""

    UP = "up"
    DOWN = "down"
    FLAT = "flat"
    UNKNOWN = "unknown"


class Severity(enum.IntEnum):
    """How urgent an alert is; ordered so ``max()`` picks the worst."""

    INFO = 1
    WARNING = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class AlertCategory(enum.Enum):
    """What an alert is about; at most one open alert per (equipment, point, category)."""

    VALUE = "value"
    """The measured value is abnormal (limit, range, step, drift)."""
    SENSOR = "sensor"
    """The sensor itself misbehaves (stuck, dropout)."""
    COMM = "comm"
    """A whole source (controller) stopped answering."""


class AlertKind(enum.Enum):
    """The detector that raised (or last escalated) an alert."""

    HARD_LIMIT = "hard_limit"
    RANGE = "range"
    STEP = "step"
    DRIFT = "drift"
    STUCK = "stuck"
    DROPOUT = "dropout"
    COMM_LOST = "comm_lost"


class AlertState(enum.Enum):
    """Lifecycle: open -> acknowledged -> cleared (or open -> cleared)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"


class AlertChange(enum.Enum):
    """Why an :class:`AlertEvent` was emitted."""

    OPENED = "opened"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class Reading:
    """One polled value of one point."""

    tag: str
    point: str
    ts: float
    """Unix time (seconds) when the value was read."""
    value: float | None
    quality: Quality = Quality.GOOD


@dataclass(frozen=True, slots=True)
class LatestReading:
    """The newest value of a point, as shown beside the equipment's tag."""

    tag: str
    point: str
    label: str
    unit: str
    value: float | None
    """Last good value (None if the point never answered)."""
    ts: float | None
    """When that value was read."""
    age_s: float | None
    trend: Trend
    expected: float | None
    """What the learned pattern expects now (None while still learning)."""
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Alert:
    """An abnormal condition on a point or a source, with its lifecycle."""

    id: str
    tag: str
    """Equipment tag (for a comm alert: the tags the source serves, comma-separated)."""
    point: str
    """Point name; empty for a comm alert."""
    source: str
    category: AlertCategory
    kind: AlertKind
    severity: Severity
    state: AlertState
    observed: float | None
    expected: float | None
    unit: str
    since: float
    """When the condition began (Unix time), e.g. the onset of a drift."""
    opened_at: float
    updated_at: float
    message: str
    """One or two sentences a technician understands when spoken."""
    procedure: str | None
    """Id of the procedure that applies, if one is known."""
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    cleared_at: float | None = None

    @property
    def is_active(self) -> bool:
        return self.state is not AlertState.CLEARED

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """Inverse of :meth:`to_dict` (used by the store)."""
        return cls(
            **{
                **data,
                "category": AlertCategory(data["category"]),
                "kind": AlertKind(data["kind"]),
                "severity": Severity[str(data["severity"]).upper()],
                "state": AlertState(data["state"]),
            }
        )


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """An alert opened, escalated, was acknowledged or cleared."""

    alert: Alert
    change: AlertChange


@dataclass(frozen=True, slots=True)
class ReadingEvent:
    """New values for one equipment's points (one poll)."""

    tag: str
    readings: tuple[LatestReading, ...]


Event = AlertEvent | ReadingEvent


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, enums and tuples as plain JSON values (severity by name)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Severity):
        return obj.label
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, tuple | list):
        return [to_jsonable(v) for v in obj]
    return obj
