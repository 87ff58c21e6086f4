"""What detectors report: findings per sample, and the small running statistics they use."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from gateway.telemetry.model import AlertCategory, AlertKind, Severity


@dataclass(frozen=True, slots=True)
class Finding:
    kind: AlertKind
    severity: Severity
    confirmed: bool
    since: float
    direction: int
    """+1 above / rising, -1 below / falling, 0 neither."""
    limit: float | None = None
    """The limit crossed, for HARD_LIMIT and RANGE."""


@dataclass(frozen=True, slots=True)
class Observation:
    ts: float
    value: float | None
    expected: float | None
    findings: dict[AlertCategory, Finding | None] = field(default_factory=dict)


class Run:
    """A run of consecutive samples with some property: how many, since when."""

    __slots__ = ("count", "since")

    def __init__(self) -> None:
        self.count = 0
        self.since = math.nan

    def extend(self, ts: float) -> None:
        if self.count == 0:
            self.since = ts
        self.count += 1


class Cusum:
    """One-sided CUSUM on standardised deviations, remembering the run that built it up."""

    __slots__ = ("run", "s")

    def __init__(self) -> None:
        self.s = 0.0
        self.run: deque[tuple[float, float]] = deque(maxlen=64)

    def add(self, ts: float, increment: float, z: float, k: float, cap: float) -> None:
        """Accumulate ``increment - k``; (ts, ``z``) is kept to find and classify the change."""
        if self.s <= 0.0:
            self.run.clear()
        self.s = min(cap, max(0.0, self.s + increment - k))
        if self.s > 0.0:
            self.run.append((ts, z))

    def change(self, threshold: float) -> tuple[float, bool]:
        """When the change began and whether it was abrupt.

        The change begins at the first deviation beyond ``threshold`` in the run
        (else where the run began). A step is already near its full size there
        and stays level; a drift starts small and keeps growing.
        """
        if not self.run:
            return math.nan, True
        zs = [z for _, z in self.run]
        first = next((i for i, z in enumerate(zs) if z > threshold), 0)
        tail = zs[first:]
        if len(tail) < 3:
            return self.run[first][0], True
        n = len(tail)
        mean_i, mean_z = (n - 1) / 2, sum(tail) / n
        slope = sum((i - mean_i) * (z - mean_z) for i, z in enumerate(tail)) / sum(
            (i - mean_i) ** 2 for i in range(n)
        )
        abrupt = tail[0] >= 0.6 * max(tail) and slope * (n - 1) < 0.35 * mean_z
        return self.run[first][0], abrupt

    def reset(self) -> None:
        self.s = 0.0
        self.run.clear()
