"""Benchmark the wire codec against plain json.dumps/json.loads of the same payload.

For each case it times one encode + decode round trip through ``protocol`` and
through a hand-made JSON baseline, both in this run, and prints the times and
their ratio (protocol / baseline; below 1 is faster than the baseline).

- audio_chunk: 20 ms of 16 kHz mono int16 (640 bytes) as a binary frame, against
  the same fields with the PCM base64-encoded in a JSON text frame.
- ask and answer (3 citations): JSON text frames, against json.dumps/json.loads
  of the equivalent dict (no validation, no objects).

Usage: python scripts/bench_protocol.py [--rounds N]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import timeit
from collections.abc import Callable
from typing import Any

import protocol


def best_us(
    ours: Callable[[], object], baseline: Callable[[], object], rounds: int, repeat: int = 7
) -> tuple[float, float]:
    """Best time of one call of each, in microseconds, timed alternately (fair under load)."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, func in enumerate((ours, baseline)):
            best[i] = min(best[i], timeit.timeit(func, number=rounds) / rounds * 1e6)
    return best[0], best[1]


def audio_case() -> tuple[Callable[[], object], Callable[[], object]]:
    pcm = os.urandom(640)
    message = protocol.AudioChunkMessage(1, 42, 0.84, pcm)
    fields: dict[str, Any] = {
        "type": "audio_chunk",
        "v": 1,
        "stream_id": 1,
        "seq": 42,
        "timestamp": 0.84,
        "rate": 16000,
        "width": 2,
        "channels": 1,
    }

    def ours() -> object:
        return protocol.decode(protocol.encode(message))

    def baseline() -> object:
        text = json.dumps({**fields, "pcm": base64.b64encode(pcm).decode("ascii")})
        obj = json.loads(text)
        obj["pcm"] = base64.b64decode(obj["pcm"])
        return obj

    return ours, baseline


def control_case(message: protocol.Message) -> tuple[Callable[[], object], Callable[[], object]]:
    frame = protocol.encode(message)
    assert isinstance(frame, str)
    payload = json.loads(frame)

    def ours() -> object:
        return protocol.decode(protocol.encode(message))

    def baseline() -> object:
        return json.loads(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))

    return ours, baseline


def cases() -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    ask = protocol.Ask(
        "q-42",
        "What is the max head pressure on CRAC-01?",
        protocol.AskContext("crac-hp-trip-recovery", 3, "CRAC-01"),
    )
    citations = tuple(
        protocol.Citation(f"doc-{i}", f"CRAC compressor procedure {i}", f"Step {i}")
        for i in range(3)
    )
    answer = protocol.Answer(
        "q-42",
        "The maximum head pressure for CRAC-01 is 600 psig; stop and call the supervisor above it.",
        "llm",
        citations,
        182.5,
        2410.0,
    )
    return {
        "audio_chunk (20 ms, 640 B)": audio_case(),
        "ask": control_case(ask),
        "answer (3 citations)": control_case(answer),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10000, help="calls per timing")
    args = parser.parse_args()
    print(f"{'case':<28} {'protocol':>12} {'json baseline':>15} {'ratio':>7}")
    for name, (ours, baseline) in cases().items():
        ours_us, base_us = best_us(ours, baseline, args.rounds)
        print(f"{name:<28} {ours_us:>9.2f} us {base_us:>12.2f} us {ours_us / base_us:>7.2f}")
    print("times: one encode + decode; ratio: protocol / baseline (measured in this run)")


if __name__ == "__main__":
    main()
