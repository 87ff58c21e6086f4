"""Long fuzzing run against a live gateway (scripted answerer, in a child process).

Several fuzzing connections send N malformed, mutated and valid frames (each
connection reconnects when the gateway closes it), while a canary session pings
every 100 ms. Every bad frame must get an ``error`` with the code
``protocol.decode`` gives it; every valid frame is followed by a sync ping that
must be answered. Prints frames sent, error replies, disconnects, canary pong
p95 and failures; exits 1 on any failure (the canary goes unanswered, a task
raises, the gateway process dies).

    python scripts/fuzz_gateway.py                      # 100,000 frames, 4 connections
    python scripts/fuzz_gateway.py --frames 20000 --connections 8 --seed 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import struct
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from protocol import codec
from protocol.errors import ProtocolError
from protocol.messages import ErrorMessage, Hello, Message, Ping, Pong
from tests.protocol.protocol_examples import EXAMPLES

TIMEOUT = 5.0
"""Seconds the gateway has to answer a frame or a canary ping."""
MAX_BAD = 20
"""ServiceConfig.max_bad_frames (default): the 21st bad frame on a link closes it."""
SYNC_ID = 4_000_000_000
DECODE_CODES = {"malformed_frame", "unknown_type", "frame_too_large", "invalid_field",
                "checksum_mismatch", "version_mismatch"}  # fmt: skip
ASYNC_REPLIES = {"answer", "answer_delta", "queue_status", "busy"}
"""What a fuzzed valid ask may still send while later frames are checked."""


class Failure(Exception):
    """Something the gateway must never do."""


class Run:
    """Counters and failures shared by every task of one run."""

    def __init__(self, frames: int) -> None:
        self.target = frames
        self.counts: Counter[str] = Counter()
        self.failures: list[str] = []
        self.pongs_ms: list[float] = []
        self.done = asyncio.Event()

    def take(self) -> bool:
        if self.counts["frames"] >= self.target or self.failures:
            return False
        self.counts["frames"] += 1
        return True


# -- frames ------------------------------------------------------------------
class FrameMaker:
    """Random frames: valid ones (protocol_examples), field and byte mutations of them, garbage."""

    VALUES: tuple[object, ...] = (
        None,
        True,
        0,
        -1,
        2**70,
        1.5e308,
        "",
        "x" * 70,
        "ask",
        [],
        {},
        [1, "a"],
        {"a": {}},
    )

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.valid = [codec.encode(m) for ms in EXAMPLES.values() for m in ms]

    def frame(self) -> str | bytes:
        r = self.rng
        base = r.choice(self.valid)
        kind = r.random()
        if kind < 0.002:  # over the 256 KiB text limit, under the 1 MiB websocket limit
            return json.dumps({"type": "ask", "v": 1, "text": "x" * 300_000})
        if kind < 0.15:
            return base
        if kind < 0.45:
            return self.field_mutation(base)
        if kind < 0.75:
            return self.byte_mutation(base)
        if kind < 0.85:
            return "".join(chr(r.choice((r.randrange(32, 127), r.randrange(0xE000, 0x10FFFF))))
                           for _ in range(r.randrange(0, 200)))  # fmt: skip
        if kind < 0.95:
            return r.randbytes(r.randrange(0, 200))
        return b"HF\x01" + bytes([r.randrange(256)]) + r.randbytes(r.randrange(0, 64))

    def field_mutation(self, frame: str | bytes) -> str | bytes:
        r = self.rng
        if isinstance(frame, str):
            obj, payload = json.loads(frame), b""
        else:
            (size,) = struct.unpack_from(">H", frame, 4)
            obj, payload = json.loads(frame[6 : 6 + size]), frame[6 + size :]
        key = r.choice([*obj, "type", "v", "extra"])
        if r.random() < 0.3:
            obj.pop(key, None)
        else:
            obj[key] = r.choice((*self.VALUES, float("nan"), r.choice(list(EXAMPLES))))
        text = json.dumps(obj)
        if isinstance(frame, str):
            return text
        header = text.encode()
        return frame[:4] + struct.pack(">H", len(header) & 0xFFFF) + header + payload

    def byte_mutation(self, frame: str | bytes) -> str | bytes:
        r = self.rng
        data = frame.encode() if isinstance(frame, str) else frame
        at = r.randrange(len(data) + 1)
        how = r.randrange(4)
        if how == 0:
            data = data[:at]
        elif how == 1:
            data = data[:at] + r.randbytes(r.randrange(1, 8)) + data[at + 1 :]
        elif how == 2:
            data = data[:at] + data[at + r.randrange(1, 16) :]
        else:  # the same bytes as the other kind of frame
            return data.decode("latin-1") if isinstance(frame, bytes) else data
        return data.decode("utf-8", "replace") if isinstance(frame, str) else data


# -- the gateway, in its own process -------------------------------------------
def serve(data_dir: str, pipe: Connection) -> None:
    asyncio.run(_serve(Path(data_dir), pipe))


async def _serve(data_dir: Path, pipe: Connection) -> None:
    from gateway.service.server import GatewayServer
    from tests.service.conftest import ScriptedAnswerer, make_hub

    server = GatewayServer(make_hub(data_dir, ScriptedAnswerer()))
    await server.start()
    pipe.send(server.uri)
    await asyncio.to_thread(pipe.recv)  # until the parent says stop
    await server.stop()


# -- clients -----------------------------------------------------------------
async def recv(ws: ClientConnection) -> Message:
    try:
        data = await asyncio.wait_for(ws.recv(), TIMEOUT)
    except TimeoutError:
        raise Failure("the gateway did not answer within 5 s") from None
    try:
        return codec.decode(data)
    except ProtocolError as exc:
        raise Failure(f"the gateway sent a frame that does not decode: {exc}") from None


async def session(uri: str, device: str) -> ClientConnection:
    ws = await connect(uri, ping_interval=None, max_size=None, open_timeout=TIMEOUT)
    await ws.send(codec.encode(Hello("1.0", device, device)))
    welcome = await recv(ws)
    if welcome.TYPE != "welcome":
        raise Failure(f"{device} was not welcomed: {welcome}")
    return ws


async def check_frame(
    ws: ClientConnection, frame: str | bytes, n: int, run: Run
) -> ProtocolError | None:
    """Send one frame; the error it was refused with (its reply came), None if valid."""
    try:
        codec.decode(frame)
        expected: ProtocolError | None = None
    except ProtocolError as exc:
        expected = exc
    await ws.send(frame)
    if expected is None:
        await ws.send(codec.encode(Ping(SYNC_ID + n, 0.5)))
    while True:
        msg = await recv(ws)
        if isinstance(msg, ErrorMessage) and msg.code == "internal":
            raise Failure(f"internal error after {frame!r:.100}: {msg.message}")
        refusal = isinstance(msg, ErrorMessage) and msg.code in DECODE_CODES and msg.ref is None
        if expected is None:
            if refusal:
                raise Failure(f"valid frame refused: {frame!r:.100}: {msg}")
            if isinstance(msg, Pong) and msg.ping_id == SYNC_ID + n:
                return None
        elif refusal:
            if msg.code != expected.code:  # type: ignore[attr-defined]
                raise Failure(f"{frame!r:.100}: expected {expected.code}, got {msg}")
            run.counts["error_replies"] += 1
            run.counts[f"code:{expected.code}"] += 1
            return expected
        elif msg.TYPE not in ASYNC_REPLIES and not isinstance(msg, ErrorMessage | Pong):
            run.counts[f"other:{msg.TYPE}"] += 1


async def fuzzer(uri: str, index: int, maker: FrameMaker, run: Run) -> None:
    """One fuzzing connection after another until the run has sent its frames."""
    links = 0
    while run.take():
        links += 1
        ws = await session(uri, f"fuzz-{index}-{links}")
        run.counts["connections"] += 1
        bad, n = 0, 0
        try:
            while True:
                refused = await check_frame(ws, maker.frame(), n, run)
                bad, n = bad + (refused is not None), n + 1
                if refused is not None and refused.fatal:  # the link is over: start a new one
                    run.counts["fatal_errors"] += 1
                    break
                if bad > MAX_BAD:
                    await expect_close(ws, 1008, run)
                    break
                if not run.take():
                    break
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
            raise Failure(f"link closed ({code}) after {n} frames, {bad} bad") from None
        finally:
            await ws.close()


async def expect_close(ws: ClientConnection, code: int, run: Run) -> None:
    try:
        msg = await recv(ws)
    except ConnectionClosed as exc:
        got = exc.rcvd.code if exc.rcvd else None
        if got != code:
            raise Failure(
                f"closed with {got} after the bad-frame threshold, expected {code}"
            ) from None
        run.counts["disconnects"] += 1
        return
    raise Failure(f"still open after {MAX_BAD + 1} bad frames (got {msg})")


async def canary(uri: str, run: Run, gateway: multiprocessing.process.BaseProcess) -> None:
    """Ping every 100 ms; a missing pong or a dead gateway process is a failure."""
    ws = await session(uri, "canary")
    n = 0
    try:
        while not run.done.is_set():
            if not gateway.is_alive():
                raise Failure(f"the gateway process died (exit code {gateway.exitcode})")
            n += 1
            start = time.perf_counter()
            await ws.send(codec.encode(Ping(n, time.time())))
            while not (isinstance(msg := await recv(ws), Pong) and msg.ping_id == n):
                pass
            run.pongs_ms.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(max(0.0, 0.1 - (time.perf_counter() - start)))
    finally:
        await ws.close()


async def guarded(coro: object, run: Run, name: str) -> None:
    try:
        await coro  # type: ignore[misc]
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a task that raises is a failure of the run
        run.failures.append(f"{name}: {type(exc).__name__}: {exc}")


async def fuzz(
    uri: str, args: argparse.Namespace, gateway: multiprocessing.process.BaseProcess
) -> Run:
    run = Run(args.frames)
    watch = asyncio.create_task(guarded(canary(uri, run, gateway), run, "canary"))
    makers = [FrameMaker(args.seed * 1000 + i) for i in range(args.connections)]
    fuzzers = [guarded(fuzzer(uri, i, m, run), run, f"fuzzer {i}") for i, m in enumerate(makers)]
    await asyncio.gather(*fuzzers)
    run.done.set()
    await watch
    return run


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(run: Run, seconds: float) -> None:
    c = run.counts
    print(
        f"frames sent        {c['frames']:>9}  ({c['frames'] / seconds:.0f}/s over {seconds:.1f} s)"
    )
    print(f"error replies      {c['error_replies']:>9}  (one per bad frame)")
    print(f"disconnects        {c['disconnects']:>9}  (closed 1008 after {MAX_BAD + 1} bad frames)")
    print(f"fuzz connections   {c['connections']:>9}  ({c['fatal_errors']} ended by a fatal error)")
    codes = ", ".join(f"{k[5:]} {v}" for k, v in sorted(c.items()) if k.startswith("code:"))
    print(f"error codes        {codes}")
    p50, p95 = percentile(run.pongs_ms, 0.5), percentile(run.pongs_ms, 0.95)
    print(f"canary pongs       {len(run.pongs_ms):>9}  p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(run.pongs_ms, default=float('nan')):.1f} ms")  # fmt: skip
    print(f"failures           {len(run.failures):>9}")
    for failure in run.failures[:10]:
        print(f"  - {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000, help="frames to send in all")
    parser.add_argument("--connections", type=int, default=4, help="concurrent fuzzing links")
    parser.add_argument("--seed", type=int, default=1, help="seed of the frame generator")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    with tempfile.TemporaryDirectory() as tmp:
        gateway = ctx.Process(target=serve, args=(tmp, theirs), daemon=True)
        gateway.start()
        uri = ours.recv()
        start = time.perf_counter()
        run = asyncio.run(fuzz(uri, args, gateway))
        seconds = time.perf_counter() - start
        alive = gateway.is_alive()
        ours.send("stop")
        gateway.join(30)
    if not alive:
        run.failures.append(f"the gateway process died (exit code {gateway.exitcode})")
    report(run, seconds)
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
