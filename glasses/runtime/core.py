"""GlassesCore: one task feeds events to ``step`` and carries out the actions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any

from glasses.events import EventLog
from glasses.link.manager import LinkManager, LinkStatusChange
from glasses.local_answers import LocalSearch
from glasses.machine import actions as act
from glasses.machine import events as ev
from glasses.machine.state import State
from glasses.machine.step import step
from glasses.procedures.library import Library
from glasses.runtime.speaker import Speaker, TextSpeaker
from protocol.messages import (
    Alert,
    AlertAck,
    Answer,
    Ask,
    AskContext,
    Busy,
    Cancel,
    ErrorMessage,
    Message,
    QueueStatus,
    RecordAck,
    SessionState,
    StateUpdate,
    TelemetryReadings,
    TelemetrySubscribe,
)

log = logging.getLogger(__name__)


def wire_step(number: int | None) -> int | None:
    """Step numbers are 1-based on the glasses and 0-based on the wire (protocol/README)."""
    return None if number is None else number - 1


class GlassesCore:
    """Owns the interaction state; everything else talks to it through events."""

    def __init__(
        self,
        library: Library,
        events: EventLog,
        speaker: Speaker,
        device_id: str = "glasses",
        outbox: Any = None,
    ) -> None:
        self.state = State(library=library, device_id=device_id)
        self.events = events
        self.speaker = speaker
        if isinstance(speaker, TextSpeaker) and speaker.on_said is None:
            # nothing is played: the reply is "over" as soon as it is decided
            speaker.on_said = lambda _text: self.post(ev.SpeechFinished(0))
        self.outbox = outbox
        self.link: LinkManager | None = None
        self.search = LocalSearch(library.documents)
        self.readings: dict[str, TelemetryReadings] = {}
        self._queue: asyncio.Queue[ev.Event] = asyncio.Queue(maxsize=256)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._acks: asyncio.Queue[RecordAck] = asyncio.Queue(maxsize=1024)
        self._delivery: asyncio.Task[Any] | None = None
        self.pack_client: Any = None
        """A PackClient: pack messages from the link go to it first."""
        self.pack_version: Any = lambda: None
        self.on_change: list[Any] = []
        """Callables run after every event that changed the state (overlay refresh)."""

    # -- input ---------------------------------------------------------------
    def post(self, event: ev.Event) -> None:
        """Queue an event from any coroutine or loop callback."""
        self._idle.clear()
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("event queue full; dropping %s", type(event).__name__)

    async def run(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self.dispatch(event)
            except Exception as exc:  # one bad event never stops the glasses
                log.exception("event %s failed", type(event).__name__)
                self.events.emit("error", message=f"{type(event).__name__}: {exc}")
            if self._queue.empty():
                self._idle.set()

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every queued event (and local answer) is handled (tests, demo)."""
        await asyncio.wait_for(self._idle.wait(), timeout)
        while self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def dispatch(self, event: ev.Event) -> None:
        before = self.state
        self.state, actions = step(self.state, event)
        for action in actions:
            await self._execute(action)
        if self.state != before:
            for listener in self.on_change:
                listener()
        if self.state.tag and (
            (isinstance(event, ev.TagInView) and self.state.tag != before.tag)
            or (isinstance(event, ev.LinkChanged) and event.online)
        ):
            await self._send(TelemetrySubscribe(self.state.tag))

    # -- link ------------------------------------------------------------------
    def attach_link(self, link: LinkManager) -> None:
        self.link = link

    def is_idle(self) -> bool:
        """Between interactions: nothing asked, nothing being said or heard."""
        from glasses.machine.state import Mode

        return self.state.pending is None and self.state.mode is Mode.IDLE

    def resume_state(self) -> SessionState:
        return SessionState(self.state.procedure_id, wire_step(self.state.step_index),
                            pack_version=self.pack_version())  # fmt: skip

    def set_library(self, library: Library) -> None:
        """A new knowledge pack became active: its documents from now on."""
        self.state = replace(self.state, library=library)
        self.search = LocalSearch(library.documents)

    def on_link_status(self, change: LinkStatusChange) -> None:
        self.post(
            ev.LinkChanged(change.online, change.gateway or change.uri, change.reason, change.fatal)
        )
        if change.online:
            self._start_delivery()
            return
        if self.pack_client is not None:
            self.pack_client.connection_lost()  # staged chunks resume on the next gateway
        if self._delivery is not None:
            self._delivery.cancel()
            self._delivery = None

    def _start_delivery(self) -> None:
        """Deliver the outbox while the link is up (exactly once: the gateway acks by id)."""
        if self.outbox is None or self.link is None:
            return
        from glasses.outbox.deliver import deliver

        if self._delivery is not None:
            self._delivery.cancel()
        while not self._acks.empty():
            self._acks.get_nowait()
        self._delivery = asyncio.create_task(deliver(self.outbox, self.link.send, self._acks))

    def on_link_message(self, message: Message) -> None:
        if self.pack_client is not None and self.pack_client.on_message(message):
            return
        if isinstance(message, Answer):
            cites = tuple(c.to_json() for c in message.citations)
            self.post(ev.AnswerArrived(message.question_id, message.text, cites, "gateway"))
        elif isinstance(message, Busy):
            self.post(ev.QuestionFailed(message.question_id, message.message))
        elif isinstance(message, ErrorMessage) and message.ref:
            self.post(ev.QuestionFailed(message.ref, message.message))
        elif isinstance(message, Alert):
            self.post(ev.AlertReceived(message.alert_id, message.equipment_tag, message.message,
                                       message.severity, message.procedure_id))  # fmt: skip
        elif isinstance(message, TelemetryReadings):
            self.readings[message.equipment_tag] = message
            for listener in self.on_change:
                listener()
        elif isinstance(message, QueueStatus):
            self.events.emit("queue", question_id=message.question_id, position=message.position)
        elif isinstance(message, RecordAck):
            with contextlib.suppress(asyncio.QueueFull):
                self._acks.put_nowait(message)

    async def _send(self, message: Message) -> bool:
        return self.link is not None and await self.link.send(message)

    # -- actions ---------------------------------------------------------------
    async def _execute(self, action: act.Action) -> None:
        if isinstance(action, act.Emit):
            self.events.emit(action.event, **dict(action.fields))
        elif isinstance(action, act.Say):
            self.events.emit("say", text=action.text, source=action.source)
            await self.speaker.say(action.text, action.interrupt)
        elif isinstance(action, act.StopSpeaking):
            await self.speaker.stop()
            self.events.emit("speech_cut")
        elif isinstance(action, act.Prefetch):
            self.speaker.prefetch(action.texts)
        elif isinstance(action, act.AskGateway):
            context = AskContext(
                action.procedure_id, wire_step(action.step_index), action.equipment_tag
            )
            if not await self._send(Ask(action.question_id, action.question, context)):
                self.post(ev.QuestionFailed(action.question_id, "no gateway"))
        elif isinstance(action, act.AnswerLocally):
            self._spawn(self._answer_locally(action))
        elif isinstance(action, act.CancelQuestion):
            await self._send(Cancel(action.question_id))
        elif isinstance(action, act.SendState):
            state = SessionState(action.procedure_id, wire_step(action.step_index))
            await self._send(StateUpdate(state))
        elif isinstance(action, act.AckAlert):
            await self._send(AlertAck(action.alert_id))
        elif isinstance(action, act.LogWork):
            await self._log_work(action)

    async def _log_work(self, action: act.LogWork) -> None:
        self.events.emit("work", kind=action.kind, **dict(action.payload))
        if self.outbox is not None:  # durable before we go on (fsync off the loop)
            await asyncio.to_thread(self.outbox.add, action.kind, dict(action.payload))

    async def _answer_locally(self, action: act.AnswerLocally) -> None:
        found = await asyncio.to_thread(self.search.answer, action.question, action.equipment_tag)
        cites: tuple[dict[str, str], ...] = ()
        if found is None:
            text = "I found nothing about that in the documents on the glasses."
        else:
            text = found.text
            cites = ({"doc_id": found.doc_id, "title": found.title, "section": found.section},)
        self.post(ev.AnswerArrived(action.question_id, text, cites, "pack"))

    def _spawn(self, coro: Any) -> None:
        self._idle.clear()
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def with_now(self, now: Any) -> None:
        self.state = replace(self.state, now=now)
