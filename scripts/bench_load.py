"""Soak test: 50 simulated glasses for N seconds against an in-process gateway.

Each pair of glasses pings every second, asks a text question every 10-20 s
(jittered), sends a state_update every 2-5 s and a procedure_request every
30-60 s. Prints errors (goal 0: error replies, missing pongs, unanswered asks,
dropped links), answer latency p50/p95, and the memory growth of this process
(gateway and clients): VmRSS after warm-up against VmRSS at the end (goal <= 10 %).

    python scripts/bench_load.py --seconds 120           # scripted answer engine
    python scripts/bench_load.py --real --seconds 300    # SmolLM2 + MiniLM knowledge engine
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gateway.config import sample_site
from gateway.service.config import ServiceConfig
from gateway.service.server import GatewayServer
from protocol import codec
from protocol.messages import (
    Answer,
    Ask,
    AskContext,
    Busy,
    ErrorMessage,
    Hello,
    Ping,
    Pong,
    ProcedureRequest,
    ProcedureResponse,
    SessionState,
    StateUpdate,
)
from protocol.procedure import load_documents

QUESTIONS = (
    "why would head pressure climb after a filter change?",
    "what is the normal suction pressure for R-410A?",
    "what PPE do I need for the UPS bypass cabinet?",
    "how long do I wait before restarting the compressor?",
    "which breaker feeds CRAC-01?",
)
PONG_LIMIT_S = 5.0
"""A pong later than this counts as an error."""


@dataclass
class Stats:
    """What every simulated pair of glasses measured."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    answers_ms: list[float] = field(default_factory=list)
    pongs_ms: list[float] = field(default_factory=list)


class Glasses:
    """One simulated pair: a writer on a schedule, a reader matching replies to requests."""

    def __init__(self, uri: str, index: int, docs: list[str], stats: Stats, answer_limit: float):
        self.uri, self.device, self.docs, self.stats = uri, f"glasses-{index:02d}", docs, stats
        self.rng = random.Random(index)
        self.answer_limit = answer_limit
        self.pings: dict[int, float] = {}
        self.asks: dict[str, float] = {}
        self.procedures: dict[str, float] = {}
        self.state = SessionState()

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            try:
                async with connect(self.uri, ping_interval=None, open_timeout=10) as ws:
                    await ws.send(
                        codec.encode(Hello("1.0", self.device, self.device, (), None, self.state))
                    )
                    if codec.decode(await asyncio.wait_for(ws.recv(), 10)).TYPE != "welcome":
                        self.stats.errors["not welcomed"] += 1
                        return
                    reader = asyncio.create_task(self.read(ws))
                    try:
                        await self.write(ws, until)
                        await self.drain()
                    finally:
                        reader.cancel()
                        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                            await reader
                    return
            except (ConnectionClosed, OSError, TimeoutError) as exc:
                self.stats.errors[f"link dropped: {type(exc).__name__}"] += 1
                await asyncio.sleep(1.0)

    async def write(self, ws: ClientConnection, until: float) -> None:
        rng, now = self.rng, time.monotonic()
        next_ask, next_state, next_doc = (
            now + rng.uniform(1, 20),
            now + rng.uniform(0, 5),
            now + rng.uniform(5, 60),
        )
        ping = 0
        await asyncio.sleep(rng.random())  # the glasses did not all start in the same millisecond
        while (now := time.monotonic()) < until:
            ping += 1
            self.pings[ping] = now
            await ws.send(codec.encode(Ping(ping, time.time())))
            if now >= next_ask:
                qid = f"{self.device}-q{ping}"
                self.asks[qid] = now
                context = AskContext(self.state.procedure_id, self.state.step_index, "CRAC-01")
                await ws.send(codec.encode(Ask(qid, rng.choice(QUESTIONS), context)))
                next_ask = now + rng.uniform(10, 20)
            if now >= next_state:
                self.state = SessionState(rng.choice(self.docs), rng.randrange(0, 8))
                await ws.send(codec.encode(StateUpdate(self.state)))
                self.stats.counts["state_updates"] += 1
                next_state = now + rng.uniform(2, 5)
            if now >= next_doc:
                doc = rng.choice(self.docs)
                self.procedures[doc] = now
                await ws.send(codec.encode(ProcedureRequest(doc)))
                next_doc = now + rng.uniform(30, 60)
            self.expire(now)
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - now)))

    def expire(self, now: float) -> None:
        self._expire("pong", self.pings, PONG_LIMIT_S, now)
        self._expire("answer", self.asks, self.answer_limit, now)
        self._expire("procedure", self.procedures, self.answer_limit, now)

    def _expire(self, what: str, pending: dict[Any, float], limit: float, now: float) -> None:
        for key in [k for k, t in pending.items() if now - t > limit]:
            del pending[key]
            self.stats.errors[f"no {what} within {limit:.0f} s"] += 1

    async def drain(self) -> None:
        """At the end, wait for the replies still due; what does not come in time is an error."""
        deadline = time.monotonic() + self.answer_limit
        while self.pings or self.asks or self.procedures:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        self.expire(time.monotonic() + self.answer_limit + PONG_LIMIT_S)

    async def read(self, ws: ClientConnection) -> None:
        stats = self.stats
        async for frame in ws:
            msg, now = codec.decode(frame), time.monotonic()
            if isinstance(msg, Pong) and msg.ping_id in self.pings:
                stats.pongs_ms.append((now - self.pings.pop(msg.ping_id)) * 1000)
            elif isinstance(msg, Answer) and msg.question_id in self.asks:
                stats.answers_ms.append((now - self.asks.pop(msg.question_id)) * 1000)
            elif isinstance(msg, ProcedureResponse) and msg.procedure_id in self.procedures:
                del self.procedures[msg.procedure_id]
                stats.counts["procedures"] += 1
            elif isinstance(msg, Busy):
                self.asks.pop(msg.question_id, None)  # the glasses answer from their pack
            elif isinstance(msg, ErrorMessage):
                stats.errors[f"error reply {msg.code}: {msg.message[:60]}"] += 1
            stats.counts[msg.TYPE] += 1


