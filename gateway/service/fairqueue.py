"""One generation at a time, shared round-robin between devices, bounded.

Each device has its own FIFO; when the LLM frees up, the next device in the
rotation goes, so one chatty pair of glasses cannot starve the others. A full
queue refuses at once with an estimate instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field


class QueueFull(Exception):
    """The queue is at capacity; ``estimated_wait_s`` says when to try again."""

    def __init__(self, estimated_wait_s: float) -> None:
        super().__init__(f"queue full, try again in about {estimated_wait_s:.0f} s")
        self.estimated_wait_s = estimated_wait_s


@dataclass(eq=False)
class _Ticket:
    device: str
    ref: str
    go: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class FairQueue:
    """Round-robin admission to a single-slot resource."""

    def __init__(
        self, capacity: int = 32, initial_service_s: float = 3.0, max_wait_s: float = 120.0
    ) -> None:
        self.capacity = capacity
        self.max_wait_s = max_wait_s
        self._queues: OrderedDict[str, deque[_Ticket]] = OrderedDict()
        self._busy = False
        self._service_s = initial_service_s
        self.served: dict[str, int] = {}

    @property
    def length(self) -> int:
        return sum(len(q) for q in self._queues.values())

    @property
    def busy(self) -> bool:
        return self._busy

    def estimate(self, position: int) -> float:
        """Seconds until a ticket at ``position`` (1 = next) starts."""
        return round(position * self._service_s, 1)

    def _order(self) -> list[_Ticket]:
        """Tickets in the order they will be served (round-robin over devices)."""
        queues = [list(q) for q in self._queues.values()]
        out: list[_Ticket] = []
        depth = max((len(q) for q in queues), default=0)
        for i in range(depth):
            out.extend(q[i] for q in queues if i < len(q))
        return out

    def position(self, device: str, ref: str) -> int:
        for i, ticket in enumerate(self._order(), 1):
            if ticket.device == device and ticket.ref == ref:
                return i
        return 0

    @contextlib.asynccontextmanager
    async def slot(
        self, device: str, ref: str, on_queued: Callable[[int, float], None] | None = None
    ) -> AsyncIterator[None]:
        """Hold the resource for the duration of the block."""
        await self._acquire(device, ref, on_queued)
        start = asyncio.get_running_loop().time()
        try:
            yield
        finally:
            elapsed = asyncio.get_running_loop().time() - start
            self._service_s = 0.8 * self._service_s + 0.2 * max(0.05, elapsed)
            self.served[device] = self.served.get(device, 0) + 1
            self._release()

    async def _acquire(
        self, device: str, ref: str, on_queued: Callable[[int, float], None] | None
    ) -> None:
        if not self._busy and self.length == 0:
            self._busy = True
            return
        wait = self.estimate(self.length + 1)
        if self.length >= self.capacity or wait > self.max_wait_s:
            raise QueueFull(wait)  # "busy, try in N s" beats an answer that comes too late
        ticket = _Ticket(device, ref)
        self._queues.setdefault(device, deque()).append(ticket)
        if on_queued is not None:
            pos = self.position(device, ref)
            on_queued(pos, self.estimate(pos))
        try:
            await ticket.go
        except asyncio.CancelledError:
            if ticket.go.done() and not ticket.go.cancelled():
                self._release()  # we were handed the slot while being cancelled
            else:
                self._remove(ticket)
            raise

    def _remove(self, ticket: _Ticket) -> None:
        queue = self._queues.get(ticket.device)
        if queue and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._queues[ticket.device]

    def _release(self) -> None:
        while self._queues:
            device, queue = next(iter(self._queues.items()))
            ticket = queue.popleft()
            # rotate: this device goes to the back of the line
            del self._queues[device]
            if queue:
                self._queues[device] = queue
            if not ticket.go.done():
                ticket.go.set_result(None)
                return
        self._busy = False
