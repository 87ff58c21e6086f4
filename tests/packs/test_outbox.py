"""The glasses' outbox: durable records, in-order windowed delivery, exactly once at the
gateway's RecordStore across crashes (closed connection, SIGKILLed process)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gateway.service.records import RecordStore
from glasses.outbox import Outbox, deliver
from protocol import Message, Record, RecordAck

DEVICE = "glasses-01"


class Gateway:
    """Stores records like the gateway session does (RecordStore) and acks them."""

    def __init__(self, path: Path, *, ack: bool = True) -> None:
        self.store = RecordStore(path)
        self.acks: asyncio.Queue[RecordAck] = asyncio.Queue()
        self.received: list[str] = []
        self.ack = ack

    async def send(self, message: Message) -> bool:
        assert isinstance(message, Record)
        self.received.append(message.record_id)
        await self.store.astore(DEVICE, [message])
        if self.ack:
            self.acks.put_nowait(RecordAck((message.record_id,)))
        return True

    def numbers(self) -> list[int]:
        rows = self.store.for_device(DEVICE, limit=100_000)
        return sorted(int(r["payload"]["n"]) for r in rows)


async def drain(outbox: Outbox, gateway: Gateway, **options: float) -> None:
    task = asyncio.create_task(deliver(outbox, gateway.send, gateway.acks, **options))
    try:
        for _ in range(2000):
            if task.done():
                task.result()  # raises what ended the loop
            if await outbox.apending(1) == []:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("outbox did not drain")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_records_are_durable_ordered_and_unique(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    added = [
        outbox.add("reading", {"n": i, "point": "discharge_pressure", "value": 300.5 + i})
        for i in range(20)
    ]
    outbox.close()
    reopened = Outbox(tmp_path / "outbox.sqlite3")
    assert reopened.pending(100) == added
    assert len({r.record_id for r in added}) == 20
    assert reopened.acknowledge([added[0].record_id, "never-sent"]) == 1
    assert reopened.pending(2) == added[1:3]
    assert reopened.count() == 19
    with pytest.raises(Exception, match="payload"):
        reopened.add("note", {"nested": {"not": "allowed"}})  # type: ignore[dict-item]


async def test_delivers_in_order_within_the_window(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    ids = [outbox.add("step", {"n": i}).record_id for i in range(10)]
    silent = Gateway(tmp_path / "gw.sqlite3", ack=False)
    task = asyncio.create_task(
        deliver(outbox, silent.send, silent.acks, window=4, poll_interval=0.01, resend_after=3600)
    )
    await asyncio.sleep(0.2)
    assert silent.received == ids[:4]  # no acks: the window holds the rest back
    for record_id in ids[:2]:
        silent.acks.put_nowait(RecordAck((record_id,)))
    await asyncio.sleep(0.2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert silent.received == ids[:6]
    assert [r.record_id for r in outbox.pending(100)] == ids[2:]


async def test_exactly_once_across_a_crash_mid_delivery(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(path)
    for i in range(60):
        outbox.add("note", {"n": i, "text": f"note {i}"})
    gateway = Gateway(tmp_path / "gateway.sqlite3")
    crashed = asyncio.Event()

    async def send_then_crash(message: Message) -> bool:
        ok = await gateway.send(message)
        if len(gateway.received) == 25:  # stored and acked by the gateway, ack not yet applied
            outbox.close()
            crashed.set()
        return ok

    task = asyncio.create_task(
        deliver(outbox, send_then_crash, gateway.acks, window=8, poll_interval=0.01)
    )
    await asyncio.wait_for(crashed.wait(), 10)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, 10)  # the closed database ends the loop
    assert task.done()
    reopened = Outbox(path)
    assert 0 < reopened.count() < 60
    await drain(reopened, gateway, window=8, poll_interval=0.01)
    assert gateway.numbers() == list(range(60))  # no loss, no duplicate
    assert len(gateway.received) > 60  # some were sent twice, stored once
    assert reopened.count() == 0


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from glasses.outbox import Outbox
    outbox = Outbox(Path(sys.argv[1]))
    n = int(sys.argv[2])
    while True:
        outbox.add("telemetry", {"n": n})
        print(n, flush=True)
        n += 1
""")


def test_process_killed_while_writing_loses_nothing(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    confirmed: list[int] = []
    for _ in range(3):
        start = confirmed[-1] + 1 if confirmed else 0
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(start)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=os.getcwd(),
        )
        assert child.stdout is not None
        for _ in range(30):
            confirmed.append(int(child.stdout.readline()))
        child.send_signal(signal.SIGKILL)
        child.wait()
        stored = [int(r.payload["n"]) for r in Outbox(path).pending(10_000)]
        assert set(confirmed) <= set(stored)  # every add that returned survived
        assert len(stored) == len(set(stored))
        confirmed = sorted(stored)  # an add cut before its print still counts, once
