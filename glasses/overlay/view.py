"""The view model the overlay renderer draws: frozen, parser-free, cheap to compare.

The interaction state machine (or the ``glasses render`` command) builds an
:class:`OverlayView` and submits it; the renderer only ever reads it. Nothing
here imports the document parser, so the overlay can be tested and reused on
its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

WORKS_OFFLINE: tuple[str, ...] = ("procedures", "safety", "equipment reference", "voice commands")
NEEDS_GATEWAY: tuple[str, ...] = ("open questions over all manuals", "live readings", "alerts")


class ListenState(enum.Enum):
    """What the voice loop is doing, shown by the listening indicator."""

    IDLE = "idle"
    LISTENING = "listening"
    THINKING = "thinking"
    SPEAKING = "speaking"


class Trend(enum.Enum):
    """Direction of a live reading over its recent history."""

    UP = "up"
    DOWN = "down"
    FLAT = "flat"


class Severity(enum.Enum):
    """How loud an alert banner is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Online:
    """Connected to a paired gateway."""

    gateway_name: str


@dataclass(frozen=True)
class Offline:
    """No gateway: the glasses work from the local pack."""

    since_last_sync: float | None = None  # seconds since the last pack sync, None if never
    works_offline: tuple[str, ...] = WORKS_OFFLINE
    needs_gateway: tuple[str, ...] = NEEDS_GATEWAY


Connectivity = Online | Offline


@dataclass(frozen=True)
class ReadingView:
    """One live telemetry point of the equipment in view."""

    point: str  # point name, e.g. "discharge_pressure"
    value: float
    unit: str  # e.g. "psig", "°C"
    trend: Trend = Trend.FLAT
    age_s: float = 0.0  # seconds since the gateway sampled it
    stale: bool = False  # too old to trust: drawn greyed


@dataclass(frozen=True)
class AlertView:
    """An alert pushed by the gateway, shown as a banner."""

    equipment_tag: str
    message: str
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class OverlayView:
    """Everything the overlay shows in one frame.

    ``step_index`` is 1-based; ``step_total`` is 0 when no procedure is active
    (then the card shows only the readings, if any).
    """

    procedure_title: str | None = None
    step_index: int = 0
    step_total: int = 0
    step_text: str = ""
    hold_point: str | None = None  # what must be confirmed before moving on
    expected: str | None = None  # expected reading, e.g. "discharge_pressure 250–450 psig"
    cautions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # procedure warnings: drawn in red, distinct from cautions
    listening: ListenState = ListenState.IDLE
    caption: str = ""  # the last transcript
    answer: str | None = None  # short spoken answer shown briefly
    connectivity: Connectivity = field(default_factory=Offline)
    readings: tuple[ReadingView, ...] = ()  # for the tag in view
    alerts: tuple[AlertView, ...] = ()

    def __post_init__(self) -> None:
        if self.step_total < 0 or self.step_index < 0:
            raise ValueError("step_index and step_total must not be negative")
        if self.step_total and not 1 <= self.step_index <= self.step_total:
            raise ValueError(
                f"step_index {self.step_index} is outside 1..{self.step_total}"
            )

    @property
    def has_step(self) -> bool:
        """True when a procedure step is to be shown."""
        return self.step_total > 0
