"""Where speech goes: one interface for the speaker, a WAV file, nothing, or a recorder.

The :class:`~glasses.tts.player.Player` calls ``begin`` before an utterance's first
block, ``write`` per block, ``end`` after its last block and ``abort`` on a cut.
Sinks with ``blocking = True`` (the sound card) are called from the player's own
thread and pace playback themselves; the others are called on the event loop and
the player paces them.
"""

from __future__ import annotations

import logging
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from glasses.tts.config import SinkConfig, SinkKind
from protocol.audio import AudioChunk, AudioFormat

log = logging.getLogger(__name__)


class SinkError(RuntimeError):
    """An audio sink cannot be opened or was given audio it cannot take."""


class AudioSink(Protocol):
    blocking: bool
    """True when ``write`` blocks until the audio can be buffered (a sound card)."""

    @property
    def latency(self) -> float:
        """Seconds from ``write`` until the sound is heard."""

    def begin(self, fmt: AudioFormat) -> None: ...
    def write(self, block: AudioChunk) -> None: ...
    def end(self) -> None:
        """After an utterance's last block: for a speaker, wait until it has been heard."""

    def abort(self) -> None:
        """Drop what is buffered now; safe to call from any thread during ``write``."""

    def close(self) -> None: ...


class NullSink:
    """Speech off: audio is discarded."""

    blocking = False
    latency = 0.0

    def begin(self, fmt: AudioFormat) -> None:
        pass

    def write(self, block: AudioChunk) -> None:
        pass

    def end(self) -> None:
        pass

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class SinkRecord:
    """What a :class:`RecordingSink` saw: ``kind`` is begin, write, end or abort."""

    kind: str
    t: float
    chunk: AudioChunk | None = None


@dataclass
class RecordingSink:
    """Keeps every call with its time, for tests."""

    clock: Callable[[], float] = time.monotonic
    records: list[SinkRecord] = field(default_factory=list)
    blocking = False
    latency = 0.0
    closed: bool = False

    def begin(self, fmt: AudioFormat) -> None:
        self.records.append(SinkRecord("begin", self.clock()))

    def write(self, block: AudioChunk) -> None:
        self.records.append(SinkRecord("write", self.clock(), block))

    def end(self) -> None:
        self.records.append(SinkRecord("end", self.clock()))

    def abort(self) -> None:
        self.records.append(SinkRecord("abort", self.clock()))

    def close(self) -> None:
        self.closed = True

    @property
    def blocks(self) -> list[AudioChunk]:
        return [r.chunk for r in self.records if r.chunk is not None]

    @property
    def audio(self) -> bytes:
        return b"".join(b.audio for b in self.blocks)

    def kinds(self) -> list[str]:
        return [r.kind for r in self.records]


class WavSink:
    """Appends every utterance to one WAV file (the first utterance fixes its format).

    With ``keep_timing`` the silence between utterances is written too, so the file
    plays back like the session sounded.
    """

    blocking = False
    latency = 0.0

    def __init__(
        self,
        path: str | Path,
        keep_timing: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.keep_timing = keep_timing
        self._clock = clock
        self._wav: wave.Wave_write | None = None
        self._handle: BinaryIO | None = None
        self._format: AudioFormat | None = None
        self._last_end: float | None = None

    def begin(self, fmt: AudioFormat) -> None:
        if self._wav is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._handle = self.path.open("wb")
            except OSError as exc:
                raise SinkError(f"cannot write WAV file {self.path}: {exc}") from exc
            self._wav = wave.open(self._handle, "wb")
            self._wav.setnchannels(fmt.channels)
            self._wav.setsampwidth(fmt.width)
            self._wav.setframerate(fmt.rate)
            self._format = fmt
        elif fmt != self._format:
            raise SinkError(f"WAV file {self.path} is {self._format}; cannot append {fmt}")
        if self.keep_timing and self._last_end is not None:
            gap = max(0.0, self._clock() - self._last_end)
            self._wav.writeframes(bytes(int(gap * fmt.rate) * fmt.frame_bytes))

    def write(self, block: AudioChunk) -> None:
        if self._wav is None:
            raise SinkError("WavSink.write before begin")
        self._wav.writeframes(block.audio)

    def end(self) -> None:
        self._last_end = self._clock()

    def abort(self) -> None:
        self._last_end = self._clock()

    def close(self) -> None:
        if self._wav is not None:
            self._wav.close()  # wave leaves a file object it was given open
            self._wav = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def open_sink(config: SinkConfig, clock: Callable[[], float] = time.monotonic) -> AudioSink:
    """The sink ``config`` names (the speaker's sounddevice is imported only for it)."""
    if config.kind is SinkKind.SPEAKER:
        from glasses.tts.speaker_sink import SpeakerSink

        return SpeakerSink(config.device, config.latency)
    if config.kind is SinkKind.WAV:
        return WavSink(config.path, config.keep_timing, clock)
    return NullSink()


def parse_sink(spec: str) -> SinkConfig:
    """A CLI spelling: ``speaker``, ``speaker:DEVICE``, ``wav:PATH``, ``null`` or ``off``."""
    kind, _, arg = spec.partition(":")
    if kind == "speaker":
        return SinkConfig(SinkKind.SPEAKER, device=arg)
    if kind == "wav" and arg:
        return SinkConfig(SinkKind.WAV, path=arg)
    if kind in ("null", "off", "none") and not arg:
        return SinkConfig(SinkKind.NULL)
    raise SinkError(f"unknown speech output {spec!r}: use speaker[:DEVICE], wav:PATH or off")
