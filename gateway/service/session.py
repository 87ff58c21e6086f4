"""One connected pair of glasses: hello/welcome, heartbeat, asks, records, state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from gateway.service.answerer import Delta, Final
from gateway.service.fairqueue import QueueFull
from gateway.service.hub import Hub
from protocol import codec
from protocol.errors import ProtocolError
from protocol.messages import (
    AlertAck,
    Answer,
    AnswerDelta,
    Ask,
    Busy,
    Cancel,
    ErrorMessage,
    GoingAway,
    Hello,
    Message,
    PackAck,
    PackRequest,
    Ping,
    Pong,
    ProcedureRequest,
    ProcedureResponse,
    QueueStatus,
    Record,
    RecordAck,
    SessionState,
    StateUpdate,
    TelemetrySubscribe,
)

log = logging.getLogger(__name__)


class Session:
    """Serves one websocket after a successful hello."""

    def __init__(self, ws: ServerConnection, hub: Hub, hello: Hello, session_id: str) -> None:
        self.ws = ws
        self.hub = hub
        self.hello = hello
        self.device_id = hello.device_id
        self.session_id = session_id
        self.state: SessionState = hello.state
        self.connected_at = time.time()
        self.last_seen = time.time()
        self.rtt_ms: float | None = None
        self.tag_in_view: str | None = None
        self.asks: dict[str, asyncio.Task[None]] = {}
        self.bad_frames = 0
        self._ask_times: deque[float] = deque()
        self._send_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._handlers: dict[type[Message], Callable[[Any], Awaitable[None]]] = {
            Ping: self._on_ping,
            Ask: self._on_ask,
            Cancel: self._on_cancel,
            StateUpdate: self._on_state,
            ProcedureRequest: self._on_procedure,
            Record: self._on_record,
            TelemetrySubscribe: self._on_subscribe,
            AlertAck: self._on_alert_ack,
            PackRequest: self._on_pack,
            PackAck: self._on_pack,
        }
        self.pack_stream: Any = None

    # -- sending -----------------------------------------------------------
    async def send(self, message: Message) -> None:
        data = codec.encode(message)
        async with self._send_lock:
            sending = asyncio.ensure_future(self.ws.send(data))
            done, _ = await asyncio.wait({sending}, timeout=self.hub.config.send_timeout)
            if not done:  # the peer stopped reading: drop its link, never hang the gateway
                log.warning("%s stopped reading; dropping its link", self.device_id)
                self.ws.transport.abort()
            await sending  # raises ConnectionClosed after the abort

    def post(self, message: Message) -> None:
        """Send from synchronous code (callbacks); failures only end this session."""
        self._spawn(self._send_quietly(message))

    async def _send_quietly(self, message: Message) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.send(message)

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def audit(self, event: str, **fields: Any) -> None:
        await self.hub.audit.write(event, device=self.device_id, session=self.session_id, **fields)

    # -- receiving ---------------------------------------------------------
    async def run(self) -> None:
        """Read frames until the peer goes away or stays silent past the idle timeout."""
        if self.state.pending_question and self.state.pending_question_id:
            await self._on_ask(Ask(self.state.pending_question_id, self.state.pending_question))
        if self.hub.packs is not None:  # the glasses sync in the background, safety first
            self.pack_stream = self.hub.packs.stream(self.send)
            await self.pack_stream.offer()
        if self.hub.telemetry is not None:  # what went wrong while these glasses were away
            for alert in self.hub.telemetry.open_alerts():
                await self.send(alert)
        idle = self.hub.config.idle_timeout
        while True:
            try:
                data = await asyncio.wait_for(self.ws.recv(), timeout=idle)
            except TimeoutError:
                await self.audit("idle_timeout", seconds=idle)
                await self.ws.close(1001, "idle timeout")
                return
            self.last_seen = time.time()
            await self.handle_frame(data)
            if self.bad_frames > self.hub.config.max_bad_frames:
                await self.audit("disconnect_bad_frames", count=self.bad_frames)
                await self.ws.close(1008, "too many malformed frames")
                return

    async def handle_frame(self, data: str | bytes) -> None:
        try:
            message = codec.decode(data)
        except ProtocolError as exc:
            self.bad_frames += 1
            log.info("bad frame from %s: %s", self.device_id, exc)
            if self.bad_frames <= 3:  # the disconnect is audited too; garbage can't flood the log
                await self.audit("error", code=exc.code, message=str(exc)[:200])
            await self.send(ErrorMessage.from_exception(exc))
            if exc.fatal:  # protocol/README.md: the sender closes the link next
                await self.ws.close(1008, exc.code)
            return
        handler = self._handlers.get(type(message))
        if handler is None:
            await self.send(
                ErrorMessage("unsupported", f"the gateway does not accept {message.TYPE} here")
            )
            return
        await handler(message)

    # -- handlers ----------------------------------------------------------
    async def _on_ping(self, ping: Ping) -> None:
        await self.send(Pong(ping.ping_id, ping.sent))

    async def _on_state(self, update: StateUpdate) -> None:
        self.state = update.state

    async def _on_subscribe(self, sub: TelemetrySubscribe) -> None:
        self.tag_in_view = sub.equipment_tag
        telemetry = self.hub.telemetry
        if telemetry is not None and sub.equipment_tag:
            readings = telemetry.readings_message(sub.equipment_tag)
            if readings is not None:
                await self.send(readings)

    async def _on_pack(self, message: PackRequest | PackAck) -> None:
        if self.pack_stream is None:
            await self.send(ErrorMessage("unsupported", "this gateway serves no knowledge pack"))
            return
        self.pack_stream.on_message(message)

    async def _on_alert_ack(self, ack: AlertAck) -> None:
        if self.hub.telemetry is not None:
            self.hub.telemetry.acknowledge(ack.alert_id, by=self.device_id)
        await self.audit("alert_ack", alert=ack.alert_id)

    async def _on_procedure(self, req: ProcedureRequest) -> None:
        markdown = self.hub.document_markdown(req.procedure_id)
        if markdown is None:
            await self.send(
                ErrorMessage("not_found", f"no procedure {req.procedure_id!r}", req.procedure_id)
            )
            return
        doc = self.hub.documents[req.procedure_id]
        await self.send(ProcedureResponse.build(req.procedure_id, markdown, doc.sha256[:16]))

    async def _on_record(self, record: Record) -> None:
        new, _ = await self.hub.records.astore(self.device_id, [record])
        if new:
            await self.audit("record", record=record.record_id, kind=record.kind)
        await self.send(RecordAck((record.record_id,)))

    async def _on_cancel(self, cancel: Cancel) -> None:
        task = self.asks.get(cancel.question_id)
        if task is not None:
            task.cancel()
            await self.audit("cancel", question=cancel.question_id)

    async def _on_ask(self, ask: Ask) -> None:
        if ask.question_id in self.asks:
            return  # a resent ask while the first is still being answered
        if not self._within_rate():
            await self.send(
                Busy(ask.question_id, 60.0, "Too many questions this minute; try again shortly.")
            )
            return
        task = self._spawn(self._answer(ask))
        self.asks[ask.question_id] = task
        task.add_done_callback(lambda _t, q=ask.question_id: self.asks.pop(q, None))

    def _within_rate(self) -> bool:
        now = time.monotonic()
        while self._ask_times and now - self._ask_times[0] > 60.0:
            self._ask_times.popleft()
        if len(self._ask_times) >= self.hub.config.asks_per_minute:
            return False
        self._ask_times.append(now)
        return True

    async def _answer(self, ask: Ask) -> None:
        qid = ask.question_id
        await self.audit("ask", question=qid, text=ask.text, context=ask.context.to_json())

        def queued(position: int, wait: float) -> None:
            self.post(QueueStatus(qid, position, wait))

        try:
            async with self.hub.queue.slot(self.device_id, qid, on_queued=queued):
                await self._stream(ask)
        except QueueFull as exc:
            await self.send(
                Busy(qid, exc.estimated_wait_s, "The gateway is busy answering other technicians.")
            )
            await self.audit("busy", question=qid)
        except asyncio.CancelledError:
            await asyncio.shield(self.audit("answer_cancelled", question=qid))
            raise
        except ConnectionClosed:
            pass
        except Exception as exc:  # the engine failed: tell the glasses, keep the session
            log.exception("answer failed for %s", qid)
            await self.audit("error", question=qid, message=str(exc)[:200])
            with contextlib.suppress(ConnectionClosed):
                await self.send(ErrorMessage("internal", f"answer failed: {exc}"[:400], qid))

    async def _stream(self, ask: Ask) -> None:
        seq = 0
        async for event in self.hub.answerer.answer(ask.text, ask.context):
            if isinstance(event, Delta):
                if event.text:
                    await self.send(AnswerDelta(ask.question_id, seq, event.text))
                    seq += 1
            elif isinstance(event, Final):
                answer = Answer(
                    ask.question_id, event.text, event.source, event.citations,
                    event.first_token_ms, event.total_ms,
                )  # fmt: skip
                await self.send(answer)
                cites = [c.to_json() for c in event.citations]
                await self.audit(
                    "answer", question=ask.question_id, text=event.text,
                    source=event.source, citations=cites,
                )  # fmt: skip
                self.hub.remember(
                    {"t": time.time(), "device": self.device_id, "question": ask.text,
                     "answer": event.text, "source": event.source, "citations": cites}
                )  # fmt: skip

    # -- shutdown ----------------------------------------------------------
    async def going_away(self, reason: str, retry_after: float) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.send(GoingAway(reason, retry_after))
        await self.ws.close(1001, "going away")

    async def close(self) -> None:
        """Cancel everything this session started (answers stop at the next token)."""
        if self.pack_stream is not None:
            await self.pack_stream.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def new_session_id() -> str:
    return uuid.uuid4().hex[:16]
