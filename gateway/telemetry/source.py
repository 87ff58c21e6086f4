"""The interface every telemetry source implements, and the factory that opens one.

A source is one controller (or replay file) polled by one task. ``read(points)``
returns one :class:`Reading` per point asked for: ``Quality.MISSING`` when the
device answered but had no usable value for that point. When the device does
not answer at all, ``read`` raises :class:`SourceUnavailable` (retryable: the
poller backs off and tries again). BACnet/IP (bacpypes3) and SNMP (pysnmp)
sources would implement the same protocol and register in :func:`open_source`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from gateway.telemetry.model import Reading
from gateway.telemetry.points import CsvSourceSpec, ModbusSourceSpec, Point, SourceSpec


class SourceError(RuntimeError):
    """Base class of source failures."""

    retryable = False


class SourceUnavailable(SourceError):
    """The source did not answer (refused, timed out, disconnected). Retry later."""

    retryable = True


class SourceConfigError(SourceError):
    """The source cannot work as configured (e.g. a missing replay file)."""


@runtime_checkable
class TelemetrySource(Protocol):
    """One polled controller or replay file."""

    @property
    def name(self) -> str: ...

    async def read(self, points: Sequence[Point]) -> list[Reading]:
        """Read ``points`` now; raises :class:`SourceUnavailable` if nothing answers."""
        ...

    async def close(self) -> None:
        """Release the connection (the source may be read again later)."""
        ...


def open_source(spec: SourceSpec, points: Sequence[Point]) -> TelemetrySource:
    """Create the source for ``spec`` (no I/O yet; connecting happens on first read)."""
    if isinstance(spec, ModbusSourceSpec):
        from gateway.telemetry.modbus import ModbusSource

        return ModbusSource(spec, points)
    if isinstance(spec, CsvSourceSpec):
        from gateway.telemetry.csvreplay import CsvReplaySource

        return CsvReplaySource(spec)
    raise SourceConfigError(f"unsupported source kind for {spec!r}")
