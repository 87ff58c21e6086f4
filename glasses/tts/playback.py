"""What the player reports, and how audio is cut into playback blocks."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from protocol.audio import AudioChunk


class PlaybackKind(enum.StrEnum):
    STARTED = "speech_started"
    FINISHED = "speech_finished"
    CUT = "speech_cut"


@dataclass(frozen=True)
class PlaybackEvent:
    """``t``: clock time of the first sample heard (STARTED), the end (FINISHED) or the cut."""

    kind: PlaybackKind
    utterance_id: int
    t: float
    samples: int = 0
    """Samples handed to the sink so far."""
    error: str = ""


def blocks_of(chunk: AudioChunk, block_ms: int) -> list[AudioChunk]:
    """``chunk`` cut into blocks of ``block_ms`` (the last may be shorter)."""
    size = max(1, chunk.rate * block_ms // 1000) * chunk.width * chunk.channels
    frame = chunk.width * chunk.channels
    out = []
    for offset in range(0, len(chunk.audio), size):
        ts = chunk.timestamp + offset // frame / chunk.rate
        out.append(
            AudioChunk(
                chunk.audio[offset : offset + size], chunk.rate, chunk.width, chunk.channels, ts
            )
        )
    return out
