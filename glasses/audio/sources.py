"""Audio sources with one async interface: ``async for chunk in source``.

- ``MicrophoneSource``: the sound card through sounddevice (16 kHz mono int16).
  PortAudio's callback thread hands each block to the loop with
  ``call_soon_threadsafe``; a bounded queue drops the oldest block (counted in
  ``dropped``) if the consumer falls behind.
- ``ReplaySource`` / ``WavSource``: chunks from memory or a WAV file, paced in
  real time or as fast as the consumer takes them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, Protocol

from glasses.audio.config import MicConfig, ReplayConfig
from glasses.audio.wav import RATE, load_pcm16, pcm_to_chunks
from protocol.audio import AudioChunk

log = logging.getLogger(__name__)


class AudioDeviceError(RuntimeError):
    """The sound card or its library (PortAudio) is not usable."""


class AudioSource(Protocol):
    """Anything that yields AudioChunks asynchronously."""

    def __aiter__(self) -> AsyncIterator[AudioChunk]: ...


class ReplaySource:
    """Chunks replayed from memory, in real time (``realtime``) or as fast as possible."""

    def __init__(self, chunks: Iterable[AudioChunk], realtime: bool = False) -> None:
        self._chunks = chunks
        self.realtime = realtime

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        loop = asyncio.get_running_loop()
        started: float | None = None
        for chunk in self._chunks:
            if self.realtime:
                if started is None:
                    started = loop.time() - chunk.timestamp
                delay = started + chunk.end - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)
            yield chunk


class WavSource:
    """A WAV file (any PCM format) replayed as 16 kHz mono int16 chunks."""

    def __init__(self, path: str | Path, cfg: ReplayConfig | None = None) -> None:
        self.path = Path(path)
        self.cfg = cfg or ReplayConfig()

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        # Decoding and resampling a long file is blocking work: do it off the loop.
        samples = await asyncio.to_thread(load_pcm16, self.path)
        replay = ReplaySource(pcm_to_chunks(samples, self.cfg.chunk_ms), self.cfg.realtime)
        async for chunk in replay:
            yield chunk


def _import_sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # raised when libportaudio is missing
        raise AudioDeviceError(
            "the microphone needs the PortAudio library: install it "
            "(Debian/Ubuntu: apt-get install libportaudio2) "
            f"or replay a WAV file instead ({exc})"
        ) from None
    except ImportError as exc:
        raise AudioDeviceError(
            "the microphone needs the 'sounddevice' package (pip install sounddevice)"
        ) from exc
    return sounddevice


class MicrophoneSource:
    """The default (or configured) input device, 16 kHz mono int16."""

    def __init__(self, cfg: MicConfig | None = None, sounddevice: Any = None) -> None:
        """``sounddevice`` may be injected (a fake in tests); otherwise imported lazily."""
        self.cfg = cfg or MicConfig()
        self._sd = sounddevice
        self.dropped = 0
        self._queue: asyncio.Queue[AudioChunk] | None = None
        self._samples = 0

    def _device(self) -> int | str | None:
        text = self.cfg.device.strip()
        if not text:
            return None
        return int(text) if text.isdigit() else text

    def _put(self, audio: bytes) -> None:
        """On the loop: enqueue one block, dropping the oldest if the queue is full."""
        assert self._queue is not None
        chunk = AudioChunk(audio=audio, rate=RATE, timestamp=self._samples / RATE)
        self._samples += len(audio) // 2
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 100 == 0:
                log.warning("microphone: consumer too slow, %d chunks dropped", self.dropped)
        self._queue.put_nowait(chunk)

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        sd = self._sd or _import_sounddevice()
        loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue(maxsize=max(1, self.cfg.queue_chunks))

        def callback(indata: Any, frames: int, time: Any, status: Any) -> None:
            if status:
                log.debug("microphone status: %s", status)
            loop.call_soon_threadsafe(self._put, bytes(indata))

        try:
            stream = sd.RawInputStream(
                samplerate=RATE,
                blocksize=RATE * self.cfg.block_ms // 1000,
                channels=1,
                dtype="int16",
                device=self._device(),
                callback=callback,
            )
        except Exception as exc:
            raise AudioDeviceError(f"cannot open the microphone: {exc}") from exc
        with stream:
            while True:
                yield await self._queue.get()
