"""Telemetry configuration: detection tuning and the service's files and limits.

``TelemetryConfig`` is the ``[telemetry]`` table of the gateway config; the
lead assembles it into ``gateway/config.py``. Defaults are tuned by
``scripts/bench_telemetry.py`` (1-minute samples, a month with daily cycles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SITE = Path(__file__).resolve().parent.parent / "sample_site"
DEFAULT_DB = Path.home() / ".local" / "state" / "hands-free-dc" / "telemetry.sqlite3"


@dataclass(frozen=True)
class DetectionSettings:
    """How each point's normal pattern is learned and what counts as abnormal."""

    buckets: int = 24
    """Hour-of-day buckets of the learned daily profile (interpolated between centres)."""
    learn_days: float = 3.0
    """Time constant of the daily profile once learned (days of data)."""
    learn_span_s: float = 86_400.0
    """History needed before learned detection starts (a full day shows the daily cycle)."""
    min_learn_samples: int = 60
    """Fewest samples before learned detection starts."""
    level_tau_s: float = 1_800.0
    """Time constant of the short-term level (absorbs weather and load; drifts are faster)."""
    scale_tau_s: float = 86_400.0
    """Time constant of the learned noise level."""
    clip_z: float = 2.5
    """Deviations are clipped to this many spreads before they are learned, so a fault
    is learned only slowly while weather and load are still followed."""
    pause_samples: int = 30
    """Learning pauses for up to this many samples while a value looks abnormal, so the
    onset of a fault is not learned; then it resumes (clipped) to follow a new normal."""
    spread_floor: float = 0.002
    """Smallest noise level, as a fraction of the normal range width."""
    confirm_samples: int = 2
    """Consecutive samples beyond a hard limit or the normal range that raise an alert."""
    step_z: float = 6.0
    """A step: the median of the last ``step_samples`` deviations exceeds this many spreads."""
    step_samples: int = 3
    cusum_k: float = 1.0
    """Shift (CUSUM of the whitened deviation): deviation in spreads ignored per sample."""
    cusum_h: float = 8.0
    """Shift (CUSUM of the whitened deviation): accumulated spreads that raise an alert."""
    clear_z: float = 2.5
    """Hysteresis: within this many spreads of the expected value counts as normal again."""
    clear_samples: int = 5
    """Consecutive normal samples that clear an alert."""
    range_margin: float = 0.02
    """Hysteresis for limits: back inside by this fraction of the normal range width."""
    stuck_samples: int = 6
    """Fewest identical readings in a row that make a sensor "stuck"."""
    stuck_false_rate: float = 1e-5
    """More are needed when a healthy reading repeats often: the run must have a
    chance below this per sample (a point that repeats half the time is never "stuck")."""
    dropout_samples: int = 3
    """Missed samples in a row that raise a dropout alert."""
    utc_offset_s: float | None = None
    """Site clock offset from UTC for the hour of day (None: this machine's local time)."""


@dataclass(frozen=True)
class TelemetryConfig:
    """The gateway's telemetry service."""

    enabled: bool = True
    points: Path = SAMPLE_SITE / "points.toml"
    """The site's point list."""
    db: Path = DEFAULT_DB
    """SQLite file for readings and alerts (WAL mode)."""
    docs: Path | None = SAMPLE_SITE / "docs"
    """Site documents whose front matter maps alerts to procedures (None: point list only)."""
    retention_days: float = 30.0
    """Readings older than this are deleted."""
    max_rows: int = 20_000_000
    """At most this many readings are kept (oldest deleted first)."""
    prune_interval_s: float = 60.0
    warmup_samples: int = 5_000
    """Most recent stored samples per point used to relearn the pattern at start."""
    subscriber_queue: int = 256
    """Events buffered per subscriber; when full the oldest reading update is dropped."""
    backoff_max_s: float = 60.0
    """Longest wait between retries of a silent source (jittered exponential backoff)."""
    comm_loss_polls: int = 2
    """Failed polls in a row that raise a communication-lost alert."""
    detection: DetectionSettings = field(default_factory=DetectionSettings)
