"""Piper text-to-speech that streams sentence by sentence, with a cache and prefetch.

``stream(text)`` is an async generator of :class:`protocol.audio.AudioChunk` (one per
sentence, at the voice's rate: 22050 Hz for joe-medium). While the caller plays a
sentence the next one is already being synthesised in the engine's worker thread;
closing the generator early (a barge-in) cancels the synthesis not yet started.
``prefetch(texts)`` synthesises step texts ahead in a background thread that yields
to speech, so a later ``stream`` of them is served from the cache.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glasses.tts.cache import CacheStats, PhraseCache
from glasses.tts.config import TtsConfig
from glasses.tts.prefetch import Prefetcher
from glasses.tts.sentences import split_sentences
from protocol.audio import AudioChunk

log = logging.getLogger(__name__)


class TtsError(RuntimeError):
    """The voice could not be loaded or failed to synthesise."""


@dataclass(frozen=True)
class Synthesis:
    """One sentence's trip through the engine (kept for tests and benchmarks)."""

    sentence: str
    started: float
    finished: float
    cached: bool
    prefetch: bool


def _load_voice(path: Path) -> Any:
    try:
        from piper import PiperVoice
    except ImportError as exc:
        raise TtsError("speech output needs piper-tts: pip install piper-tts==1.8.0") from exc
    try:
        return PiperVoice.load(str(path), config_path=f"{path}.json")
    except Exception as exc:  # piper/onnxruntime raise assorted errors for a bad voice
        raise TtsError(f"cannot load the Piper voice {path}: {exc}") from exc


class PiperTts:
    """A loaded Piper voice. Build with :meth:`load`; call :meth:`close` when done."""

    def __init__(
        self,
        voice: Any,
        config: TtsConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.voice = voice
        self.config = config = config or TtsConfig()
        self.rate: int = int(voice.config.sample_rate)
        self.cache = PhraseCache(config.cache_sentences)
        self.history: deque[Synthesis] = deque(maxlen=256)
        self._clock = clock
        self._voice_lock = threading.Lock()
        self._speech_pending = 0
        self._pending_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts-speak")
        self._prefetcher = Prefetcher(self._prefetch_text, config.prefetch_texts)
        self._syn_config = self._synthesis_config()

    @classmethod
    def load(cls, config: TtsConfig | None = None, model: str | Path | None = None) -> PiperTts:
        """Load the voice from ``model`` or ``glasses.models.resolve_tts()`` (blocking, ~2 s)."""
        from glasses.models import resolve_tts

        return cls(_load_voice(resolve_tts(model or None)), config)

    def _synthesis_config(self) -> Any:
        from piper import SynthesisConfig

        return SynthesisConfig(length_scale=1.0 / self.config.speed, volume=self.config.volume)

    @property
    def silence(self) -> bytes:
        return bytes(2 * int(self.rate * self.config.sentence_silence_s))

    def sentences(self, text: str) -> list[str]:
        return split_sentences(text, self.config.max_sentence_chars)

    def is_cached(self, text: str) -> bool:
        """True when every sentence of ``text`` is in the cache."""
        return all(s in self.cache for s in self.sentences(text))

    def stats(self) -> CacheStats:
        return self.cache.stats()

    def synthesize(self, sentence: str, *, prefetch: bool = False) -> bytes:
        """int16 PCM of one sentence, from the cache or the voice (blocking)."""
        started = self._clock()
        audio = self.cache.get(sentence)
        cached = audio is not None
        if audio is None:
            audio = self._run_voice(sentence)
            self.cache.put(sentence, audio)
        self.history.append(Synthesis(sentence, started, self._clock(), cached, prefetch))
        return audio

    def _run_voice(self, sentence: str) -> bytes:
        with self._voice_lock:
            try:
                parts = [
                    c.audio_int16_array for c in self.voice.synthesize(sentence, self._syn_config)
                ]
            except Exception as exc:  # espeak/onnxruntime failures: name the sentence
                raise TtsError(f"synthesis failed for {sentence!r}: {exc}") from exc
        if not parts:
            return b""
        return np.concatenate(parts).astype("<i2").tobytes()

    def _speak(self, sentence: str) -> asyncio.Future[bytes]:
        """Synthesise ``sentence`` in the speech thread; prefetching waits while any is pending."""
        with self._pending_lock:
            self._speech_pending += 1
        job = self._pool.submit(self.synthesize, sentence)
        job.add_done_callback(self._speech_done)  # also runs when the job is cancelled
        return asyncio.wrap_future(job)

    def _speech_done(self, _job: object) -> None:
        with self._pending_lock:
            self._speech_pending -= 1

    @property
    def speech_pending(self) -> bool:
        with self._pending_lock:
            return self._speech_pending > 0

    async def stream(self, text: str) -> AsyncIterator[AudioChunk]:
        """Chunks of ``text``, one per sentence (with the pause after it), synthesised one
        sentence ahead of the consumer. Timestamps count seconds from the first sample."""
        sentences = self.sentences(text)
        if not sentences:
            return
        timestamp = 0.0
        pending = self._speak(sentences[0])
        try:
            for index in range(len(sentences)):
                audio = await pending
                if index + 1 < len(sentences):
                    pending = self._speak(sentences[index + 1])
                chunk = AudioChunk(audio + self.silence, self.rate, 2, 1, timestamp)
                timestamp = chunk.end
                yield chunk
        finally:
            pending.cancel()

    async def synthesize_all(self, text: str) -> AudioChunk:
        """All of ``text`` as one chunk (no streaming)."""
        parts = [chunk.audio async for chunk in self.stream(text)]
        return AudioChunk(b"".join(parts), self.rate, 2, 1, 0.0)

    def prefetch(self, texts: Iterable[str]) -> None:
        """Synthesise ``texts`` into the cache in the background; returns at once."""
        self._prefetcher.submit([t for t in texts if t and not self.is_cached(t)])

    def wait_prefetched(self, timeout: float | None = None) -> bool:
        """Block until the prefetch queue is empty (tests, benchmarks). False on timeout."""
        return self._prefetcher.wait_idle(timeout)

    def _prefetch_text(self, text: str, stopping: threading.Event) -> None:
        for sentence in self.sentences(text):
            while self.speech_pending and not stopping.is_set():
                time.sleep(0.01)  # speech goes first
            if stopping.is_set():
                return
            if sentence not in self.cache:
                self.synthesize(sentence, prefetch=True)

    def close(self) -> None:
        """Stop the worker threads (pending prefetches are dropped)."""
        self._prefetcher.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
