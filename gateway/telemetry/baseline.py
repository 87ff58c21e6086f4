"""A point's learned normal pattern: daily profile + short-term level + noise spread.

expected(t) = profile(hour of day) + level. The profile has one value per
hour-of-day bucket, linearly interpolated between bucket centres; the level is
a slow EWMA of what the profile does not explain (weather, load); the spread
is a robust EWMA of the absolute residual (scaled to one standard deviation).
A batch fit (bucket medians, MAD) seeds it from history; online updates are
made only with samples the detector judged normal, so a fault is not learned.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.points import Baseline

_MAD_TO_SIGMA = 1.4826
_MEAN_ABS_TO_SIGMA = math.sqrt(math.pi / 2)


def local_utc_offset() -> float:
    return float(time.localtime().tm_gmtoff)


class SeasonalBaseline:
    """The normal pattern of one point sampled about every ``interval_s`` seconds."""

    def __init__(self, settings: DetectionSettings, interval_s: float, floor: float) -> None:
        self.s = settings
        self.n_buckets = settings.buckets
        self.levels = [math.nan] * self.n_buckets
        self.counts = [0] * self.n_buckets
        self.level = 0.0
        self.spread = math.nan
        self.floor = floor
        self.n = 0
        self.first_ts = math.nan
        self.ready = False
        self.rho = 0.0
        """Lag-one autocorrelation of the residual (used to whiten it)."""
        self._c0 = self._c1 = 0.0
        self._prev: float | None = None
        utc = settings.utc_offset_s
        self._utc = utc if utc is not None else local_utc_offset()
        per_bucket_day = 86_400.0 / (interval_s * self.n_buckets)
        self._a_profile = min(1.0, 1.0 / max(1.0, per_bucket_day * settings.learn_days))
        self._a_level = min(1.0, interval_s / settings.level_tau_s)
        self._a_spread = min(1.0, interval_s / settings.scale_tau_s)

    # -- where a time falls in the daily profile ---------------------------------
    def _position(self, ts: float) -> tuple[int, int, float]:
        u = ((ts + self._utc) % 86_400.0) / 86_400.0 * self.n_buckets - 0.5
        lo = math.floor(u)
        w1 = u - lo
        return lo % self.n_buckets, (lo + 1) % self.n_buckets, w1

    def expected(self, ts: float) -> float:
        b0, b1, w1 = self._position(ts)
        return self.levels[b0] * (1.0 - w1) + self.levels[b1] * w1 + self.level

    def _profile_many(self, ts: np.ndarray) -> np.ndarray:
        u = ((ts + self._utc) % 86_400.0) / 86_400.0 * self.n_buckets - 0.5
        lo = np.floor(u)
        w1 = u - lo
        levels = np.asarray(self.levels)
        b0 = lo.astype(int) % self.n_buckets
        out: np.ndarray = levels[b0] * (1.0 - w1) + levels[(b0 + 1) % self.n_buckets] * w1
        return out

    def sigma(self) -> float:
        return max(self.spread, self.floor) if math.isfinite(self.spread) else self.floor

    # -- seeding ------------------------------------------------------------------
    def seed(self, baseline: Baseline) -> None:
        """Start from the point list's ``baseline`` instead of learning."""
        hourly = baseline.hourly or (baseline.level,) * 24
        hours = np.arange(24) + 0.5
        centres = (np.arange(self.n_buckets) + 0.5) * 24.0 / self.n_buckets
        self.levels = [float(x) for x in np.interp(centres, hours, hourly, period=24.0)]
        self.counts = [10**6] * self.n_buckets
        self.level = 0.0
        self.spread = baseline.spread
        self.n = max(1, self.s.min_learn_samples)
        self.first_ts = 0.0
        self.ready = True

    def fit(self, ts: Sequence[float], values: Sequence[float]) -> None:
        """Learn from history (any order, NaN for missing samples)."""
        t = np.asarray(ts, dtype=float)
        v = np.asarray(values, dtype=float)
        ok = np.isfinite(v) & np.isfinite(t)
        t, v = t[ok], v[ok]
        if v.size == 0:
            return
        order = np.argsort(t)
        t, v = t[order], v[order]
        bucket = (((t + self._utc) % 86_400.0) / 86_400.0 * self.n_buckets).astype(int)
        bucket = np.clip(bucket, 0, self.n_buckets - 1)
        medians = np.full(self.n_buckets, np.nan)
        for b in range(self.n_buckets):
            sel = v[bucket == b]
            if sel.size:
                medians[b] = np.median(sel)
                self.counts[b] = int(sel.size)
        have = np.flatnonzero(np.isfinite(medians))
        centres = np.arange(self.n_buckets, dtype=float)
        levels = np.interp(centres, have.astype(float), medians[have], period=self.n_buckets)
        self.levels = [float(x) for x in levels]
        self.level = 0.0
        resid = v - self._profile_many(t)
        window = max(1, round(1.0 / self._a_level))
        recent = resid[-window:]
        self.level = float(np.median(recent))
        detrended = resid - _rolling_mean(resid, window)
        mad = float(np.median(np.abs(detrended - np.median(detrended))))
        self.spread = max(mad * _MAD_TO_SIGMA, self.floor)
        if detrended.size > 2:
            clipped = np.clip(detrended, -3 * self.spread, 3 * self.spread)
            self._c0 = float(np.mean(clipped * clipped))
            self._c1 = float(np.mean(clipped[1:] * clipped[:-1]))
            self.rho = _clamp_rho(self._c1 / self._c0 if self._c0 > 0 else 0.0)
        self.n = int(v.size)
        self.first_ts = float(t[0])
        self._check_ready(float(t[-1]))

    # -- online learning ------------------------------------------------------------
    def update(self, ts: float, value: float, residual: float, spread: bool = True) -> None:
        """Learn from one sample; ``residual`` = value - expected(ts).

        Once ready, the residual is clipped to ``clip_z`` spreads, so a fault moves
        the pattern only slowly while weather and load are still followed.
        ``spread=False`` keeps an abnormal sample out of the noise estimate.
        """
        if self.n == 0:
            self.first_ts = ts
            self.levels = [value] * self.n_buckets
            residual = 0.0
        self.n += 1
        b0, b1, w1 = self._position(ts)
        if self.ready:
            a_p, a_l, a_s = self._a_profile, self._a_level, self._a_spread
            limit = self.s.clip_z * self.sigma()
            residual = min(limit, max(-limit, residual))
        else:
            self.counts[b0] += 1
            a_p = 1.0 / self.counts[b0]
            a_l, a_s = 0.0, 1.0 / self.n
        self.levels[b0] += a_p * (1.0 - w1) * residual
        self.levels[b1] += a_p * w1 * residual
        self.level += a_l * residual
        if self.n > 1 and spread:
            prev = self.spread / _MEAN_ABS_TO_SIGMA if math.isfinite(self.spread) else abs(residual)
            capped = min(abs(residual), 4.0 * max(prev, self.floor))
            self.spread = _MEAN_ABS_TO_SIGMA * (prev + a_s * (capped - prev))
            if self._prev is not None:
                self._c0 += a_s * (residual * residual - self._c0)
                self._c1 += a_s * (residual * self._prev - self._c1)
                self.rho = _clamp_rho(self._c1 / self._c0 if self._c0 > 0 else 0.0)
        self._prev = residual if spread else None
        self._check_ready(ts)

    def gap(self) -> None:
        """A sample was missed: the next residual does not follow the last one."""
        self._prev = None

    def _check_ready(self, ts: float) -> None:
        if not self.ready and self.n >= self.s.min_learn_samples:
            self.ready = ts - self.first_ts >= self.s.learn_span_s


def _clamp_rho(rho: float) -> float:
    return min(0.9, max(0.0, rho))


def _rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average (shorter at the ends)."""
    if x.size == 0 or window <= 1:
        return x.copy()
    c = np.concatenate(([0.0], np.cumsum(x)))
    half = window // 2
    idx = np.arange(x.size)
    lo = np.clip(idx - half, 0, x.size)
    hi = np.clip(idx + half + 1, 0, x.size)
    out: np.ndarray = (c[hi] - c[lo]) / (hi - lo)
    return out
