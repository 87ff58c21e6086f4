"""``step(state, event) -> (state, actions)``: the pure heart of the glasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from glasses.machine import commands
from glasses.machine.actions import (
    Action,
    AnswerLocally,
    Emit,
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
    NothingHeard,
    QuestionFailed,
    SpeechFinished,
    SpeechStarted,
    TagInView,
    WakeHeard,
)
from glasses.machine.state import LinkStatus, Mode, State

Result = tuple[State, list[Action]]
OFFLINE_NOTICE = (
    "The gateway is out of reach, so this answer comes from the documents on the glasses."
)


def step(state: State, event: Event) -> Result:
    """Apply one event; return the new state and what the stages must do."""
    handler = _HANDLERS.get(type(event))
    if handler is None:
        return state, [Emit("error", {"message": f"unknown event {type(event).__name__}"})]
    return handler(state, event)


def _wake(state: State, event: WakeHeard) -> Result:
    actions: list[Action] = [Emit("wake", {"model": event.model, "score": round(event.score, 3)})]
    if state.mode is Mode.SPEAKING:
        actions.insert(0, StopSpeaking())
    return replace(state, mode=Mode.LISTENING), actions


def _nothing(state: State, event: NothingHeard) -> Result:
    mode = Mode.IDLE if state.mode is Mode.LISTENING else state.mode
    return replace(state, mode=mode), []


def _intent(state: State, event: IntentRecognized) -> Result:
    if not event.woken and not _accept_without_wake(state, event):
        return state, [Emit("ignored", {"text": event.text, "intent": event.intent})]
    state = replace(state, caption=event.text)
    intent_event = Emit(
        "intent",
        {"name": event.intent, "slots": dict(event.slots), "confidence": round(event.confidence, 3),
         "source": event.source, "woken": event.woken},
    )  # fmt: skip
    new_state, actions = commands.handle(state, event)
    if new_state.mode in (Mode.LISTENING, Mode.IDLE) and any(isinstance(a, Say) for a in actions):
        new_state = replace(new_state, mode=Mode.SPEAKING)
    elif new_state.mode is Mode.LISTENING:
        new_state = replace(new_state, mode=Mode.IDLE)
    return new_state, [intent_event, *actions]


def _accept_without_wake(state: State, event: IntentRecognized) -> bool:
    """Command mode: a confident grammar navigation command while a procedure runs."""
    navigation = {"next_step", "previous_step", "repeat_step", "confirm", "stop"}
    return (
        state.command_mode
        and (state.run is not None or event.intent == "stop")
        and event.intent in navigation
        and event.source == "grammar"
        and event.confidence >= 1.0
    )


def _speech_started(state: State, event: SpeechStarted) -> Result:
    return replace(state, mode=Mode.SPEAKING), []


def _speech_finished(state: State, event: SpeechFinished) -> Result:
    mode = Mode.THINKING if state.pending else Mode.IDLE
    return replace(state, mode=mode if state.mode is Mode.SPEAKING else state.mode), []


def _link(state: State, event: LinkChanged) -> Result:
    if event.online:
        new = replace(state, link=LinkStatus.ONLINE, gateway=event.gateway, link_error="")
        actions: list[Action] = [
            Emit("link", {"state": "online", "gateway": event.gateway}),
            SendState(new.procedure_id, new.step_index),
        ]
        if not state.online:
            actions.append(Say(f"Connected to {event.gateway}.", "local"))
        return new, actions
    error = event.reason if event.fatal else ""
    new = replace(state, link=LinkStatus.OFFLINE, link_error=error)
    actions = [Emit("link", {"state": "offline", "gateway": state.gateway, "reason": event.reason})]
    if state.online:
        actions.append(Say(_offline_sentence(event), "local"))
    pending = state.pending
    if pending is not None and pending.to_gateway:
        # the question in flight is answered from the pack, exactly once
        new = replace(new, pending=replace(pending, to_gateway=False))
        actions.append(AnswerLocally(pending.id, pending.text, state.tag))
    return new, actions


def _offline_sentence(event: LinkChanged) -> str:
    if event.fatal:
        return f"The gateway refused the connection: {event.reason}"
    return "Gateway lost. Working offline: procedures and voice commands still work."


def _answer(state: State, event: AnswerArrived) -> Result:
    pending = state.pending
    if pending is None or pending.id != event.question_id or event.question_id in state.answered:
        return state, [Emit("duplicate_answer", {"question_id": event.question_id})]
    text = event.text
    if event.source == "pack":
        text = f"{event.notice or OFFLINE_NOTICE} {text}"
    new = replace(
        state, pending=None, last_answer=event.text, mode=Mode.SPEAKING,
        answered=(*state.answered, event.question_id)[-32:],
    )  # fmt: skip
    return new, [
        Emit(
            "answer",
            {
                "question_id": event.question_id,
                "text": event.text,
                "citations": [dict(c) for c in event.citations],
                "source": event.source,
            },
        ),  # fmt: skip
        Say(text, event.source),
    ]


def _question_failed(state: State, event: QuestionFailed) -> Result:
    pending = state.pending
    if pending is None or pending.id != event.question_id or not pending.to_gateway:
        return state, []
    new = replace(state, pending=replace(pending, to_gateway=False))
    return new, [
        Emit("ask_failed", {"question_id": event.question_id, "reason": event.reason}),
        AnswerLocally(pending.id, pending.text, state.tag),
    ]


def _tag(state: State, event: TagInView) -> Result:
    if event.tag == state.tag:
        return state, []
    return replace(state, tag=event.tag), [Emit("tag", {"tag": event.tag})]


def _alert(state: State, event: AlertReceived) -> Result:
    if any(a.alert_id == event.alert_id for a in state.alerts):
        return state, []
    sentence = f"Alert: {event.message}"
    if event.procedure_id:
        doc = state.library.get(event.procedure_id)
        name = doc.title if doc else event.procedure_id
        sentence += f" The procedure that applies is {name}."
    sentence += " Say acknowledge when you have it."
    new = replace(state, alerts=(*state.alerts, event))
    return new, [
        Emit(
            "alert",
            {
                "alert_id": event.alert_id,
                "tag": event.equipment_tag,
                "message": event.message,
                "procedure": event.procedure_id,
            },
        ),  # fmt: skip
        Say(sentence, "gateway", interrupt=True),
    ]


_HANDLERS: dict[type, Callable[[State, Any], Result]] = {
    WakeHeard: _wake,
    NothingHeard: _nothing,
    IntentRecognized: _intent,
    SpeechStarted: _speech_started,
    SpeechFinished: _speech_finished,
    LinkChanged: _link,
    AnswerArrived: _answer,
    QuestionFailed: _question_failed,
    TagInView: _tag,
    AlertReceived: _alert,
}
