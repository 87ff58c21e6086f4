"""The sans-I/O core of telemetry: readings in, alert events out.

No asyncio, no sockets, no files: the service feeds it polls and source
failures; the benchmark and tests feed it synthetic series directly.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from gateway.telemetry.alerts import AlertBook, Draft, comm_key, new_alert_id
from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.detector import PointDetector
from gateway.telemetry.findings import Finding, Observation
from gateway.telemetry.model import (
    Alert,
    AlertEvent,
    AlertKind,
    LatestReading,
    Reading,
    Severity,
    Trend,
)
from gateway.telemetry.points import Point, PointList
from gateway.telemetry.procedures import ProcedureResolver
from gateway.telemetry.speech import comm_lost, describe

_TREND_SAMPLES = 6


@dataclass(slots=True)
class _Latest:
    value: float | None = None
    ts: float | None = None
    recent: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=_TREND_SAMPLES))


@dataclass(slots=True)
class _Health:
    failures: int = 0
    last_ok: float | None = None
    first_failure: float | None = None


def point_interval(points: PointList, point: Point) -> float:
    return point.interval_s or points.sources[point.source].interval_s


class TelemetryEngine:
    """Detectors for every point, the alert book and each source's health."""

    def __init__(
        self,
        points: PointList,
        settings: DetectionSettings | None = None,
        resolver: ProcedureResolver | None = None,
        comm_loss_polls: int = 2,
        new_id: Callable[[], str] = new_alert_id,
    ) -> None:
        self.points = points
        self.settings = settings or DetectionSettings()
        self.resolver = resolver or ProcedureResolver(
            equipment_types={t: e.type for t, e in points.equipment.items()}
        )
        self.comm_loss_polls = comm_loss_polls
        self.detectors = {
            p.key: PointDetector(p, self.settings, point_interval(points, p)) for p in points.points
        }
        self.book = AlertBook(self.settings.clear_samples, new_id=new_id)
        self._latest = {p.key: _Latest() for p in points.points}
        self._by_tag: dict[str, list[Point]] = {}
        for p in points.points:
            self._by_tag.setdefault(p.tag, []).append(p)
        self._health = {name: _Health() for name in points.sources}

    # -- learning ------------------------------------------------------------------
    def warm_up(self, tag: str, point: str, ts: list[float], values: list[float]) -> None:
        """Learn a point's pattern from stored history (oldest first, NaN = missed)."""
        self.detectors[(tag, point)].warm_up(ts, values)
        latest = self._latest[(tag, point)]
        for t, v in zip(ts[-_TREND_SAMPLES:], values[-_TREND_SAMPLES:], strict=True):
            if math.isfinite(v):
                latest.value, latest.ts = v, t
                latest.recent.append((t, v))

    def restore(self, alerts: Iterable[Alert]) -> None:
        self.book.restore(alerts)

    # -- input -----------------------------------------------------------------------
    def ingest(self, readings: Sequence[Reading]) -> list[AlertEvent]:
        """Judge one poll's readings; returns the alert lifecycle changes."""
        events: list[AlertEvent] = []
        for r in readings:
            key = (r.tag, r.point)
            detector = self.detectors.get(key)
            if detector is None:
                continue
            obs = detector.observe(r.ts, r.value)
            if r.value is not None:
                latest = self._latest[key]
                latest.value, latest.ts = r.value, r.ts
                latest.recent.append((r.ts, r.value))
            for category, finding in obs.findings.items():
                if finding is None and not self.book.is_open((r.tag, r.point, category)):
                    continue
                event = self.book.apply(
                    (r.tag, r.point, category), finding, r.ts, self._drafter(detector.point, obs)
                )
                if event is not None:
                    events.append(event)
        return events

    def source_ok(self, source: str, now: float) -> list[AlertEvent]:
        health = self._health[source]
        health.failures, health.first_failure, health.last_ok = 0, None, now
        key = comm_key(source)
        if not self.book.is_open(key):
            return []
        event = self.book.apply(key, None, now, self._comm_draft(source, now), clear_after=2)
        return [event] if event else []

    def source_failed(self, source: str, now: float) -> list[AlertEvent]:
        health = self._health[source]
        health.failures += 1
        if health.first_failure is None:
            health.first_failure = now
        since = health.last_ok if health.last_ok is not None else health.first_failure
        confirmed = health.failures >= self.comm_loss_polls
        finding = Finding(AlertKind.COMM_LOST, Severity.WARNING, confirmed, since, 0)
        event = self.book.apply(comm_key(source), finding, now, self._comm_draft(source, now))
        return [event] if event else []

    def acknowledge(self, alert_id: str, by: str, now: float | None = None) -> AlertEvent | None:
        return self.book.acknowledge(alert_id, by, time.time() if now is None else now)

    # -- output ------------------------------------------------------------------------
    def open_alerts(self) -> tuple[Alert, ...]:
        return self.book.active()

    def latest(self, tag: str, now: float | None = None) -> tuple[LatestReading, ...]:
        now = time.time() if now is None else now
        out = []
        for p in self._by_tag.get(tag, ()):
            latest, det = self._latest[p.key], self.detectors[p.key]
            out.append(
                LatestReading(
                    tag=p.tag,
                    point=p.name,
                    label=p.spoken_name,
                    unit=p.unit,
                    value=latest.value,
                    ts=latest.ts,
                    age_s=None if latest.ts is None else max(0.0, now - latest.ts),
                    trend=trend(latest.recent, max(det.sigma(), p.resolution)),
                    expected=det.expected(now),
                    low=p.low,
                    high=p.high,
                )
            )
        return tuple(out)

    # -- messages --------------------------------------------------------------------------
    def _drafter(self, point: Point, obs: Observation) -> Callable[[Finding], Draft]:
        def build(f: Finding) -> Draft:
            return self._draft(point, f, obs.value, obs.expected, obs.ts)

        return build

    def _draft(
        self, point: Point, f: Finding, value: float | None, expected: float | None, now: float
    ) -> Draft:
        observed = value if value is not None else self._latest[point.key].value
        return Draft(
            tag=point.tag,
            point=point.name,
            source=point.source,
            observed=observed,
            expected=expected,
            unit=point.unit,
            message=describe(point, f, observed, expected, now),
            procedure=self.resolver.resolve(point, f.kind, f.direction),
        )

    def _comm_draft(self, source: str, now: float) -> Callable[[Finding], Draft]:
        def build(f: Finding) -> Draft:
            tags = ", ".join(dict.fromkeys(p.tag for p in self.points.points_of(source)))
            return Draft(
                tag=tags,
                point="",
                source=source,
                observed=None,
                expected=None,
                unit="",
                message=comm_lost(self.points.source_label(source), now - f.since),
                procedure=None,
            )

        return build


def trend(recent: Sequence[tuple[float, float]], noise: float) -> Trend:
    """Least-squares change across the recent samples, if clearly beyond the point's noise.

    "Clearly": more than 2.5 standard errors of the fitted change (noise ``noise``).
    """
    n = len(recent)
    if n < 3:
        return Trend.UNKNOWN
    t0 = recent[0][0]
    ts = [t - t0 for t, _ in recent]
    vs = [v for _, v in recent]
    mt, mv = sum(ts) / n, sum(vs) / n
    var = sum((t - mt) ** 2 for t in ts)
    if var <= 0:
        return Trend.FLAT
    slope = sum((t - mt) * (v - mv) for t, v in zip(ts, vs, strict=True)) / var
    span = ts[-1] - ts[0]
    change = slope * span
    threshold = max(2.5 * noise * span / math.sqrt(var), 1e-9)
    if change > threshold:
        return Trend.UP
    if change < -threshold:
        return Trend.DOWN
    return Trend.FLAT
