"""Run pack sync on the glasses without blocking the voice loop.

:class:`PackClient` is what the link uses: it is fed every pack message from
the link's receive callback (never blocks: a bounded queue), runs the
:class:`PackReceiver` in a worker thread, and sends its requests and acks
with the link's ``send``. :func:`sync_pack` runs one sync over any
``send``/``recv`` pair (tests, benchmarks, tools).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from websockets.exceptions import ConnectionClosed

from glasses.pack.outcome import SyncResult
from glasses.pack.receiver import PackReceiver
from glasses.pack.store import PackStore
from protocol import Message, PackAck, PackChunk, PackComplete, PackManifest, ProtocolError

log = logging.getLogger(__name__)

Send = Callable[[Message], Awaitable[Any]]
Recv = Callable[[], Awaitable[Message]]
PACK_MESSAGES = (PackManifest, PackChunk, PackComplete)


@dataclass(frozen=True)
class _Corrupt:
    reason: str


def _apply(receiver: PackReceiver, items: list[Message | _Corrupt]) -> list[Message]:
    """Run in a worker thread: the receiver's replies to ``items``, in order, acks merged."""
    replies: list[Message] = []
    for item in items:
        if isinstance(item, _Corrupt):
            replies += receiver.on_corrupt(item.reason)
        else:
            replies += receiver.handle(item)
    return merge_acks(replies)


def merge_acks(replies: list[Message]) -> list[Message]:
    """``replies`` with only their last ack: an ack tells the gateway that every chunk
    it sent before the acked one was handled (stored in order, or refused and asked
    for again), so the last one frees the window for all of them. One ack per batch
    instead of one per chunk: a frame sent is a wakeup of the gateway, costly on a
    loaded device."""
    acks = [i for i, r in enumerate(replies) if isinstance(r, PackAck)]
    if len(acks) < 2:
        return replies
    return [r for i, r in enumerate(replies) if not isinstance(r, PackAck) or i == acks[-1]]


async def _step(receiver: PackReceiver, items: list[Message | _Corrupt], send: Send) -> None:
    for reply in await asyncio.to_thread(_apply, receiver, items):
        await send(reply)


def _batch(queue: asyncio.Queue[Any], first: Any, limit: int = 16) -> list[Any]:
    """``first`` and what else is queued already (one thread hop for several chunks)."""
    items = [first]
    while len(items) < limit and not queue.empty() and not isinstance(first, _Failed):
        items.append(queue.get_nowait())
        if isinstance(items[-1], _Failed):
            break
    return items


@dataclass(frozen=True)
class _Failed:
    error: BaseException


async def sync_pack(
    receiver: PackReceiver, send: Send, recv: Recv, *, queue_size: int = 16
) -> SyncResult:
    """Feed ``recv``'s messages to ``receiver`` until it is done; a ``ProtocolError``
    from ``recv`` counts as a corrupt chunk. Link errors propagate once the messages
    already received are stored (staging is kept for the next attempt).

    Receiving (and decoding) runs ahead of storing, so the two overlap."""
    queue: asyncio.Queue[Message | _Corrupt | _Failed] = asyncio.Queue(queue_size)

    async def pump() -> None:
        while True:
            try:
                item: Message | _Corrupt | _Failed = await recv()
            except ProtocolError as exc:
                item = _Corrupt(str(exc))
            except Exception as exc:  # the link failed: hand it over after what arrived
                await queue.put(_Failed(exc))
                return
            await queue.put(item)

    pumping = asyncio.create_task(pump())
    try:
        while not receiver.done:
            items = _batch(queue, await queue.get())
            failed = items.pop() if isinstance(items[-1], _Failed) else None
            if items:
                await _step(receiver, items, send)
            if failed is not None and not receiver.done:
                raise failed.error
    finally:
        pumping.cancel()
        await asyncio.gather(pumping, return_exceptions=True)
        await asyncio.to_thread(receiver.close)
    assert receiver.result is not None
    return receiver.result


class PackClient:
    """Pack sync for the link: one at a time, resumed on the next connection."""

    def __init__(
        self,
        store: PackStore,
        keys: Iterable[Ed25519PublicKey],
        send: Send,
        *,
        queue_size: int = 64,
        max_stalls: int = 5,
        on_result: Callable[[SyncResult], None] | None = None,
    ) -> None:
        self.store = store
        self.keys = tuple(keys)
        self._send = send
        self._queue_size = queue_size
        self._max_stalls = max_stalls
        self._on_result = on_result
        self._queue: asyncio.Queue[Message | _Corrupt] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping: set[asyncio.Task[None]] = set()
        self._dropped = 0
        self.last_result: SyncResult | None = None

    @property
    def syncing(self) -> bool:
        return self._task is not None and not self._task.done()

    def on_message(self, message: Message) -> bool:
        """Take a pack message from the link (never blocks); False for other messages."""
        if not isinstance(message, PACK_MESSAGES):
            return False
        if not self.syncing:
            if not isinstance(message, PackManifest):
                return True  # left over from a sync that ended
            self._start()
        self._put(message)
        return True

    def on_corrupt_frame(self, reason: str) -> None:
        """A pack_chunk frame failed to decode: the sync asks for it again."""
        if self.syncing:
            self._put(_Corrupt(reason))

    def _put(self, item: Message | _Corrupt) -> None:
        assert self._queue is not None
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self._dropped += 1  # a gap the receiver asks for again

    def _start(self) -> None:
        self._queue = asyncio.Queue(self._queue_size)
        self._dropped = 0
        previous, self._stopping = self._stopping, set()
        self._task = asyncio.create_task(self._run(self._queue, previous), name="pack-sync")

    async def _run(
        self, queue: asyncio.Queue[Message | _Corrupt], previous: set[asyncio.Task[None]]
    ) -> None:
        # a cancelled sync's worker thread may still be writing: let it finish first
        await asyncio.gather(*previous, return_exceptions=True)
        receiver = await asyncio.to_thread(PackReceiver, self.store, self.keys, self._max_stalls)
        try:
            while not receiver.done:
                await _step(receiver, _batch(queue, await queue.get()), self._send)
                if self._dropped and queue.empty():
                    self._dropped = 0
                    await _step(receiver, [_Corrupt("pack queue overflow")], self._send)
        except asyncio.CancelledError:
            raise
        except (ConnectionError, ConnectionClosed) as exc:
            log.info("pack sync paused, the link closed (%s); it resumes next time", exc)
            return
        except Exception:
            log.exception("pack sync failed")
            return
        finally:
            await asyncio.to_thread(receiver.close)
        self.last_result = receiver.result
        if receiver.result is not None and self._on_result is not None:
            self._on_result(receiver.result)

    def connection_lost(self) -> None:
        """Stop the sync in progress; what was staged resumes on the next manifest."""
        if self._task is not None:
            self._task.cancel()
            self._stopping.add(self._task)
            self._task = None

    async def close(self) -> None:
        tasks = {*self._stopping, *([self._task] if self._task is not None else [])}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task, self._stopping = None, set()
