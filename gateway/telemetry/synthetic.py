"""Synthetic point histories: daily cycles, weather, correlated noise and injected faults.

Used to seed a demo database, by the tests and by ``scripts/bench_telemetry.py``.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeriesShape:
    """How a healthy point behaves."""

    mean: float
    amplitude: float
    """Half the peak-to-peak size of the daily cycle."""
    noise: float
    """Standard deviation of the sample-to-sample noise."""
    peak_hour: float = 15.0
    """Local hour at which the daily cycle peaks."""
    ar: float = 0.5
    """Lag-one autocorrelation of the noise (real sensors are not white)."""
    weather: float = 0.0
    """Standard deviation of the daily level (weather, IT load; mean-reverting)."""
    resolution: float = 0.0
    """Quantisation step of the reported value (0: none)."""


class FaultKind(enum.Enum):
    DRIFT = "drift"
    STEP = "step"
    STUCK = "stuck"
    DROPOUT = "dropout"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    start: int
    """Index of the first faulty sample."""
    length: int
    size: float = 0.0
    """Drift: change per sample. Step: offset. Unused for stuck and dropout."""


def daily_cycle(hours: np.ndarray, peak_hour: float) -> np.ndarray:
    """The healthy daily shape (-1..1) at local ``hours``: a peak at ``peak_hour`` and a
    second harmonic, as real loads are not pure sinusoids. The site simulator serves the
    same shape that seeded history has, so a demo's baseline fits it at every hour."""
    phase = 2 * math.pi * (np.asarray(hours, dtype=float) - peak_hour) / 24.0
    shape: np.ndarray = (np.cos(phase) + 0.25 * np.cos(2 * phase + 1.0)) / 1.25
    return shape


def generate(
    shape: SeriesShape,
    start_ts: float,
    n: int,
    interval_s: float,
    rng: np.random.Generator,
    utc_offset_s: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps and values of ``n`` healthy samples."""
    ts = start_ts + np.arange(n) * interval_s
    hours = ((ts + utc_offset_s) % 86_400.0) / 3_600.0
    days = (ts - ts[0]) / 86_400.0
    n_days = int(days[-1]) + 3 if n else 2
    gain = np.interp(days, np.arange(n_days), 1.0 + 0.1 * rng.standard_normal(n_days))
    level = _smooth_walk(days, n_days, shape.weather, rng)
    cycle = shape.amplitude * gain * daily_cycle(hours, shape.peak_hour)
    values = shape.mean + level + cycle + _ar_noise(n, shape.ar, shape.noise, rng)
    if shape.resolution > 0:
        values = np.round(values / shape.resolution) * shape.resolution
    return ts, values


def _smooth_walk(
    days: np.ndarray, n_days: int, sigma: float, rng: np.random.Generator
) -> np.ndarray:
    if sigma <= 0:
        return np.zeros_like(days)
    phi = 0.7  # day-to-day persistence of the weather
    knots = np.empty(n_days)
    knots[0] = sigma * rng.standard_normal()
    for i in range(1, n_days):
        knots[i] = phi * knots[i - 1] + sigma * math.sqrt(1 - phi * phi) * rng.standard_normal()
    base = np.floor(days).astype(int)
    frac = days - base
    w = (1 - np.cos(math.pi * frac)) / 2
    out: np.ndarray = knots[base] * (1 - w) + knots[np.minimum(base + 1, n_days - 1)] * w
    return out


def _ar_noise(n: int, rho: float, sigma: float, rng: np.random.Generator) -> np.ndarray:
    eps = rng.standard_normal(n) * sigma * math.sqrt(1 - rho * rho)
    out = np.empty(n)
    prev = rng.standard_normal() * sigma
    for i in range(n):
        prev = rho * prev + eps[i]
        out[i] = prev
    return out


def inject(values: np.ndarray, fault: Fault, resolution: float = 0.0) -> np.ndarray:
    """A copy of ``values`` with ``fault`` applied (NaN marks a missed sample)."""
    out = values.astype(float).copy()
    sl = slice(fault.start, fault.start + fault.length)
    length = len(out[sl])
    if fault.kind is FaultKind.DRIFT:
        out[sl] += fault.size * np.arange(1, length + 1)
    elif fault.kind is FaultKind.STEP:
        out[sl] += fault.size
    elif fault.kind is FaultKind.STUCK:
        out[sl] = out[max(0, fault.start - 1)]
    elif fault.kind is FaultKind.DROPOUT:
        out[sl] = np.nan
    if resolution > 0 and fault.kind in (FaultKind.DRIFT, FaultKind.STEP):
        out[sl] = np.round(out[sl] / resolution) * resolution
    return out
