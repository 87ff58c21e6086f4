"""Where speech goes: one interface for the speaker, a WAV file, nothing, or a recorder.

The :class:`~glasses.tts.player.Player` calls ``begin`` before an utterance's first
block, ``write`` per block, ``end`` after its last block and ``abort`` on a cut.
Sinks with ``blocking = True`` (the sound card) are called from the player's own
thread and pace playback themselves; the others are called on the event loop and
the player paces them.
"""

from __future__ import annotations

import logging
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

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


def import_sounddevice() -> Any:
    """The sounddevice module, or a :class:`SinkError` that says how to get sound out."""
    try:
        import sounddevice
    except OSError as exc:  # libportaudio is missing
        raise SinkError(
            "the speaker needs the PortAudio library: install it (Debian/Ubuntu: apt-get "
            f"install libportaudio2) or write speech to a WAV file instead ({exc})"
        ) from None
    except ImportError as exc:
        raise SinkError(
            "the speaker needs the 'sounddevice' package (pip install sounddevice)"
        ) from exc
    return sounddevice


class SpeakerSink:
    """The sound card through a sounddevice OutputStream in blocking-write mode."""

    blocking = True

    def __init__(self, device: str = "", latency: str = "low", sounddevice: Any = None) -> None:
        """``sounddevice`` may be injected (a fake in tests); otherwise imported now."""
        self._sd = sounddevice if sounddevice is not None else import_sounddevice()
        self._device: int | str | None = int(device) if device.isdigit() else (device or None)
        self._latency: float | str = (
            float(latency) if latency.replace(".", "", 1).isdigit() else latency
        )
        self._stream: Any = None
        self._format: AudioFormat | None = None
        self._aborted = threading.Event()

    @property
    def latency(self) -> float:
        return float(self._stream.latency) if self._stream is not None else 0.0

    def begin(self, fmt: AudioFormat) -> None:
        if self._stream is not None and fmt != self._format:
            self.close()
        if self._stream is None:
            try:
                self._stream = self._sd.OutputStream(
                    samplerate=fmt.rate,
                    channels=fmt.channels,
                    dtype="int16",
                    device=self._device,
                    latency=self._latency,
                )
            except Exception as exc:  # PortAudioError, ValueError for a bad device
                raise SinkError(
                    f"cannot open the speaker ({self._device or 'default device'}): {exc}; "
                    "write speech to a WAV file instead (wav:PATH)"
                ) from exc
            self._format = fmt
        self._aborted.clear()
        if not self._stream.active:
            self._stream.start()

    def write(self, block: AudioChunk) -> None:
        if self._aborted.is_set() or self._stream is None:
            return
        import numpy as np

        frames = np.frombuffer(block.audio, dtype="<i2").reshape(-1, block.channels)
        try:
            self._stream.write(frames)
        except Exception as exc:  # the stream was aborted under us, or the device vanished
            if not self._aborted.is_set():
                raise SinkError(f"speaker write failed: {exc}") from exc

    def end(self) -> None:
        if self._stream is not None and self._stream.active and not self._aborted.is_set():
            self._stream.stop()  # returns once the buffered audio has played

    def abort(self) -> None:
        self._aborted.set()
        if self._stream is not None:
            try:
                self._stream.abort()
            except Exception:  # already stopped or closed
                log.debug("speaker abort failed", exc_info=True)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def open_sink(config: SinkConfig, clock: Callable[[], float] = time.monotonic) -> AudioSink:
    """The sink ``config`` names."""
    if config.kind is SinkKind.SPEAKER:
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
