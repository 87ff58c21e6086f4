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
    """One-sided CUSUM on standardised deviations, remembering where it started."""

    __slots__ = ("onset", "s", "zs")

    def __init__(self) -> None:
        self.s = 0.0
        self.onset = math.nan
        self.zs: deque[float] = deque(maxlen=64)

    def add(self, ts: float, increment: float, z: float, k: float, cap: float) -> None:
        """Accumulate ``increment - k``; ``z`` (the plain deviation) is kept to classify."""
        if self.s <= 0.0:
            self.onset, self.zs = ts, deque(maxlen=64)
        self.s = min(cap, max(0.0, self.s + increment - k))
        if self.s > 0.0:
            self.zs.append(z)

    def looks_abrupt(self) -> bool:
        """A step keeps its size from the onset; a drift grows from near zero."""
        zs = list(self.zs)
        if len(zs) < 2:
            return True
        half = len(zs) // 2
        early, late = sum(zs[:half]) / half, sum(zs[half:]) / (len(zs) - half)
        return early >= 0.7 * late

    def reset(self) -> None:
        self.s, self.onset = 0.0, math.nan
