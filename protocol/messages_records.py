"""Outbox records (work log) with their acks, and equipment telemetry and alerts."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from protocol import limits
from protocol.messages_base import (
    Id,
    Label,
    Message,
    Name,
    Struct,
    Tag,
    Text,
    Timestamp,
    message,
    struct,
)
from protocol.messages_checks import JsonScalar, Len, Range

RecordKind = Literal["step", "confirm", "reading", "note", "event", "telemetry"]
Trend = Literal["up", "down", "flat"]
Severity = Literal["info", "warning", "critical"]
Payload = Annotated[Mapping[str, JsonScalar], Len(0, limits.MAX_RECORD_FIELDS)]
Value = Annotated[float, Range(-1e15, 1e15)]


@message("record", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class Record(Message):
    """One outbox entry, delivered exactly once: the gateway acks its id after storing it.

    ``payload`` is a read-only JSON object of text, numbers, booleans and nulls.
    """

    record_id: Id
    """Unique and sortable by time, e.g. a ULID."""
    kind: RecordKind
    timestamp: Timestamp
    payload: Payload = field(default_factory=lambda: types.MappingProxyType({}), hash=False)


@message("record_ack", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class RecordAck(Message):
    """These records are stored; the glasses drop them from the outbox."""

    record_ids: Annotated[tuple[Id, ...], Len(1, limits.MAX_ACK_IDS)]


@struct
@dataclass(frozen=True, slots=True)
class Reading(Struct):
    point: Name
    """The measured point, e.g. "discharge_pressure"."""
    value: Value
    unit: Label
    timestamp: Timestamp
    trend: Trend = "flat"


@message("telemetry_readings", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class TelemetryReadings(Message):
    """Latest readings of the equipment in view, drawn beside its tag."""

    equipment_tag: Tag
    readings: Annotated[tuple[Reading, ...], Len(0, limits.MAX_READINGS)]


@message("telemetry_subscribe", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class TelemetrySubscribe(Message):
    """Send readings of this equipment (the one in view); None stops them."""

    equipment_tag: Tag | None


@message("alert", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class Alert(Message):
    """A point left its normal pattern."""

    alert_id: Id
    equipment_tag: Tag
    point: Name
    severity: Severity
    message: Text
    observed: Value
    expected: Label
    """The normal range in words, e.g. "18.0-27.0 °C"."""
    since: Timestamp
    unit: Label = ""
    procedure_id: Id | None = None
    """The procedure that handles it, if one does."""


@message("alert_ack", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class AlertAck(Message):
    """The wearer acknowledged the alert."""

    alert_id: Id
