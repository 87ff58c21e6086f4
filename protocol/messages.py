"""Every message type of the protocol, in one namespace.

The types live in protocol.messages_session, _audio, _qa, _pack and _records;
importing this module registers all of them in :data:`REGISTRY`.
"""

from __future__ import annotations

from protocol.messages_audio import AudioChunkMessage, AudioStart, AudioStop, Transcript
from protocol.messages_base import REGISTRY, Message, Registry, Sender, Struct, message, struct
from protocol.messages_checks import JsonScalar
from protocol.messages_pack import (
    PackAck,
    PackChunk,
    PackComplete,
    PackFile,
    PackManifest,
    PackRequest,
    PackWant,
    ProcedureRequest,
    ProcedureResponse,
    sha256_hex,
)
from protocol.messages_qa import (
    Answer,
    AnswerDelta,
    AnswerSource,
    Ask,
    AskContext,
    Busy,
    Cancel,
    Citation,
    QueueStatus,
)
from protocol.messages_records import (
    Alert,
    AlertAck,
    Reading,
    Record,
    RecordAck,
    RecordKind,
    Severity,
    TelemetryReadings,
    TelemetrySubscribe,
    Trend,
)
from protocol.messages_session import (
    ErrorMessage,
    GoingAway,
    Hello,
    Ping,
    Pong,
    SessionState,
    StateUpdate,
    Welcome,
)

__all__ = [
    "REGISTRY",
    "Alert",
    "AlertAck",
    "Answer",
    "AnswerDelta",
    "AnswerSource",
    "Ask",
    "AskContext",
    "AudioChunkMessage",
    "AudioStart",
    "AudioStop",
    "Busy",
    "Cancel",
    "Citation",
    "ErrorMessage",
    "GoingAway",
    "Hello",
    "JsonScalar",
    "Message",
    "PackAck",
    "PackChunk",
    "PackComplete",
    "PackFile",
    "PackManifest",
    "PackRequest",
    "PackWant",
    "Ping",
    "Pong",
    "ProcedureRequest",
    "ProcedureResponse",
    "QueueStatus",
    "Reading",
    "Record",
    "RecordAck",
    "RecordKind",
    "Registry",
    "Sender",
    "SessionState",
    "Severity",
    "StateUpdate",
    "Struct",
    "TelemetryReadings",
    "TelemetrySubscribe",
    "Transcript",
    "Trend",
    "Welcome",
    "message",
    "message_types",
    "sha256_hex",
    "struct",
]


def message_types() -> dict[str, type[Message]]:
    """Every registered message type by its wire ``type`` name."""
    return dict(REGISTRY.types)
