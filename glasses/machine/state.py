"""The glasses' whole interaction state: one frozen value, replaced on every event."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from glasses.machine.events import AlertReceived
from glasses.procedures.library import Library
from glasses.procedures.state import RunnerState


class Mode(enum.StrEnum):
    """What the wearer sees in the listening indicator."""

    IDLE = "idle"
    LISTENING = "listening"
    THINKING = "thinking"
    SPEAKING = "speaking"


class LinkStatus(enum.StrEnum):
    OFFLINE = "offline"
    ONLINE = "online"


@dataclass(frozen=True)
class PendingQuestion:
    """An open question waiting for its one answer."""

    id: str
    text: str
    to_gateway: bool


@dataclass(frozen=True)
class State:
    library: Library = field(compare=False, repr=False)
    mode: Mode = Mode.IDLE
    link: LinkStatus = LinkStatus.OFFLINE
    gateway: str = ""
    link_error: str = ""
    """A fatal link problem to show the wearer (e.g. a protocol version mismatch)."""
    run: RunnerState | None = None
    paused: bool = False
    pending: PendingQuestion | None = None
    answered: tuple[str, ...] = ()
    """Recently answered question ids (never answer one twice)."""
    tag: str | None = None
    alerts: tuple[AlertReceived, ...] = ()
    caption: str = ""
    last_answer: str = ""
    question_seq: int = 0
    device_id: str = "glasses"
    command_mode: bool = True
    """Navigation commands work without the wake word while a procedure runs."""
    now: datetime | None = None
    """Wall-clock time of the current event (injected for deterministic tests)."""

    @property
    def online(self) -> bool:
        return self.link is LinkStatus.ONLINE

    @property
    def procedure_id(self) -> str | None:
        return self.run.document.id if self.run else None

    @property
    def step_index(self) -> int | None:
        return self.run.number if self.run else None
