"""Serve a pack over one connection: offer the manifest, stream what the glasses ask for.

:class:`PackServer` is shared by all sessions (``hub.packs``); each session gets
a :class:`PackStream` through :meth:`PackServer.stream` and hands it the pack
messages it receives (:meth:`PackStream.on_message`, never blocking). The stream
keeps ``window_chunks`` full chunks' worth of bytes ahead of the glasses' acks
(many small files at once), starts over from the offsets of each new
:class:`protocol.PackRequest`, reads files in a worker thread and honours the
bandwidth cap. Every request is answered by exactly one ``pack_complete``, in
order: a request superseded by a newer one ends early with it (the glasses count
completes to tell old chunks from new). :func:`serve_pack` runs the whole exchange
over any ``send``/``recv`` pair (tests, benchmarks).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed

from gateway.packs.build import BuiltPack, build_pack, latest_pack, verify_built
from gateway.packs.config import PacksConfig
from gateway.packs.sender import ChunkReader, Pacer, PackRequestError, PackSender
from gateway.packs.signing import load_or_create_signing_key
from protocol import (
    ErrorMessage,
    Message,
    PackAck,
    PackChunk,
    PackComplete,
    PackManifest,
    PackRequest,
)

log = logging.getLogger(__name__)

Send = Callable[[Message], Awaitable[Any]]
Recv = Callable[[], Awaitable[Message]]


class PackServer:
    """The pack this gateway serves; one per gateway."""

    def __init__(self, pack: BuiltPack, config: PacksConfig | None = None) -> None:
        self.config = config or PacksConfig()
        self.pack = pack
        self.sender = PackSender(pack, self.config.chunk_size)

    @classmethod
    def build(cls, config: PacksConfig, data_dir: Path) -> PackServer:
        """Build (or reuse) the site's pack with the gateway's signing key."""
        key = load_or_create_signing_key(config.key_path(data_dir))
        pack = build_pack(config.site_path(), config.packs_path(data_dir), key, keep=config.keep)
        return cls(pack, config)

    @classmethod
    def latest(cls, config: PacksConfig, data_dir: Path) -> PackServer | None:
        """Serve the pack built last (its files checked), without building; None if none."""
        pack = latest_pack(config.packs_path(data_dir))
        if pack is None:
            return None
        verify_built(pack)
        return cls(pack, config)

    @property
    def version(self) -> str:
        return self.pack.version

    @property
    def manifest(self) -> PackManifest:
        return self.pack.manifest

    def stream(self, send: Send) -> PackStream:
        """A stream for one connection; ``send`` sends one message to those glasses."""
        return PackStream(self.sender, send, self.config.window_chunks, self.config.bandwidth)


@dataclass
class StreamStats:
    requests: int = 0
    chunks_sent: int = 0
    bytes_sent: int = 0
    completes_sent: int = 0
    sent: Counter[tuple[str, int]] = field(default_factory=Counter)
    """How many times each (path, offset) chunk was sent."""

    @property
    def resent_chunks(self) -> int:
        return sum(n - 1 for n in self.sent.values() if n > 1)


class _Run:
    """One pass over a request: the bytes it may have unacknowledged and the chunks
    awaiting acks. The budget is in bytes (``window`` full chunks), so small files'
    chunks do not each wait a round trip as a whole chunk would.

    An ack frees its chunk and every chunk sent before it: the glasses handle chunks
    in the order sent, so those are stored too (or refused, and a new request
    supersedes this run). One ack per batch of chunks is enough for the window."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.unacked = 0
        """Payload bytes sent and not acknowledged yet."""
        self.inflight: deque[tuple[str, int, int]] = deque()
        """(path, end offset, size) of each chunk awaiting its ack, in the order sent."""
        self.superseded = False
        self._waiter: asyncio.Future[None] | None = None

    async def reserve(self, size: int) -> None:
        """Wait until ``size`` more bytes fit in the budget (a chunk alone always fits)."""
        while not self.superseded and self.unacked and self.unacked + size > self.budget:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter

    @property
    def waiting(self) -> bool:
        return self._waiter is not None and not self._waiter.done()

    def sent(self, path: str, end: int, size: int) -> None:
        self.unacked += size
        self.inflight.append((path, end, size))

    def supersede(self) -> None:
        """A newer request replaces this one: stop at the next chunk."""
        self.superseded = True
        self._wake()

    def acked(self, path: str, offset: int) -> None:
        last = -1
        for i, (sent_path, end, _) in enumerate(self.inflight):
            if sent_path == path and end <= offset:
                last = i
            elif last >= 0:
                break
        for _ in range(last + 1):
            self.unacked -= self.inflight.popleft()[2]
        if last >= 0:
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class PackStream:
    """The gateway side of pack sync on one connection."""

    def __init__(self, sender: PackSender, send: Send, window: int = 4, bandwidth: int = 0) -> None:
        self.sender = sender
        self._send = send
        self._window = max(1, window)
        self._pacer = Pacer(bandwidth)
        self._task: asyncio.Task[None] | None = None
        self._run: _Run | None = None
        self.stats = StreamStats()

    async def offer(self) -> None:
        """Send the manifest; the glasses answer with a request if they want anything."""
        await self._send(self.sender.manifest)

    def on_message(self, message: Message) -> bool:
        """Handle a pack message from the glasses; False if ``message`` is not one."""
        if isinstance(message, PackRequest):
            self.stats.requests += 1
            previous = self._task
            if self._run is not None:
                self._run.supersede()
            self._run = _Run(self._window * self.sender.chunk_size)
            self._task = asyncio.create_task(self._serve(message, self._run, previous))
            self._task.add_done_callback(_log_failure)
            return True
        if isinstance(message, PackAck):
            if self._run is not None and message.pack_version == self.sender.version:
                self._run.acked(message.path, message.offset)
            return True
        return False

    @property
    def waiting_for_acks(self) -> bool:
        """The stream holds its next chunk until acks free room in the window."""
        return self._run is not None and self._run.waiting

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    async def wait(self) -> None:
        """Until the current request is served (or failed)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _serve(
        self, request: PackRequest, run: _Run, previous: asyncio.Task[None] | None
    ) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        try:
            plan = self.sender.plan(request)
        except PackRequestError as exc:
            await self._send(ErrorMessage("not_found", str(exc)))
            await self.offer()
            return
        reader = self.sender.reader(plan)
        try:
            await self._stream(reader, run)
        except (OSError, PackRequestError) as exc:
            if isinstance(exc, ConnectionError):
                raise
            log.warning("pack %s cannot be read: %s", self.sender.version, exc)
            await self._send(ErrorMessage("unavailable", f"pack file unreadable: {exc}"[:500]))
        finally:
            reader.close()
        await self._send(PackComplete(self.sender.version))  # the glasses ask again or give up
        self.stats.completes_sent += 1

    async def _stream(self, reader: ChunkReader, run: _Run) -> None:
        loop = asyncio.get_running_loop()
        ahead: asyncio.Queue[list[PackChunk] | None] = asyncio.Queue(self._window)
        reading = asyncio.create_task(self._read_ahead(reader, ahead))
        try:
            while (batch := await ahead.get()) is not None:
                if not await self._send_batch(batch, run, loop):
                    break
            if reading.done():
                reading.result()  # a read error ends the stream with it
        finally:
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)

    async def _send_batch(
        self, batch: list[PackChunk], run: _Run, loop: asyncio.AbstractEventLoop
    ) -> bool:
        """Send ``batch`` within the run's budget and the bandwidth cap; False if the run
        was superseded."""
        for chunk in batch:
            size = len(chunk.payload)
            await run.reserve(size)
            if run.superseded:
                return False
            delay = self._pacer.delay(size, loop.time())
            if delay > 0:
                await asyncio.sleep(delay)
            run.sent(chunk.path, chunk.offset + size, size)
            await self._send(chunk)
            self.stats.chunks_sent += 1
            self.stats.bytes_sent += size
            self.stats.sent[(chunk.path, chunk.offset)] += 1
        return True

    async def _read_ahead(
        self, reader: ChunkReader, ahead: asyncio.Queue[list[PackChunk] | None]
    ) -> None:
        """Read and hash the next chunks in a worker thread while earlier ones are sent:
        up to a chunk's worth of bytes per thread hop (one big chunk, or several small
        files: a few at first, so the first chunk goes out soon, more later)."""
        limit, count = self.sender.chunk_size, 2
        try:
            while batch := await asyncio.to_thread(reader.read_batch, limit, count):
                await ahead.put(batch)
                count = min(2 * count, 32)
        except Exception:
            await ahead.put(None)  # the sender stops; the error surfaces from this task
            raise
        await ahead.put(None)


def _log_failure(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if isinstance(exc, ConnectionError | ConnectionClosed):
        log.info("pack stream stopped: the connection closed")
    elif exc is not None:
        log.warning("pack stream stopped: %s: %s", type(exc).__name__, exc)


async def serve_pack(stream: PackStream, recv: Recv) -> None:
    """Offer the pack and serve requests until ``recv`` raises (the link closed)."""
    try:
        await stream.offer()
        while True:
            message = await recv()
            if not stream.on_message(message):
                log.debug("pack exchange ignores %s", message.TYPE)
    finally:
        await stream.close()
