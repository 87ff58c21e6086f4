"""The gateway service over real websockets on localhost."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
from websockets.asyncio.client import connect

from gateway.service.audit import verify
from protocol import codec
from protocol.messages import (
    Answer,
    AnswerDelta,
    Ask,
    Cancel,
    ErrorMessage,
    GoingAway,
    Hello,
    Ping,
    Pong,
    ProcedureRequest,
    ProcedureResponse,
    Record,
    RecordAck,
    SessionState,
    StateUpdate,
    Welcome,
)
from tests.service.conftest import ScriptedAnswerer


async def open_session(uri: str, device: str = "glasses-a", state: SessionState | None = None):
    ws = await connect(uri)
    await ws.send(codec.encode(Hello("1.0", device, device, (), None, state or SessionState())))
    welcome = codec.decode(await ws.recv())
    assert isinstance(welcome, Welcome), welcome
    return ws, welcome


async def recv(ws, timeout: float = 5.0):
    return codec.decode(await asyncio.wait_for(ws.recv(), timeout))


async def test_hello_welcome_and_heartbeat(gateway_factory):
    server = await gateway_factory()
    ws, welcome = await open_session(server.uri)
    assert welcome.gateway_id == "gw-test" and welcome.heartbeat_interval == 1.0
    await ws.send(codec.encode(Ping(7, 123.5)))
    pong = await recv(ws)
    assert isinstance(pong, Pong) and pong.ping_id == 7
    await ws.close()


async def test_resume_continues_the_procedure(gateway_factory):
    server = await gateway_factory()
    state = SessionState(procedure_id="crac-hp-trip-recovery", step_index=3)
    ws, _ = await open_session(server.uri, state=state)
    url = server.uri.replace("ws", "http") + "/status"
    body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).read())
    status = json.loads(body)
    (session,) = status["sessions"]
    assert session["procedure"] == "crac-hp-trip-recovery" and session["step"] == 3
    await ws.send(codec.encode(StateUpdate(SessionState("crac-hp-trip-recovery", 4))))
    await ws.send(codec.encode(Ping(1, 0.0)))
    await recv(ws)
    assert server.hub.sessions["glasses-a"].state.step_index == 4
    await ws.close()


async def test_pending_question_in_hello_is_answered(gateway_factory):
    server = await gateway_factory()
    state = SessionState(pending_question_id="q-9", pending_question="why is it hot")
    ws, _ = await open_session(server.uri, state=state)
    while not isinstance(msg := await recv(ws), Answer):
        assert isinstance(msg, AnswerDelta)
    assert msg.question_id == "q-9" and msg.citations
    await ws.close()


async def test_streamed_answer_then_stop_cancels(gateway_factory):
    answerer = ScriptedAnswerer(delay=0.05)
    server = await gateway_factory(answerer)
    ws, _ = await open_session(server.uri)
    await ws.send(codec.encode(Ask("q1", "what is the max head pressure on this unit")))
    first = await recv(ws)
    assert isinstance(first, AnswerDelta) and first.question_id == "q1"
    await ws.send(codec.encode(Cancel("q1")))
    await asyncio.sleep(0.5)
    assert answerer.finished == []
    # the session goes on after the cancel
    await ws.send(codec.encode(Ping(2, 0.0)))
    while not isinstance(await recv(ws), Pong):
        pass
    await ws.close()
    records = [json.loads(line)["event"] for line in server.hub.audit.path.read_text().splitlines()]
    assert "answer_cancelled" in records


async def test_malformed_frame_gets_error_and_session_continues(gateway_factory):
    server = await gateway_factory()
    ws, _ = await open_session(server.uri)
    await ws.send('{"type": "ask", "v": 1, "question_id": 5}')
    error = await recv(ws)
    assert isinstance(error, ErrorMessage) and error.code == "invalid_field"
    await ws.send(b"\x00garbage")
    assert isinstance(await recv(ws), ErrorMessage)
    await ws.send(codec.encode(Ping(3, 0.0)))
    assert isinstance(await recv(ws), Pong)
    await ws.close()


async def test_shutdown_sends_going_away(gateway_factory):
    server = await gateway_factory()
    ws, _ = await open_session(server.uri)
    await server.stop()
    message = await recv(ws)
    assert isinstance(message, GoingAway)


async def test_records_are_stored_once_and_acknowledged(gateway_factory):
    server = await gateway_factory()
    ws, _ = await open_session(server.uri)
    record = Record("rec-1", "note", 1.0, {"text": "replaced filter"})
    for _ in range(2):
        await ws.send(codec.encode(record))
        ack = await recv(ws)
        assert isinstance(ack, RecordAck) and ack.record_ids == ("rec-1",)
    assert server.hub.records.count("glasses-a") == 1
    await ws.close()


async def test_procedure_request(gateway_factory):
    server = await gateway_factory()
    if "crac-hp-trip-recovery" not in server.hub.documents:
        pytest.skip("sample site not present")
    ws, _ = await open_session(server.uri)
    await ws.send(codec.encode(ProcedureRequest("crac-hp-trip-recovery")))
    response = await recv(ws)
    assert isinstance(response, ProcedureResponse) and "## Steps" in response.markdown
    await ws.send(codec.encode(ProcedureRequest("no-such-procedure")))
    assert isinstance(await recv(ws), ErrorMessage)
    await ws.close()


async def test_wrong_major_version_is_refused_with_a_clear_message(gateway_factory):
    server = await gateway_factory()
    ws = await connect(server.uri)
    hello = codec.encode(Hello("1.0", "old", "old"))
    await ws.send(hello.replace('"protocol_version":"1.0"', '"protocol_version":"2.0"'))
    error = await recv(ws)
    assert isinstance(error, ErrorMessage) and error.fatal and "update" in error.message


async def test_audit_log_chain_verifies(gateway_factory):
    server = await gateway_factory()
    ws, _ = await open_session(server.uri)
    await ws.send(codec.encode(Ask("q2", "hello")))
    while not isinstance(await recv(ws), Answer):
        pass
    await ws.close()
    assert verify(server.hub.audit.path).ok
