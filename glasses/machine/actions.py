"""What the state machine asks the stages to do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Say:
    """Speak ``text``. ``source``: local (device), gateway, or pack (offline answer)."""

    text: str
    source: str = "local"
    interrupt: bool = False
    """Cut whatever is playing first (navigation replies and alerts)."""


@dataclass(frozen=True)
class StopSpeaking:
    """Barge-in: cut speech now, through the priority lane."""


@dataclass(frozen=True)
class AskGateway:
    question_id: str
    question: str
    procedure_id: str | None
    step_index: int | None
    equipment_tag: str | None


@dataclass(frozen=True)
class AnswerLocally:
    """Answer from the local pack (offline, or the gateway failed)."""

    question_id: str
    question: str
    equipment_tag: str | None


@dataclass(frozen=True)
class CancelQuestion:
    question_id: str


@dataclass(frozen=True)
class SendState:
    """Tell the gateway where the procedure is (resume state)."""

    procedure_id: str | None
    step_index: int | None


@dataclass(frozen=True)
class AckAlert:
    alert_id: str


@dataclass(frozen=True)
class LogWork:
    """Append a work-log record to the durable outbox."""

    kind: str
    payload: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Prefetch:
    """Synthesize these texts ahead (next and previous step)."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class Emit:
    """One line of the events stream."""

    event: str
    fields: Mapping[str, object] = field(default_factory=dict)


Action = (
    Say | StopSpeaking | AskGateway | AnswerLocally | CancelQuestion | SendState | AckAlert
    | LogWork | Prefetch | Emit
)  # fmt: skip
