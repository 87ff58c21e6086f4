"""Session messages: handshake, heartbeat, shutdown, where-am-I updates and errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from protocol import limits
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages_base import (
    U32,
    Capability,
    Id,
    Message,
    Name,
    ProtocolVersion,
    Question,
    StepIndex,
    Struct,
    Text,
    Timestamp,
    VersionLabel,
    WaitSeconds,
    message,
    struct,
)
from protocol.messages_checks import Len, Range

Capabilities = Annotated[tuple[Capability, ...], Len(0, limits.MAX_CAPABILITIES)]
Token = Annotated[str, Len(1, limits.MAX_TOKEN_CHARS)]
HeartbeatSeconds = Annotated[float, Range(limits.MIN_HEARTBEAT_S, limits.MAX_HEARTBEAT_S)]


@struct
@dataclass(frozen=True, slots=True)
class SessionState(Struct):
    """What the glasses are doing; they own it and send it on (re)connect."""

    procedure_id: Id | None = None
    step_index: StepIndex | None = None
    """0-based index of the current step of ``procedure_id``."""
    pending_question_id: Id | None = None
    """A question asked but not answered when the link dropped."""
    pending_question: Question | None = None
    pack_version: VersionLabel | None = None
    """The knowledge pack active on the glasses."""


@message("hello", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class Hello(Message):
    """First frame of a connection: who the glasses are and where they are."""

    protocol_version: ProtocolVersion
    device_id: Id
    device_name: Name
    capabilities: Capabilities = ()
    auth_token: Token | None = None
    state: SessionState = SessionState()


@message("welcome", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class Welcome(Message):
    """The gateway's reply to hello: negotiated version and session parameters."""

    protocol_version: ProtocolVersion
    gateway_id: Id
    gateway_name: Name
    session_id: Id
    kb_version: VersionLabel
    capabilities: Capabilities = ()
    pack_version: VersionLabel | None = None
    """The newest pack the gateway serves, if any."""
    heartbeat_interval: HeartbeatSeconds = 1.0


@message("going_away", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class GoingAway(Message):
    """The gateway is shutting down; reconnect after ``retry_after`` seconds."""

    reason: Text
    retry_after: WaitSeconds = 0.0


@message("ping", sent_by="both")
@dataclass(frozen=True, slots=True)
class Ping(Message):
    """Application heartbeat; the peer answers with a pong echoing both fields."""

    ping_id: U32
    sent: Timestamp
    """Sender's clock (seconds) when sent; echoed to measure the round trip."""


@message("pong", sent_by="both")
@dataclass(frozen=True, slots=True)
class Pong(Message):
    ping_id: U32
    sent: Timestamp


@message("state_update", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class StateUpdate(Message):
    """The glasses moved (new procedure, next step, ...): where they are now."""

    state: SessionState


@message("error", sent_by="both")
@dataclass(frozen=True, slots=True)
class ErrorMessage(Message):
    """A request or frame was refused. ``fatal``: the sender closes the link next."""

    code: ErrorCode
    message: Text
    ref: Id | None = None
    """Id of the message this error is about (question id, record id, ...)."""
    fatal: bool = False

    @classmethod
    def from_exception(cls, exc: ProtocolError, ref: str | None = None) -> ErrorMessage:
        """The reply to a frame that raised ``exc`` in decode."""
        return cls(exc.code, str(exc)[: limits.MAX_TEXT_CHARS], ref, exc.fatal)
