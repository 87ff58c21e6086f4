"""Waiting for the wake word: the speech gate, fan-noise suppression, the wake model.

The pipeline hands every frame heard while waiting to :meth:`WakeListener.push`
(with its speech decision). The gate decides what the wake model hears: nothing
in silence or steady noise, the pre-roll and then every frame while speech-like
audio lasts. :meth:`WakeListener.take` collects that audio per chunk, and
:meth:`WakeListener.score` (on the wake worker thread) cleans it of the noise
learnt from the pauses and scores it. The recent frames are kept so that the
wake phrase can be handed to the command capture.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from glasses.audio.config import VoiceConfig
from glasses.audio.denoise import NoiseProfile
from glasses.audio.denoise_stream import StreamingDenoiser
from glasses.audio.vad import FRAME_MS, Frame, SpeechDetector, SpeechGate
from glasses.audio.wake import WakeDetector, WakeHit


@dataclass(frozen=True)
class WakeAudio:
    """The gate's audio from one chunk: ``fresh`` when the gate has just opened."""

    pcm: bytes
    t_end: float
    fresh: bool


class WakeListener:
    """Gate + denoiser + wake model for one stream; not thread-safe (see :meth:`score`)."""

    def __init__(
        self,
        cfg: VoiceConfig,
        detector: SpeechDetector,
        noise: NoiseProfile,
        wake: WakeDetector | None,
    ) -> None:
        self.cfg = cfg
        self.gate = SpeechGate(cfg.gate, detector)
        self.wake = wake
        self._denoiser = StreamingDenoiser(noise) if cfg.denoise.wake else None
        keep = max(0, -(-cfg.endpoint.wake_preroll_ms // FRAME_MS))
        self._recent: deque[Frame] = deque(maxlen=keep)
        self._recent_speech: deque[bool] = deque(maxlen=keep)
        self._feed = bytearray()
        self._t_feed = 0.0
        self._fresh = False
        if wake is not None:
            wake.rearm()

    def push(self, frame: Frame, speech: bool) -> None:
        """One frame heard while waiting for the wake word."""
        self._recent.append(frame)
        self._recent_speech.append(speech)
        step = self.gate.step(frame, speech)
        if step.opened:
            self._fresh, self._feed = True, bytearray()
        if step.feed:
            self._feed += step.feed
            self._t_feed = frame.end

    def take(self) -> WakeAudio | None:
        """The audio the wake model should hear since the last call, if any."""
        if not self._feed or self.wake is None:
            self._feed, self._fresh = bytearray(), False
            return None
        audio = WakeAudio(bytes(self._feed), self._t_feed, self._fresh)
        self._feed, self._fresh = bytearray(), False
        return audio

    def score(self, audio: WakeAudio) -> WakeHit | None:
        """Worker thread: suppress the fan noise, then score; a fresh stretch (the gate just
        opened) restarts both, the denoiser with the noise heard before it."""
        assert self.wake is not None
        pcm = audio.pcm
        if self._denoiser is not None:
            if audio.fresh:
                self._denoiser.start()
            pcm = self._denoiser.process(pcm)
        if audio.fresh:
            return self.wake.start(pcm, audio.t_end)
        return self.wake.process(pcm, audio.t_end)

    def wake_phrase(self) -> tuple[Frame, ...]:
        """The recent frames since the last long pause: the wake phrase and what led into it."""
        frames = list(self._recent)
        quiet, start = 0, 0
        for i, (_frame, speech) in enumerate(zip(frames, self._recent_speech, strict=True)):
            quiet = 0 if speech else quiet + 1
            if quiet * FRAME_MS >= self.cfg.endpoint.silence_ms:
                start = i + 1
        return tuple(frames[start:])

    def reset(self) -> None:
        """Close the gate (a capture starts or ends); the next speech opens it afresh."""
        self.gate.reset()
        self._feed, self._fresh = bytearray(), False
