"""Garbage at a live gateway over real websockets: every bad frame answered, nobody else hurt.

The gateway runs on its own event loop in a background thread; hypothesis drives
fuzzing sessions from the test thread. Each frame is followed by a sync ping, so
every reply is attributed to the frame that caused it. The expected outcome of a
frame comes from ``protocol.decode``: a ``ProtocolError`` must be answered with an
``error`` of its code, anything else must leave the link open.
"""

from __future__ import annotations

import asyncio
import json
import struct
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gateway.service.server import GatewayServer
from protocol import codec
from protocol.errors import ProtocolError
from protocol.messages import (
    Answer,
    AnswerDelta,
    Ask,
    ErrorMessage,
    Hello,
    Message,
    Ping,
    Pong,
    ProcedureRequest,
    QueueStatus,
)
from tests.protocol.protocol_strategies import any_message
from tests.service.conftest import ScriptedAnswerer, make_hub

T = TypeVar("T")
S = TypeVar("S", str, bytes)
Frame = str | bytes
FRAME_TIMEOUT = 5.0
"""Seconds the gateway has to answer one frame (a hang fails the test, it does not stall it)."""
MAX_BAD = 20  # ServiceConfig.max_bad_frames default: the 21st bad frame closes the link
SYNC_ID = 4_000_000_000  # sync pings use ids above this (fuzzed pings rarely do)
DECODE_CODES = {"malformed_frame", "unknown_type", "frame_too_large", "invalid_field",
                "checksum_mismatch", "version_mismatch"}  # fmt: skip
