"""The glasses' interaction as a pure state machine: ``step(state, event) -> (state, actions)``.

Stages (audio, ASR, intent, TTS, link, overlay) only turn the world into
events and carry out actions, so the whole conversation is testable without
audio or a network.
"""

from glasses.machine.actions import (
    Action,
    AnswerLocally,
    AskGateway,
    CancelQuestion,
    Emit,
    LogWork,
    Prefetch,
    Say,
    SendState,
    StopSpeaking,
)
from glasses.machine.events import (
    AlertReceived,
    AnswerArrived,
    Event,
    IntentRecognized,
    LinkChanged,
    SpeechFinished,
    SpeechStarted,
    TagInView,
    WakeHeard,
)
from glasses.machine.state import LinkStatus, Mode, PendingQuestion, State
from glasses.machine.step import step

__all__ = [
    "Action",
    "AlertReceived",
    "AnswerArrived",
    "AnswerLocally",
    "AskGateway",
    "CancelQuestion",
    "Emit",
    "Event",
    "IntentRecognized",
    "LinkChanged",
    "LinkStatus",
    "LogWork",
    "Mode",
    "PendingQuestion",
    "Prefetch",
    "Say",
    "SendState",
    "SpeechFinished",
    "SpeechStarted",
    "State",
    "StopSpeaking",
    "TagInView",
    "WakeHeard",
    "step",
]
