"""Per-point anomaly detection: limits, step, drift (CUSUM), stuck sensor, dropout.

``observe(ts, value)`` is called once per poll (``value`` None for a missed
sample) and returns an :class:`Observation`: per alert category either a
:class:`Finding` (abnormal now; ``confirmed`` if strong enough to open an
alert, otherwise it only keeps an open alert from clearing) or None (normal).
A category absent from the observation carries no information this sample
(e.g. the value category while the sample is missing).
"""

from __future__ import annotations

import math
from collections import deque

from gateway.telemetry.baseline import SeasonalBaseline
from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.findings import Cusum, Finding, Observation, Run
from gateway.telemetry.model import AlertCategory, AlertKind, Severity
from gateway.telemetry.points import Point
from gateway.telemetry.stuck import StuckDetector

__all__ = ["Finding", "Observation", "PointDetector"]

_PRIORITY = {AlertKind.HARD_LIMIT: 4, AlertKind.RANGE: 3, AlertKind.STEP: 2, AlertKind.DRIFT: 1}


class PointDetector:
    """Learns one point's normal pattern and judges each new sample."""

    def __init__(self, point: Point, settings: DetectionSettings, interval_s: float) -> None:
        self.point = point
        self.s = settings
        width = point.high - point.low
        self.baseline = SeasonalBaseline(settings, interval_s, settings.spread_floor * width)
        if point.baseline is not None:
            self.baseline.seed(point.baseline)
        self._margin = settings.range_margin * width
        self._zs: deque[float] = deque(maxlen=settings.step_samples)
        self._up, self._down = Cusum(), Cusum()
        self._excursion = math.nan
        self._hard, self._range, self._missing = Run(), Run(), Run()
        self._stuck = StuckDetector(settings, point.resolution)
        self._prev_residual: float | None = None
        self._unsettled = 0

    # -- public -----------------------------------------------------------------
    def observe(self, ts: float, value: float | None) -> Observation:
        if value is None:
            return self._missed(ts)
        self._missing.count = 0
        findings: dict[AlertCategory, Finding | None] = {}
        limit = self._limits(ts, value)
        learned, expected, z = self._learned(ts, value)
        candidates = [f for f in (limit, learned) if f is not None]
        findings[AlertCategory.VALUE] = max(
            candidates, key=lambda f: (f.severity, f.confirmed, _PRIORITY[f.kind]), default=None
        )
        stuck = self._stuck.observe(ts, value)
        findings[AlertCategory.SENSOR] = stuck
        calm = findings[AlertCategory.VALUE] is None
        self._unsettled = 0 if calm else self._unsettled + 1
        if stuck is None and (calm or self._unsettled > self.s.pause_samples):
            self._learn(ts, value, expected, z, calm)
        return Observation(ts, value, expected, findings)

    def warm_up(self, ts: list[float], values: list[float]) -> None:
        """Learn from stored history (oldest first; NaN for missed samples)."""
        if self.point.baseline is not None or not ts:
            return
        self.baseline.fit(ts, values)
        self._stuck.warm_up(values)

    @property
    def ready(self) -> bool:
        return self.baseline.ready

    def expected(self, ts: float) -> float | None:
        return self.baseline.expected(ts) if self.baseline.ready else None

    def sigma(self) -> float:
        return self.baseline.sigma()

    # -- detectors --------------------------------------------------------------
    def _missed(self, ts: float) -> Observation:
        self._missing.extend(ts)
        self._stuck.gap()
        self._prev_residual = None
        self.baseline.gap()
        finding = None
        if self._missing.count >= self.s.dropout_samples:
            finding = Finding(AlertKind.DROPOUT, Severity.WARNING, True, self._missing.since, 0)
        return Observation(ts, None, self.expected(ts), {AlertCategory.SENSOR: finding})

    def _limits(self, ts: float, x: float) -> Finding | None:
        p = self.point
        hard = self._check_limit(
            ts, x, p.hard_low, p.hard_high, self._hard, AlertKind.HARD_LIMIT, Severity.CRITICAL
        )
        if hard is not None:
            return hard
        return self._check_limit(
            ts, x, p.low, p.high, self._range, AlertKind.RANGE, Severity.WARNING
        )

    def _check_limit(
        self,
        ts: float,
        x: float,
        low: float | None,
        high: float | None,
        run: Run,
        kind: AlertKind,
        severity: Severity,
    ) -> Finding | None:
        above, below = high is not None and x > high, low is not None and x < low
        if above or below:
            run.extend(ts)
            confirmed = run.count >= self.s.confirm_samples
            limit = high if above else low
            return Finding(kind, severity, confirmed, run.since, 1 if above else -1, limit)
        run.count = 0
        m = self._margin
        if high is not None and x > high - m:
            return Finding(kind, severity, False, ts, 1, high)
        if low is not None and x < low + m:
            return Finding(kind, severity, False, ts, -1, low)
        return None

    def _learned(self, ts: float, x: float) -> tuple[Finding | None, float | None, float]:
        """Step and drift against the learned pattern: (finding, expected, z)."""
        if not self.baseline.ready:
            return None, None, 0.0
        bl = self.baseline
        expected = bl.expected(ts)
        sigma = bl.sigma()
        residual = x - expected
        z = residual / sigma
        e = z
        if self._prev_residual is not None:
            rho = bl.rho
            e = (residual - rho * self._prev_residual) / (sigma * math.sqrt(1.0 - rho * rho))
        self._prev_residual = residual
        self._zs.append(z)
        k, h = self.s.cusum_k, self.s.cusum_h
        # Whitened deviations accumulate only on the side where the value is:
        # coming back to normal after an excursion is not a fault the other way.
        self._up.add(ts, e if z > 0 else min(e, z), z, k, 2 * h)
        self._down.add(ts, -e if z < 0 else min(-e, -z), -z, k, 2 * h)
        if abs(z) <= self.s.clear_z:
            self._excursion = math.nan
        elif math.isnan(self._excursion):
            self._excursion = ts
        zmed = sorted(self._zs)[len(self._zs) // 2]
        direction = 1 if z > 0 else -1
        if len(self._zs) == self._zs.maxlen and abs(zmed) >= self.s.step_z:
            since = self._excursion if not math.isnan(self._excursion) else ts
            return Finding(AlertKind.STEP, Severity.WARNING, True, since, direction), expected, z
        for cusum, sign in ((self._up, 1), (self._down, -1)):
            if cusum.s > h:
                since, abrupt = cusum.change(self.s.clear_z)
                kind = AlertKind.STEP if abrupt else AlertKind.DRIFT
                return Finding(kind, Severity.WARNING, True, since, sign), expected, z
        if abs(zmed) > self.s.clear_z or max(self._up.s, self._down.s) > h / 2:
            since = self._excursion if not math.isnan(self._excursion) else ts
            return Finding(AlertKind.DRIFT, Severity.WARNING, False, since, direction), expected, z
        return None, expected, z

    def _learn(self, ts: float, x: float, expected: float | None, z: float, calm: bool) -> None:
        """Update the pattern; ``calm``: nothing abnormal, so the noise level may learn too."""
        if expected is not None:
            residual = x - expected
        else:
            residual = x - self.baseline.expected(ts) if self.baseline.n else 0.0
        was_ready = self.baseline.ready
        self.baseline.update(ts, x, residual, spread=calm and abs(z) <= self.s.clip_z)
        if self.baseline.ready and not was_ready:
            self._up.reset()
            self._down.reset()