FUZZ = settings(
    max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


# -- frames ------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)  # fmt: skip


def _loose(value: Any) -> str:
    return json.dumps(value)  # NaN/Infinity allowed on purpose: the gateway must refuse them


@st.composite
def _field_mutation(draw: st.DrawFn, frame: Frame) -> Frame:
    """Replace, drop or add one JSON field (of a text frame or a binary frame's header)."""
    if isinstance(frame, str):
        obj = json.loads(frame)
    else:
        (size,) = struct.unpack_from(">H", frame, 4)
        obj, payload = json.loads(frame[6 : 6 + size]), frame[6 + size :]
    key = draw(st.sampled_from([*sorted(obj), "type", "v", "extra"]))
    if draw(st.booleans()):
        obj.pop(key, None)
    else:
        obj[key] = draw(JSON | st.sampled_from(["ask", "hello", "audio_chunk", 2, -1, 2**70]))
    text = _loose(obj)
    if isinstance(frame, str):
        return text
    header = text.encode()
    return frame[:4] + struct.pack(">H", len(header) & 0xFFFF) + header + payload


def _splice(frame: S, piece: S, how: str, at: int, span: int) -> S:
    if how == "truncate":
        return frame[:at]
    if how == "overwrite":
        return frame[:at] + piece + frame[at + len(piece) :]
    if how == "insert":
        return frame[:at] + piece + frame[at:]
    return frame[:at] + frame[at + span :]


@st.composite
def _byte_mutation(draw: st.DrawFn, frame: Frame) -> Frame:
    """Truncate, overwrite, insert or delete at a random position (characters for text)."""
    how = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete", "swap_kind"]))
    at, span = draw(st.integers(0, len(frame))), draw(st.integers(1, 16))
    if how == "swap_kind":  # the text as a binary frame, or the bytes as a text frame
        return frame.encode() if isinstance(frame, str) else frame.decode("latin-1")
    if isinstance(frame, str):
        return _splice(frame, draw(st.text(max_size=8)), how, at, span)
    return _splice(frame, draw(st.binary(max_size=8)), how, at, span)


def valid_frames() -> st.SearchStrategy[Frame]:
    return any_message().map(codec.encode)


def mutated_frames() -> st.SearchStrategy[Frame]:
    return valid_frames().flatmap(lambda f: _field_mutation(f) | _byte_mutation(f))


def garbage_frames() -> st.SearchStrategy[Frame]:
    magic = st.builds(
        lambda k, rest: b"HF\x01" + bytes([k]) + rest, st.integers(0, 255), st.binary(max_size=64)
    )
    return st.one_of(
        st.text(max_size=200), st.binary(max_size=200), JSON.map(_loose), magic, mutated_frames()
    )


def any_frames() -> st.SearchStrategy[Frame]:
    return st.one_of(garbage_frames(), mutated_frames(), valid_frames())


SESSIONS = st.lists(any_frames(), min_size=1, max_size=30) | st.lists(
    garbage_frames(), min_size=MAX_BAD + 1, max_size=MAX_BAD + 4
)
"""A session's frames: a mix, or a burst of garbage that crosses the bad-frame threshold."""


def expected_error(frame: Frame) -> ProtocolError | None:
    try:
        codec.decode(frame)
    except ProtocolError as exc:
        return exc
    return None


# -- a gateway on its own loop -----------------------------------------------
class LiveGateway:
    """A GatewayServer with a scripted answerer, served by an event loop in a background thread."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        # many asks from one canary device: lift the per-minute rate limit (tested elsewhere)
        hub = make_hub(tmp, ScriptedAnswerer(), asks_per_minute=100_000)
        self.server = GatewayServer(hub)
        self.run(self.server.start())

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveGateway]:
    gateway = LiveGateway(tmp_path)
    yield gateway
    gateway.close()


async def open_session(uri: str, device: str) -> ClientConnection:
    ws = await connect(uri, ping_interval=None, max_size=None, open_timeout=FRAME_TIMEOUT)
    await ws.send(codec.encode(Hello("1.0", device, device)))
    welcome = await recv(ws)
    assert welcome.TYPE == "welcome", welcome
    return ws


async def recv(ws: ClientConnection) -> Message:
    """The gateway's next message; what it sends must always decode."""
    return codec.decode(await asyncio.wait_for(ws.recv(), FRAME_TIMEOUT))


async def exchange(ws: ClientConnection, frame: Frame, n: int) -> tuple[list[Message], int | None]:
    """Send ``frame`` then sync ping ``n``: the replies before its pong, and the close code."""
    replies: list[Message] = []
    try:
        await ws.send(frame)
        await ws.send(codec.encode(Ping(SYNC_ID + n, 0.5)))
        while not (isinstance(msg := await recv(ws), Pong) and msg.ping_id == SYNC_ID + n):
            replies.append(msg)
    except ConnectionClosed as exc:
        return replies, exc.rcvd.code if exc.rcvd else -1
    return replies, None


async def ask_and_wait(ws: ClientConnection, qid: str) -> Answer:
    await ws.send(codec.encode(Ask(qid, "what is the max head pressure on CRAC-01?")))
    while isinstance(msg := await recv(ws), AnswerDelta | QueueStatus):
        pass
    assert isinstance(msg, Answer) and msg.question_id == qid, msg
    return msg


async def fuzz_session(uri: str, device: str, frames: list[Frame]) -> None:
    """Every bad frame gets its error; the link stays open until the bad-frame threshold."""
    ws = await open_session(uri, device)
    bad = 0
    try:
        for n, frame in enumerate(frames):
            exc = expected_error(frame)
            bad += exc is not None
            replies, closed = await exchange(ws, frame, n)
            errors = [m for m in replies if isinstance(m, ErrorMessage) and m.code in DECODE_CODES]
            assert not any(isinstance(m, ErrorMessage) and m.code == "internal" for m in replies)
            if exc is None:
                assert not errors, f"valid frame {frame!r:.120} refused: {errors}"
            else:
                assert errors and errors[0].code == exc.code, f"{frame!r:.120}: {replies}"
            if closed is not None:
                assert bad > MAX_BAD or (exc is not None and exc.fatal), (
                    f"closed ({closed}) after frame {n} ({bad} bad): {frame!r:.120}"
                )
                return
            assert bad <= MAX_BAD, f"still open after {bad} bad frames"
    finally:
        await ws.close()


# -- tests ---------------------------------------------------------------------
def test_fuzzed_sessions_get_errors_while_a_neighbour_gets_answers(live: LiveGateway) -> None:
    uri = live.server.uri
    canary = live.run(open_session(uri, "canary"))
    examples = iter(range(10**6))

    @FUZZ
    @given(frames=SESSIONS)
    def fuzz(frames: list[Frame]) -> None:
        n = next(examples)

        async def both() -> None:
            await asyncio.gather(
                fuzz_session(uri, f"fuzz-{n}", frames), ask_and_wait(canary, f"c-{n}")
            )

        live.run(both())

    fuzz()
    live.run(canary.close())
    live.run(still_serving(live.server))


async def still_serving(server: GatewayServer) -> None:
    """A new well-behaved session is welcomed and ponged; no fuzz session is left behind."""
    ws = await open_session(server.uri, "after")
    replies, closed = await exchange(ws, codec.encode(Ping(1, 1.0)), 0)
    assert closed is None and [type(m) for m in replies] == [Pong]
    await ask_and_wait(ws, "after-1")
    await ws.close()
    for _ in range(100):
        if not server.hub.sessions:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"sessions left over: {sorted(server.hub.sessions)}")


