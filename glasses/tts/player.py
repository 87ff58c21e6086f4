"""Plays utterances through a sink in short blocks, with an immediate cut (barge-in).

One player task takes utterances from a bounded queue. For each, a feeder task pulls
the synthesis stream into a bounded queue of ~30 ms blocks, and the player writes
them to the sink. ``cancel()`` is the priority lane: it does not queue behind audio,
it aborts the sink, cancels the feeder (and so the synthesis not yet done), drops the
queued utterances and wakes the player at once. Every utterance ends in exactly one
event: FINISHED or CUT (STARTED comes first if any of it was played).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from glasses.tts.config import PlayerConfig
from glasses.tts.playback import PlaybackEvent, PlaybackKind, blocks_of
from glasses.tts.sinks import AudioSink
from protocol.audio import AudioChunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Utterance:
    utterance_id: int
    chunks: AsyncIterable[AudioChunk]


_END = object()


class Player:
    """Start with :meth:`start` inside the loop; :meth:`close` stops it and the sink."""

    def __init__(
        self,
        sink: AudioSink,
        config: PlayerConfig | None = None,
        on_event: Callable[[PlaybackEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sink = sink
        self.config = config = config or PlayerConfig()
        self._on_event = on_event
        self._clock = clock
        self._utterances: asyncio.Queue[_Utterance] = asyncio.Queue(config.queue_utterances)
        self._blocks: asyncio.Queue[object] = asyncio.Queue(config.queue_blocks)
        self._cut = asyncio.Event()
        self._cut_at = 0.0
        self._task: asyncio.Task[None] | None = None
        self._feeder: asyncio.Task[None] | None = None
        self._current: int | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts-sink")

    @property
    def speaking(self) -> int | None:
        """The utterance being played, if any."""
        return self._current

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="tts-player")

    def play(self, utterance_id: int, chunks: AsyncIterable[AudioChunk]) -> None:
        """Queue an utterance; raises asyncio.QueueFull when ``queue_utterances`` are waiting."""
        self._utterances.put_nowait(_Utterance(utterance_id, chunks))
        self._idle.clear()

    def cancel(self) -> None:
        """Cut the current utterance now and drop the queued ones (each gets a CUT event)."""
        now = self._clock()
        while not self._utterances.empty():
            dropped = self._utterances.get_nowait()  # never iterated: nothing to close
            self._emit(PlaybackEvent(PlaybackKind.CUT, dropped.utterance_id, now))
        if self._current is None:
            self._idle.set()
            return
        self._cut_at = now
        self._cut.set()
        self.sink.abort()
        if self._feeder is not None:
            self._feeder.cancel()

    async def wait_idle(self) -> None:
        """Until nothing is playing or queued."""
        await self._idle.wait()

    async def close(self) -> None:
        self.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._writer.shutdown(wait=True)
        self.sink.close()

    def _emit(self, event: PlaybackEvent) -> None:
        log.debug("%s", event)
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:  # a listener's bug must not stop speech
                log.exception("playback event listener failed")

    async def _run(self) -> None:
        while True:
            utterance = await self._utterances.get()
            self._current = utterance.utterance_id
            self._cut.clear()
            try:
                await self._play(utterance)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one bad utterance must not stop the player
                log.exception("playing utterance %d failed", utterance.utterance_id)
                self._emit(
                    PlaybackEvent(
                        PlaybackKind.CUT, utterance.utterance_id, self._clock(), error=str(exc)
                    )
                )
            finally:
                self._current = None
                await self._stop_feeder()
                if self._utterances.empty():
                    self._idle.set()

    async def _feed(self, chunks: AsyncIterable[AudioChunk]) -> None:
        try:
            async for chunk in chunks:
                for block in blocks_of(chunk, self.config.block_ms):
                    await self._blocks.put(block)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("speech synthesis failed")
            await self._blocks.put(exc)
        else:
            await self._blocks.put(_END)
        finally:
            await _aclose(chunks)

    async def _stop_feeder(self) -> None:
        if self._feeder is not None:
            self._feeder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._feeder
            self._feeder = None
        while not self._blocks.empty():
            self._blocks.get_nowait()

    async def _next_block(self) -> object:
        """The next block, _END, an exception from synthesis, or None when cut."""
        if self._cut.is_set():
            return None
        getter = asyncio.ensure_future(self._blocks.get())
        cutter = asyncio.ensure_future(self._cut.wait())
        try:
            await asyncio.wait({getter, cutter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            cutter.cancel()
            if not getter.done():
                getter.cancel()
        if self._cut.is_set():
            return None
        return getter.result()

    async def _call(self, method: Callable[..., None], *args: object) -> None:
        """A sink call: in the player's thread for a blocking sink, else on the loop."""
        if self.sink.blocking:
            await asyncio.get_running_loop().run_in_executor(self._writer, method, *args)
        else:
            method(*args)

    async def _pace(self, started: float, played_s: float) -> None:
        if self.sink.blocking or not self.config.realtime:
            return
        ahead = started + played_s - self._clock() - self.config.lead_ms / 1000
        if ahead > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._cut.wait(), ahead)

    async def _play(self, utterance: _Utterance) -> None:
        uid = utterance.utterance_id
        self._feeder = asyncio.get_running_loop().create_task(
            self._feed(utterance.chunks), name=f"tts-feed-{uid}"
        )
        started: float | None = None
        samples = 0
        rate = 1
        while True:
            item = await self._next_block()
            if item is None:
                self._emit(PlaybackEvent(PlaybackKind.CUT, uid, self._cut_at, samples))
                return
            if isinstance(item, Exception):
                self._emit(PlaybackEvent(PlaybackKind.CUT, uid, self._clock(), samples, str(item)))
                return
            if item is _END:
                break
            assert isinstance(item, AudioChunk)
            if started is None:
                await self._call(self.sink.begin, item.format)
                if self._cut.is_set():  # cut while the sink was opening
                    self.sink.abort()
                    continue
                started, rate = self._clock(), item.rate
                self._emit(PlaybackEvent(PlaybackKind.STARTED, uid, started + self.sink.latency))
            await self._call(self.sink.write, item)
            samples += item.samples
            await self._pace(started, samples / rate)
        await self._finish(uid, started, samples, rate)

    async def _finish(self, uid: int, started: float | None, samples: int, rate: int) -> None:
        if started is not None:
            await self._pace(started, samples / rate + self.config.lead_ms / 1000)
            await self._call(self.sink.end)
        if self._cut.is_set():
            self._emit(PlaybackEvent(PlaybackKind.CUT, uid, self._cut_at, samples))
        else:
            self._emit(PlaybackEvent(PlaybackKind.FINISHED, uid, self._clock(), samples))


async def _aclose(chunks: AsyncIterable[AudioChunk]) -> None:
    closer = getattr(chunks, "aclose", None)
    if closer is not None:
        await closer()
