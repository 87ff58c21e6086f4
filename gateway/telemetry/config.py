"""Telemetry configuration: detection tuning and the service's files and limits.

``TelemetryConfig`` is the ``[telemetry]`` table of the gateway config; the
lead assembles it into ``gateway/config.py``. Defaults are tuned by
``scripts/bench_telemetry.py`` (1-minute samples, a month with daily cycles).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

SAMPLE_SITE = Path(__file__).resolve().parent.parent / "sample_site"
DATA_DIR = Path("var/gateway")


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
    """Poll and alert at all."""
    points: Path | None = None
    """The site's point list (None: SITE_DIR/points.toml)."""
    db: Path | None = None
    """SQLite file for readings and alerts, WAL mode (None: DATA_DIR/telemetry.sqlite3)."""
    docs: Path | None = None
    """Documents whose front matter maps alerts to procedures (None: SITE_DIR/docs)."""
    use_documents: bool = True
    """Look procedures up in the documents when the point list names none."""
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

    def resolve(self, site_dir: Path = SAMPLE_SITE, data_dir: Path = DATA_DIR) -> TelemetryConfig:
        """Fill the unset paths from the gateway's site and data directories."""
        return replace(
            self,
            points=self.points or site_dir / "points.toml",
            db=self.db or data_dir / "telemetry.sqlite3",
            docs=self.docs or site_dir / "docs",
        )

    @property
    def points_path(self) -> Path:
        return self.resolve().points or SAMPLE_SITE / "points.toml"

    @property
    def db_path(self) -> Path:
        return self.resolve().db or DATA_DIR / "telemetry.sqlite3"
