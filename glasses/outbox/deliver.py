"""Deliver the outbox over a live link: in order, a window of unacknowledged records.

Run :func:`deliver` as a task while connected and cancel it when the link drops;
the next run starts again from the oldest unacknowledged record (the gateway
ignores ids it already stored and acks them again).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

from glasses.outbox.store import Outbox
from protocol import Message, RecordAck

Send = Callable[[Message], Awaitable[Any]]


async def deliver(
    outbox: Outbox,
    send: Send,
    acks: asyncio.Queue[RecordAck],
    *,
    window: int = 32,
    resend_after: float = 10.0,
    poll_interval: float = 0.25,
) -> NoReturn:
    """Send pending records and drop them as ``acks`` arrive, until cancelled.

    ``send`` may return False (no link): the record counts as not sent.
    """
    inflight: dict[str, float] = {}
    while True:
        now = time.monotonic()
        oldest = await outbox.apending(max(window, 1))
        present = {r.record_id for r in oldest}
        inflight = {i: t for i, t in inflight.items() if i in present}  # acked elsewhere
        for record in oldest:
            sent_at = inflight.get(record.record_id)
            if sent_at is None and len(inflight) >= window:
                break
            if sent_at is not None and now - sent_at < resend_after:
                continue
            if await send(record) is False:
                break
            inflight[record.record_id] = now
        try:
            first = await asyncio.wait_for(acks.get(), poll_interval)
        except TimeoutError:
            continue
        ids = list(first.record_ids)
        while not acks.empty():
            ids.extend(acks.get_nowait().record_ids)
        await outbox.aacknowledge(ids)
        for record_id in ids:
            inflight.pop(record_id, None)
