"""PCM audio chunks that carry their own format (rate, width, channels, timestamp)."""

from __future__ import annotations

from dataclasses import dataclass

ALLOWED_RATES: frozenset[int] = frozenset({8000, 16000, 22050, 24000, 44100, 48000})
ALLOWED_WIDTHS: frozenset[int] = frozenset({2})
ALLOWED_CHANNELS: frozenset[int] = frozenset({1, 2})


@dataclass(frozen=True)
class AudioFormat:
    """Signed little-endian PCM: samples per second, bytes per sample, channels."""

    rate: int = 16000
    width: int = 2
    channels: int = 1

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.width * self.channels

    @property
    def frame_bytes(self) -> int:
        """Bytes of one sample across all channels."""
        return self.width * self.channels


@dataclass(frozen=True)
class AudioChunk:
    """A slice of PCM audio. ``timestamp`` is seconds since the stream started."""

    audio: bytes
    rate: int = 16000
    width: int = 2
    channels: int = 1
    timestamp: float = 0.0

    @property
    def format(self) -> AudioFormat:
        return AudioFormat(self.rate, self.width, self.channels)

    @property
    def samples(self) -> int:
        """Samples per channel."""
        return len(self.audio) // (self.width * self.channels)

    @property
    def seconds(self) -> float:
        return self.samples / self.rate

    @property
    def end(self) -> float:
        """Timestamp just after the last sample."""
        return self.timestamp + self.seconds
