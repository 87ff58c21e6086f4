"""Equipment telemetry on the gateway.

Poll the site's controllers (Modbus TCP; CSV replay for demos), learn each
point's normal pattern (daily cycle, level, noise), detect limit violations,
steps, drifts, stuck sensors, dropouts and lost communication, and publish
alerts that name the procedure to follow. Entry point: :class:`TelemetryService`.
"""

from gateway.telemetry.alerts import UnknownAlertError
from gateway.telemetry.config import DetectionSettings, TelemetryConfig
from gateway.telemetry.engine import TelemetryEngine
from gateway.telemetry.model import (
    Alert,
    AlertCategory,
    AlertChange,
    AlertEvent,
    AlertKind,
    AlertState,
    Event,
    LatestReading,
    Quality,
    Reading,
    ReadingEvent,
    Severity,
    Trend,
)
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.points import PointList, PointListError
from gateway.telemetry.service import TelemetryService
from gateway.telemetry.source import SourceError, SourceUnavailable, TelemetrySource

__all__ = [
    "Alert",
    "AlertCategory",
    "AlertChange",
    "AlertEvent",
    "AlertKind",
    "AlertState",
    "DetectionSettings",
    "Event",
    "LatestReading",
    "PointList",
    "PointListError",
    "Quality",
    "Reading",
    "ReadingEvent",
    "Severity",
    "SourceError",
    "SourceUnavailable",
    "TelemetryConfig",
    "TelemetryEngine",
    "TelemetryService",
    "TelemetrySource",
    "Trend",
    "UnknownAlertError",
    "load_point_list",
]
