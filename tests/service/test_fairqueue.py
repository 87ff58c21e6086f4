"""The LLM queue: round-robin between devices, bounded in length and in wait."""

from __future__ import annotations

import asyncio

import pytest

from gateway.service.fairqueue import FairQueue, QueueFull


async def test_round_robin_between_devices():
    queue = FairQueue(capacity=10, initial_service_s=0.01)
    order: list[str] = []
    gate = asyncio.Event()

    async def ask(device: str, ref: str) -> None:
        async with queue.slot(device, ref):
            order.append(device)
            await gate.wait()

    first = asyncio.create_task(ask("a", "a0"))
    await asyncio.sleep(0)
    tasks = [asyncio.create_task(ask("a", f"a{i}")) for i in range(1, 4)]
    tasks.append(asyncio.create_task(ask("b", "b1")))
    await asyncio.sleep(0.01)
    assert queue.position("b", "b1") == 2  # behind a1, ahead of a2 and a3
    gate.set()
    await asyncio.gather(first, *tasks)
    assert order == ["a", "a", "b", "a", "a"]


async def test_busy_when_the_wait_would_be_too_long():
    queue = FairQueue(capacity=100, initial_service_s=40.0, max_wait_s=60.0)
    hold = asyncio.Event()

    async def ask(ref: str) -> None:
        async with queue.slot("d", ref):
            await hold.wait()

    running = [asyncio.create_task(ask("r0")), asyncio.create_task(ask("r1"))]
    await asyncio.sleep(0.01)
    with pytest.raises(QueueFull) as info:
        async with queue.slot("e", "late"):
            pass
    assert info.value.estimated_wait_s > 60
    hold.set()
    await asyncio.gather(*running)
