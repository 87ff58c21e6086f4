"""The sound card as an audio sink (sounddevice OutputStream, blocking writes).

sounddevice (and so PortAudio) is imported only when a speaker sink is made; without
the library the error says how to install it or to write a WAV file instead.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from glasses.tts.sinks import SinkError
from protocol.audio import AudioChunk, AudioFormat

log = logging.getLogger(__name__)


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