def test_garbage_instead_of_hello_is_refused(live: LiveGateway) -> None:
    @settings(FUZZ, max_examples=60)
    @given(frame=any_frames())
    def fuzz(frame: Frame) -> None:
        live.run(_first_frame(live.server.uri, frame))

    fuzz()
    live.run(still_serving(live.server))


async def _first_frame(uri: str, frame: Frame) -> None:
    """Anything but a valid hello: an error reply, then the gateway closes."""
    async with connect(uri, ping_interval=None, open_timeout=FRAME_TIMEOUT) as ws:
        await ws.send(frame)
        try:
            first = await recv(ws)
        except ConnectionClosed:
            raise AssertionError(f"closed without a reply to {frame!r:.120}") from None
        message = None if expected_error(frame) else codec.decode(frame)
        if isinstance(message, Hello):
            assert first.TYPE in ("welcome", "error"), first
            return
        assert isinstance(first, ErrorMessage), first
        with pytest.raises(ConnectionClosed):
            await recv(ws)


def test_the_bad_frame_threshold_closes_the_link(live: LiveGateway) -> None:
    async def scenario() -> None:
        ws = await open_session(live.server.uri, "noisy")
        for n in range(MAX_BAD):
            replies, closed = await exchange(ws, "not json", n)
            assert closed is None and [m.code for m in replies] == ["malformed_frame"]  # type: ignore[attr-defined]
        replies, closed = await exchange(ws, b"\x00garbage", MAX_BAD)
        assert [m.code for m in replies] == ["malformed_frame"] and closed == 1008  # type: ignore[attr-defined]

    live.run(scenario())
    live.run(still_serving(live.server))


def test_oversized_frames_are_refused_without_hurting_others(live: LiveGateway) -> None:
    async def scenario() -> None:
        uri = live.server.uri
        neighbour = await open_session(uri, "neighbour")
        big = await open_session(uri, "big")
        # over the protocol's 256 KiB text limit but under the 1 MiB websocket limit: an error reply
        replies, closed = await exchange(big, "x" * (300 * 1024), 0)
        assert closed is None and [m.code for m in replies] == ["frame_too_large"]  # type: ignore[attr-defined]
        huge_frames: list[Frame] = ["y" * (1 << 20) + "y", b"HF\x01\x01" + bytes(1 << 20)]
        for n, frame in enumerate(huge_frames):
            huge = await open_session(uri, f"huge-{n}")
            replies, closed = await exchange(huge, frame, 0)
            assert closed == 1009 and not replies  # websocket "message too big"
            await ask_and_wait(neighbour, f"n-{n}")
        replies, closed = await exchange(neighbour, codec.encode(Ping(5, 5.0)), 1)
        assert closed is None and [type(m) for m in replies] == [Pong]
        await neighbour.close()
        await big.close()

    live.run(scenario())
    live.run(still_serving(live.server))


def test_a_fatal_error_closes_the_link(live: LiveGateway) -> None:
    async def scenario() -> None:
        ws = await open_session(live.server.uri, "future")
        frame = '{"type":"ping","v":2,"ping_id":1,"sent":0}'
        replies, closed = await exchange(ws, frame, 0)
        assert [(m.code, m.fatal) for m in replies] == [("version_mismatch", True)]  # type: ignore[attr-defined]
        assert closed is not None, "fatal error sent, link left open"

    live.run(scenario())


def test_a_peer_that_stops_reading_does_not_hang_the_gateway(live: LiveGateway) -> None:
    async def scenario() -> None:
        ws = await open_session(live.server.uri, "lazy")
        ws.transport.pause_reading()  # its replies pile up until the gateway's send blocks
        frame = codec.encode(ProcedureRequest("crac-hp-trip-recovery"))
        try:
            while True:
                await asyncio.wait_for(ws.send(frame), 1.0)
        except (TimeoutError, ConnectionClosed):
            pass
        try:
            await asyncio.wait_for(live.server.stop(), 10.0)
        except TimeoutError:
            raise AssertionError("stop() still waiting on the peer that does not read") from None
        finally:
            ws.transport.abort()

    live.run(scenario())
