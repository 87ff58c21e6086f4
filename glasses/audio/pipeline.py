"""The voice-input stage: chunks in, WakeDetected/SpeechStart/SpeechEnd/Transcript/NoSpeech out.

While waiting for the wake word, a cheap speech gate decides when the wake model
runs at all. After the wake word (or ``listen()``), the endpointer captures one
utterance. ASR starts speculatively once a short pause is heard; if speech
resumes the result is thrown away, and if the endpoint confirms the same audio,
the speculative result is used, so the wait is max(silence, ASR), not the sum.
Wake and ASR inference run on one worker thread each; audio keeps flowing
while ASR runs, so the wake word can interrupt. A capture started by
``listen()`` (command mode) keeps listening for the wake word too: if it is
heard, the capture restarts after it, so "Hey Jarvis, ..." said in command mode
is heard as a woken command even when Whisper garbles the wake phrase.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from glasses.audio.asr import AsrResult, WhisperAsr
from glasses.audio.config import VoiceConfig
from glasses.audio.denoise import NoiseProfile
from glasses.audio.endpoint import Endpointer, EpEvent, EpKind, EpState
from glasses.audio.events import (
    NoSpeech,
    SpeechEnd,
    SpeechStart,
    Transcript,
    VoiceEvent,
    WakeDetected,
)
from glasses.audio.textnorm import strip_wake_phrase
from glasses.audio.vad import Frame, Framer, SpeechDetector
from glasses.audio.wake import WakeDetector
from glasses.audio.wake_listen import WakeListener
from protocol.audio import AudioChunk

log = logging.getLogger(__name__)


class Mode(enum.Enum):
    WAKE = "wake"
    CAPTURE = "capture"


_DONE = object()


class VoiceInput:
    """One voice-input stage. ``events(source)`` may be called again for a new stream."""

    def __init__(self, cfg: VoiceConfig, asr: WhisperAsr, wake: WakeDetector | None) -> None:
        self.cfg = cfg
        self.asr = asr
        self.wake = wake
        self._wake_pool = ThreadPoolExecutor(1, thread_name_prefix="wake")
        self._asr_pool = ThreadPoolExecutor(1, thread_name_prefix="asr")
        self._armed = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._reset_stream()

    @classmethod
    def load(cls, cfg: VoiceConfig | None = None, titles: Sequence[str] = ()) -> VoiceInput:
        """Load the real models (blocking; call through ``asyncio.to_thread`` on a loop)."""
        cfg = cfg or VoiceConfig()
        return cls(cfg, WhisperAsr.load(cfg.asr, titles), WakeDetector.load(cfg.wake))

    def _reset_stream(self) -> None:
        self.detector = SpeechDetector.from_gate(self.cfg.gate)
        self.endpointer = Endpointer(self.cfg.endpoint)
        self._framer = Framer()
        self.noise = NoiseProfile(self.cfg.denoise)
        self.listener = WakeListener(self.cfg, self.detector, self.noise, self.wake)
        self.mode = Mode.WAKE
        self._unwoken = False
        """The capture was started by ``listen()``: the wake word is still listened for."""
        self._spec: tuple[tuple[int, int], asyncio.Future[AsrResult]] | None = None
        self._clock = (0.0, 0.0)

    def listen(self) -> None:
        """Capture the next utterance without waiting for the wake word."""
        self._armed = True

    async def events(self, source: AsyncIterable[AudioChunk]) -> AsyncIterator[VoiceEvent]:
        """Run the stage over ``source`` and yield its events until the source ends."""
        self._reset_stream()
        queue: asyncio.Queue[object] = asyncio.Queue(maxsize=64)
        feeder = asyncio.create_task(self._feed(source, queue), name="voice-feed")
        self._tasks.add(feeder)
        feeder.add_done_callback(self._tasks.discard)
        try:
            while (item := await queue.get()) is not _DONE:
                yield item  # type: ignore[misc]
            await feeder
        finally:
            await self._cancel_tasks()

    async def _cancel_tasks(self) -> None:
        pending = [t for t in self._tasks if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def _feed(self, source: AsyncIterable[AudioChunk], out: asyncio.Queue[object]) -> None:
        try:
            async for chunk in source:
                await self._chunk(chunk, out)
            await self._stream_end(out)
            finishing = [t for t in self._tasks if t.get_name() == "voice-asr"]
            if finishing:
                await asyncio.gather(*finishing)
        finally:
            await out.put(_DONE)

    async def _chunk(self, chunk: AudioChunk, out: asyncio.Queue[object]) -> None:
        loop = asyncio.get_running_loop()
        self._clock = (chunk.end, loop.time())
        for frame in self._framer.push(chunk):
            if self._armed and self.mode is Mode.WAKE:
                self._armed = False
                self._start_capture(frame.t, prefix=(), unwoken=True)
            if self.mode is Mode.CAPTURE:
                ep = self.cfg.endpoint
                speech = self.detector.is_speech(frame, ep.vad_aggressiveness, ep.margin_db)
                if not speech:
                    self.noise.update(frame.pcm)
                if self._unwoken:
                    self.listener.push(frame, speech)
                for event in self.endpointer.push(frame, speech):
                    await self._endpoint_event(event, out)
                continue
            speech = self.detector.is_speech(frame)
            if not speech:
                self.noise.update(frame.pcm)
            self.listener.push(frame, speech)
        watching = self.mode is Mode.WAKE or self._unwoken
        audio = self.listener.take() if watching else None
        if audio is not None:
            hit = await loop.run_in_executor(self._wake_pool, self.listener.score, audio)
            if hit is not None:
                await out.put(WakeDetected(hit.model, hit.score, hit.t))
                self._start_capture(audio.t_end, prefix=self.listener.wake_phrase())

    def _start_capture(self, t: float, prefix: Sequence[Frame], unwoken: bool = False) -> None:
        """Capture an utterance from ``t``. A wake word heard in an ``unwoken`` capture (one
        started by ``listen()``) restarts it after the wake phrase, as in wake mode."""
        self.mode = Mode.CAPTURE
        self._unwoken = unwoken
        self._spec = None
        self.listener.reset()
        self.endpointer.start(t, prefix)

    def _back_to_wake(self) -> None:
        self.mode = Mode.WAKE
        self._unwoken = False
        self._spec = None
        self.listener.reset()

    async def _endpoint_event(self, event: EpEvent, out: asyncio.Queue[object]) -> None:
        kind, t = event.kind, event.t
        if kind is EpKind.SPEECH_START:
            await out.put(SpeechStart(t))
        elif kind is EpKind.SPECULATE:
            utt = self.endpointer.utterance()
            self._spec = (utt.key, self._submit(utt.pcm))
        elif kind is EpKind.RESUMED:
            if self._spec is not None:
                self._spec[1].cancel()  # dropped if it has not started yet
            self._spec = None
        elif kind is EpKind.NO_SPEECH:
            await out.put(NoSpeech(t, "timeout", not self._unwoken))
            self._back_to_wake()
        elif kind is EpKind.END:
            await out.put(SpeechEnd(t, event.t_speech_end, event.reason))
            self._finish(event.t_speech_end, out)

    def _finish(self, t_eos: float, out: asyncio.Queue[object]) -> None:
        utt = self.endpointer.utterance()
        speculative = self._spec is not None and self._spec[0] == utt.key
        future = self._spec[1] if speculative and self._spec else self._submit(utt.pcm)
        task = asyncio.create_task(
            self._deliver(
                future, t_eos, speculative, self.endpointer.joined_prefix, not self._unwoken, out
            ),
            name="voice-asr",
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._back_to_wake()

    def _submit(self, pcm: bytes) -> asyncio.Future[AsrResult]:
        loop = asyncio.get_running_loop()
        noise = self.noise.snapshot() if self.cfg.denoise.asr else None

        def work() -> AsrResult:
            return self.asr.transcribe(noise.clean(pcm) if noise is not None else pcm)

        future = loop.run_in_executor(self._asr_pool, work)
        future.add_done_callback(_consume_exception)
        return future

    async def _deliver(
        self,
        future: asyncio.Future[AsrResult],
        t_eos: float,
        speculative: bool,
        strip_wake: bool,
        woken: bool,
        out: asyncio.Queue[object],
    ) -> None:
        try:
            result = await future
        except Exception:
            log.exception("ASR failed; the utterance is dropped")
            await out.put(NoSpeech(t_eos, "asr_error", woken))
            return
        newest_end, newest_wall = self._clock
        t_final = newest_end + (asyncio.get_running_loop().time() - newest_wall)
        text = result.text
        if strip_wake and self.wake is not None:
            text = strip_wake_phrase(text, self.wake.name, heard=True)
        if text:
            await out.put(Transcript(text, result.asr_ms, t_eos, t_final, speculative, woken))
        else:
            await out.put(NoSpeech(t_final, "rejected", woken))

    async def _stream_end(self, out: asyncio.Queue[object]) -> None:
        """The source ended: finish an utterance in progress."""
        if self.mode is not Mode.CAPTURE:
            return
        if self.endpointer.state is EpState.SPEECH:
            t_eos = self.endpointer.t_last_speech
            await out.put(SpeechEnd(self._clock[0], t_eos, "stream_end"))
            self._finish(t_eos, out)
        else:
            await out.put(NoSpeech(self._clock[0], "stream_end", not self._unwoken))
            self._back_to_wake()
        self.endpointer.stop()

    def close(self) -> None:
        """Stop the worker threads (pending inference is abandoned)."""
        self._wake_pool.shutdown(wait=True, cancel_futures=True)
        self._asr_pool.shutdown(wait=True, cancel_futures=True)
        if self.wake is not None:
            self.wake.close()


def _consume_exception(future: asyncio.Future[AsrResult] | Future[AsrResult]) -> None:
    """Retrieve a discarded job's error so asyncio does not log it as unhandled."""
    if not future.cancelled():
        future.exception()
