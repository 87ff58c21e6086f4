"""Speech detection on 30 ms frames: webrtcvad behind a noise-floor tracker.

Steady fan noise fools webrtcvad now and then, so a frame counts as speech only
when it is also clearly louder (after pre-emphasis, which discounts the fans'
low-frequency rumble) than the tracked noise floor. The floor check runs first
and is cheap, so in a quiet or steadily noisy room webrtcvad is rarely called.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from glasses.audio.config import GateConfig
from protocol.audio import AudioChunk

FRAME_MS = 30
RATE = 16000
FRAME_SAMPLES = RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * 2


class AudioFormatError(ValueError):
    """A chunk is not 16 kHz mono 16-bit audio."""


@dataclass(frozen=True)
class Frame:
    """30 ms of 16 kHz mono int16 audio starting at ``t`` (stream seconds)."""

    pcm: bytes
    t: float

    @property
    def end(self) -> float:
        return self.t + FRAME_MS / 1000


class Framer:
    """Re-slices chunks of any length into 30 ms frames, keeping stream time."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._t: float | None = None

    def push(self, chunk: AudioChunk) -> Iterator[Frame]:
        if chunk.rate != RATE or chunk.width != 2 or chunk.channels != 1:
            raise AudioFormatError(
                f"expected 16 kHz mono 16-bit audio, got {chunk.rate} Hz, "
                f"{chunk.width * 8}-bit, {chunk.channels} channel(s)"
            )
        if self._t is None or not self._buf:
            self._t = chunk.timestamp - len(self._buf) / 2 / RATE
        self._buf.extend(chunk.audio)
        while len(self._buf) >= FRAME_BYTES:
            pcm = bytes(self._buf[:FRAME_BYTES])
            del self._buf[:FRAME_BYTES]
            frame = Frame(pcm, self._t)
            self._t += FRAME_MS / 1000
            yield frame


def level_db(pcm: bytes) -> float:
    """Pre-emphasised RMS level of a frame in dBFS."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    y = x[1:] - 0.95 * x[:-1]
    power = float(np.dot(y, y)) / max(1, len(y)) / (32768.0**2)
    return 10.0 * float(np.log10(power + 1e-12))


class NoiseFloor:
    """Follows the quietest recent level: drops at once, climbs slowly."""

    def __init__(self, rise_db_per_s: float) -> None:
        self._rise = rise_db_per_s * FRAME_MS / 1000
        self.floor: float | None = None

    def update(self, level: float) -> float:
        if self.floor is None or level < self.floor:
            self.floor = level
        else:
            self.floor = min(level, self.floor + self._rise)
        return self.floor


class SpeechDetector:
    """Per-frame speech decision: above the noise floor by a margin, then webrtcvad."""

    def __init__(
        self,
        aggressiveness: int = 3,
        margin_db: float = 7.0,
        min_level_dbfs: float = -55.0,
        rise_db_per_s: float = 3.0,
    ) -> None:
        import webrtcvad

        if not 0 <= aggressiveness <= 3:
            raise ValueError(f"vad aggressiveness must be 0..3, got {aggressiveness}")
        self._webrtcvad = webrtcvad
        self._aggressiveness = aggressiveness
        self._vads: dict[int, object] = {aggressiveness: webrtcvad.Vad(aggressiveness)}
        self._margin = margin_db
        self._min_level = min_level_dbfs
        self.noise = NoiseFloor(rise_db_per_s)
        self.vad_calls = 0

    @classmethod
    def from_gate(cls, cfg: GateConfig) -> SpeechDetector:
        return cls(
            cfg.vad_aggressiveness, cfg.margin_db, cfg.min_level_dbfs, cfg.floor_rise_db_per_s
        )

    def is_speech(
        self, frame: Frame, aggressiveness: int | None = None, margin_db: float | None = None
    ) -> bool:
        """Call once per frame (it advances the noise floor); ``aggressiveness``
        picks another webrtcvad mode and ``margin_db`` another margin for this frame."""
        level = level_db(frame.pcm)
        floor = self.noise.update(level)
        margin = self._margin if margin_db is None else margin_db
        if level < self._min_level or level < floor + margin:
            return False
        self.vad_calls += 1
        mode = self._aggressiveness if aggressiveness is None else aggressiveness
        vad = self._vads.get(mode)
        if vad is None:
            if not 0 <= mode <= 3:
                raise ValueError(f"vad aggressiveness must be 0..3, got {mode}")
            vad = self._vads[mode] = self._webrtcvad.Vad(mode)
        return bool(vad.is_speech(frame.pcm, RATE))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GateStep:
    """What the gate did with one frame. ``feed`` is audio for the wake model."""

    open: bool
    opened: bool
    closed: bool
    feed: bytes


class SpeechGate:
    """Opens when speech-like audio starts, closes after a hangover of non-speech.

    While closed it keeps ``preroll_ms`` of audio; on opening, that audio is handed
    out (in ``feed``) so the wake model hears the start of the wake word.
    """

    def __init__(self, cfg: GateConfig, detector: SpeechDetector | None = None) -> None:
        self.cfg = cfg
        self.detector = detector or SpeechDetector.from_gate(cfg)
        self._recent: deque[bool] = deque(maxlen=max(1, cfg.open_window))
        self._preroll: deque[bytes] = deque(maxlen=max(1, cfg.preroll_ms // FRAME_MS))
        self._last_speech = float("-inf")
        self.is_open = False
        self.open_seconds = 0.0

    def reset(self) -> None:
        """Close the gate and forget the pre-roll (e.g. while a command is captured)."""
        self._recent.clear()
        self._preroll.clear()
        self.is_open = False

    def step(self, frame: Frame, speech: bool | None = None) -> GateStep:
        """Advance by one frame; ``speech`` may be given if already decided."""
        is_speech = self.detector.is_speech(frame) if speech is None else speech
        self._recent.append(is_speech)
        if is_speech:
            self._last_speech = frame.end
        if not self.is_open:
            self._preroll.append(frame.pcm)
            if sum(self._recent) >= self.cfg.open_frames:
                self.is_open = True
                feed = b"".join(self._preroll)
                self._preroll.clear()
                return GateStep(True, True, False, feed)
            return GateStep(False, False, False, b"")
        self.open_seconds += FRAME_MS / 1000
        if frame.end - self._last_speech > self.cfg.hangover_ms / 1000:
            self.is_open = False
            self._recent.clear()
            return GateStep(False, False, True, frame.pcm)
        return GateStep(True, False, False, frame.pcm)
