"""A bounded event feed for one subscriber (e.g. one pair of connected glasses).

When the subscriber falls behind, the oldest *reading* update is dropped
first (a newer one supersedes it); alerts are dropped only if the buffer
holds nothing else.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from types import TracebackType

from gateway.telemetry.model import Event, ReadingEvent


class Subscription:
    """``async with service.subscribe() as sub: async for event in sub: ...``"""

    def __init__(self, maxsize: int, on_close: Callable[[Subscription], None]) -> None:
        if maxsize < 1:
            raise ValueError("a subscription needs room for at least one event")
        self.maxsize = maxsize
        self.dropped = 0
        self._items: deque[Event] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._on_close = on_close

    def offer(self, event: Event) -> None:
        """Queue an event without waiting (called by the service)."""
        if self._closed:
            return
        if len(self._items) >= self.maxsize:
            self._drop_one()
        self._items.append(event)
        self._wake()

    def _drop_one(self) -> None:
        self.dropped += 1
        for i, item in enumerate(self._items):
            if isinstance(item, ReadingEvent):
                del self._items[i]
                return
        self._items.popleft()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def pending(self) -> int:
        return len(self._items)

    async def get(self) -> Event:
        """The next event; raises StopAsyncIteration once closed and drained."""
        while not self._items:
            if self._closed:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()

    def close(self) -> None:
        """End the feed (already queued events can still be read)."""
        if not self._closed:
            self._closed = True
            self._wake()
            self._on_close(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        return await self.get()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
