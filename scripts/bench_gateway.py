"""Gateway load: N simulated glasses ask concurrently over real websockets on localhost.

Prints, per N: answer latency p50/p95, errors, fairness (max/min answers per device), and
the single-client overhead as a ratio to calling the answer engine directly.

    python scripts/bench_gateway.py                 # real knowledge engine (SmolLM2 + MiniLM)
    python scripts/bench_gateway.py --scripted      # a scripted engine (service overhead only)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.service.server import GatewayServer  # noqa: E402
from protocol import codec
from protocol.messages import Answer, Ask, AskContext, Busy, ErrorMessage, Hello, Ping, Welcome
from tests.service.conftest import ScriptedAnswerer, make_hub

QUESTIONS = [
    "why would head pressure climb after a filter change?",
    "what is the normal suction pressure for R-410A?",
    "what PPE do I need for the UPS bypass cabinet?",
    "what does alarm A07 mean?",
]


async def client(uri: str, device: str, asks: int, latencies: list[float], errors: list[str]) -> int:
    answered = 0
    async with connect(uri, ping_interval=None) as ws:
        await ws.send(codec.encode(Hello("1.0", device, device)))
        assert isinstance(codec.decode(await ws.recv()), Welcome)
        beat = asyncio.create_task(heartbeat(ws))  # real glasses ping every second
        for i in range(asks):
            qid = f"{device}-{i}"
            start = time.perf_counter()
            await ws.send(codec.encode(Ask(qid, QUESTIONS[i % len(QUESTIONS)], AskContext())))
            while True:
                msg = codec.decode(await ws.recv())
                if isinstance(msg, Answer) and msg.question_id == qid:
                    latencies.append(time.perf_counter() - start)
                    answered += 1
                    break
                if isinstance(msg, Busy | ErrorMessage):
                    errors.append(type(msg).__name__)
                    break
        beat.cancel()
    return answered


async def heartbeat(ws) -> None:  # type: ignore[no-untyped-def]
    n = 0
    while True:
        n += 1
        await ws.send(codec.encode(Ping(n, time.monotonic())))
        await asyncio.sleep(1.0)


async def direct(answerer: object, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        async for _ in answerer.answer(QUESTIONS[i % len(QUESTIONS)], AskContext()):  # type: ignore[attr-defined]
            pass
    return (time.perf_counter() - start) / n


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def main(scripted: bool, sizes: list[int], asks: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    if scripted:
        answerer: object = ScriptedAnswerer(delay=0.01)
        closer = None
    else:
        from gateway.config import GatewayConfig
        from gateway.service.app import open_knowledge
        from gateway.service.knowledge_answerer import KnowledgeAnswerer

        config = GatewayConfig(data_dir=tmp)
        base = await asyncio.to_thread(open_knowledge, config)
        answerer = KnowledgeAnswerer(base, base.engine())
        closer = base
    hub = make_hub(tmp, answerer, queue_capacity=max(sizes) * asks + 1, asks_per_minute=10_000)
    server = GatewayServer(hub)
    await server.start()
    await direct(answerer, 1)  # warm up
    direct_s = await direct(answerer, len(QUESTIONS))
    print(f"engine: {'scripted' if scripted else 'real (SmolLM2-135M + MiniLM)'}")
    for n in sizes:
        latencies: list[float] = []
        errors: list[str] = []
        per_client = len(QUESTIONS) if n == 1 else asks  # the overhead row asks what direct asked
        counts = await asyncio.gather(
            *(client(server.uri, f"g{n}-{i}", per_client, latencies, errors) for i in range(n))
        )
        fairness = max(counts) / max(1, min(counts))
        line = (f"{n:>3} glasses x {asks} asks: p50 {pct(latencies, .5) * 1000:8.1f} ms  "
                f"p95 {pct(latencies, .95) * 1000:8.1f} ms  errors {len(errors)}  "
                f"fairness max/min {fairness:.2f}")  # fmt: skip
        if n == 1:
            line += f"  overhead vs direct engine {statistics.mean(latencies) / direct_s:.3f}"
        print(line, flush=True)
    await server.stop()
    if closer is not None:
        await closer.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scripted", action="store_true")
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--asks", type=int, default=2)
    a = parser.parse_args()
    asyncio.run(main(a.scripted, [int(x) for x in a.sizes.split(",")], a.asks))