def rss_kib() -> int:
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


@contextlib.asynccontextmanager
async def gateway(args: argparse.Namespace, tmp: Path) -> AsyncIterator[GatewayServer]:
    service = ServiceConfig(host="127.0.0.1", port=0, advertise=False)
    if args.real:
        from gateway.config import GatewayConfig
        from gateway.security.config import SecurityConfig
        from gateway.service.app import running_gateway

        security = SecurityConfig(tls=False, require_pairing=False)
        async with running_gateway(
            GatewayConfig(data_dir=tmp, service=service, security=security)
        ) as server:
            yield server
        return
    from tests.service.conftest import ScriptedAnswerer, make_hub

    hub = make_hub(tmp, ScriptedAnswerer(args.answer_delay))
    server = GatewayServer(hub)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
        hub.records.close()


async def soak(args: argparse.Namespace, tmp: Path) -> tuple[Stats, int, int]:
    docs = sorted(d.id for d in load_documents(sample_site() / "docs"))
    stats = Stats()
    async with gateway(args, tmp) as server:
        start = time.monotonic()
        until = start + args.seconds
        limit = 300.0 if args.real else 30.0
        glasses = [Glasses(server.uri, i, docs, stats, limit) for i in range(args.glasses)]
        tasks = [asyncio.create_task(g.run(until)) for g in glasses]
        await asyncio.sleep(min(args.warmup, args.seconds / 2))
        warm = rss_kib()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        end = rss_kib()
    for result in results:
        if isinstance(result, BaseException):
            stats.errors[f"glasses task raised {type(result).__name__}: {result}"] += 1
    return stats, warm, end


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(args: argparse.Namespace, stats: Stats, warm: int, end: int) -> None:
    engine = (
        "real knowledge engine"
        if args.real
        else f"scripted engine, {args.answer_delay * 1000:.0f} ms/word"
    )
    print(
        f"{args.glasses} glasses for {args.seconds:.0f} s against an in-process gateway ({engine})"
    )
    for name, values in (("pings answered", stats.pongs_ms), ("answers", stats.answers_ms)):
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        print(f"{name:<20}{len(values):>7}  p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    for key in ("state_updates", "procedures", "busy", "queue_status"):
        print(f"{key:<20}{stats.counts[key]:>7}")
    print(f"errors              {sum(stats.errors.values()):>7}  (goal 0)")
    for kind, n in stats.errors.most_common(10):
        print(f"  - {n} x {kind}")
    growth = (end - warm) / warm * 100
    warmup = min(args.warmup, args.seconds / 2)
    print(
        f"memory (VmRSS)      {warm / 1024:.1f} MiB after {warmup:.0f} s warm-up -> "
        f"{end / 1024:.1f} MiB at the end: {growth:+.1f} % (goal <= 10 %)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="length of the run")
    parser.add_argument("--glasses", type=int, default=50, help="simulated pairs of glasses")
    parser.add_argument(
        "--warmup", type=float, default=30.0, help="seconds before the first RSS sample"
    )
    parser.add_argument(
        "--answer-delay", type=float, default=0.02, help="scripted engine: seconds per word"
    )
    parser.add_argument("--real", action="store_true", help="the real knowledge engine (models)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stats, warm, end = asyncio.run(soak(args, Path(tmp)))
    report(args, stats, warm, end)
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
