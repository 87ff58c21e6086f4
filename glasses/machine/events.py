"""What the stages tell the state machine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WakeHeard:
    """The wake word fired (or barge-in while speaking)."""

    model: str
    score: float


@dataclass(frozen=True)
class IntentRecognized:
    """A transcript understood by the intent stage.

    ``woken`` says whether a wake word preceded it; without it only confident
    grammar matches of navigation commands are accepted (command mode).
    """

    text: str
    intent: str
    slots: Mapping[str, object] = field(default_factory=dict)
    confidence: float = 1.0
    source: str = "grammar"
    woken: bool = True


@dataclass(frozen=True)
class NothingHeard:
    """The wake word fired but no command followed (timeout or noise)."""


@dataclass(frozen=True)
class SpeechStarted:
    """The first sample of a reply reached the speaker."""

    utterance_id: int


@dataclass(frozen=True)
class SpeechFinished:
    """A reply finished playing (or was cut)."""

    utterance_id: int
    cut: bool = False


@dataclass(frozen=True)
class LinkChanged:
    """The gateway link went up or down."""

    online: bool
    gateway: str = ""
    reason: str = ""
    fatal: bool = False


@dataclass(frozen=True)
class AnswerArrived:
    """The final answer to a question, from the gateway or the local pack."""

    question_id: str
    text: str
    citations: tuple[Mapping[str, str], ...] = ()
    source: str = "gateway"  # "gateway" | "pack"
    notice: str = ""


@dataclass(frozen=True)
class QuestionFailed:
    """The gateway could not answer (link died, busy, error): answer locally."""

    question_id: str
    reason: str


@dataclass(frozen=True)
class TagInView:
    """The primary equipment tag in the camera frame changed (None: no tag)."""

    tag: str | None


@dataclass(frozen=True)
class AlertReceived:
    """An equipment alert pushed by the gateway."""

    alert_id: str
    equipment_tag: str
    message: str
    severity: str
    procedure_id: str | None = None


Event = (
    WakeHeard
    | IntentRecognized
    | NothingHeard
    | SpeechStarted
    | SpeechFinished
    | LinkChanged
    | AnswerArrived
    | QuestionFailed
    | TagInView
    | AlertReceived
)
