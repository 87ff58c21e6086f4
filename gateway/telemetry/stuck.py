"""Stuck-sensor detection: identical readings for longer than the point's noise allows.

A healthy quantised reading repeats now and then; how often is learned (the
chance of a repeat, and of a repeat after a repeat, since noise is correlated),
so the run length that counts as "stuck" adapts to each point.
"""

from __future__ import annotations

import itertools
import math

from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.findings import Finding, Run
from gateway.telemetry.model import AlertKind, Severity


def _ewma(old: float, new: float, alpha: float) -> float:
    return new if math.isnan(old) else old + alpha * (new - old)


class StuckDetector:
    """Watches one point's readings for a frozen value."""

    def __init__(self, settings: DetectionSettings, resolution: float) -> None:
        self.s = settings
        self.resolution = resolution
        self._same = Run()
        self._same_value = math.nan
        self._p_same = self._p_again = math.nan
        self._was_same = False
        self._last: float | None = None

    def warm_up(self, values: list[float]) -> None:
        """Learn how often healthy readings repeat (history, NaN for missed samples)."""
        good = [v for v in values if math.isfinite(v)]
        eps = max(self.resolution / 2, 1e-12)
        pairs = list(itertools.pairwise(good))
        if len(pairs) >= self.s.stuck_samples:
            same = [abs(b - a) <= eps for a, b in pairs]
            self._p_same = sum(same) / len(same)
            again = [b for a, b in itertools.pairwise(same) if a]
            if again:
                self._p_again = sum(again) / len(again)
        if good:
            self._last = good[-1]

    def gap(self) -> None:
        """A sample was missed: a run of identical readings is broken."""
        self._same.count = 0

    def observe(self, ts: float, x: float) -> Finding | None:
        """Identical readings for longer than this point's noise makes believable."""
        eps = max(self.resolution / 2, 1e-9 * max(1.0, abs(x)))
        same = self._same.count > 0 and abs(x - self._same_value) <= eps
        if same:
            self._same.extend(ts)
        else:
            self._same.count = 0
            self._same.extend(ts)
            self._same_value = x
        needed = self.run_needed()
        if needed is not None and self._same.count >= needed:
            return Finding(AlertKind.STUCK, Severity.WARNING, True, self._same.since, 0)
        if self._last is not None:
            hit = 1.0 if same else 0.0
            self._p_same = _ewma(self._p_same, hit, 0.005)
            if self._was_same:
                self._p_again = _ewma(self._p_again, hit, 0.005)
            self._was_same = same
        self._last = x
        return None

    def run_needed(self) -> int | None:
        """Readings in a row that a healthy sensor repeats with chance < stuck_false_rate.

        A run of n equal readings has chance p_same * p_again^(n - 2), where p_again
        is the chance of repeating again once repeated (noise is correlated). None
        if the point does not vary enough to tell (e.g. a fixed setpoint).
        """
        p1, p2 = self._p_same, self._p_again
        minimum = self.s.stuck_samples
        if math.isnan(p1):
            return None
        if p1 <= 0.0:
            return minimum
        p2 = p1 if math.isnan(p2) else max(p1, p2)
        if p2 >= 0.6:
            return None
        run = 2 + math.ceil(math.log(self.s.stuck_false_rate / p1) / math.log(p2))
        return max(minimum, run) if run <= 3 * minimum else None
