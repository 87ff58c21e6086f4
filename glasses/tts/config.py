"""Settings of speech output: the voice, the player and the audio sink."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class TtsConfig:
    """Piper synthesis (the voice file is ``models.tts``)."""

    speed: float = 1.0
    """Speaking rate: 1.0 is the voice's own pace, 1.2 is 20 % faster (length_scale 1/speed)."""
    volume: float = 1.0
    """Loudness multiplier of the peak-normalised voice, 0.0 (silent) to 1.0 (full scale)."""
    sentence_silence_s: float = 0.12
    """Pause added after each sentence."""
    cache_sentences: int = 128
    """Synthesised sentences kept (LRU), so repeated and prefetched phrases start at once."""
    prefetch_texts: int = 4
    """Texts waiting to be prefetched; a newer request pushes out the oldest."""
    max_sentence_chars: int = 100
    """Longer sentences are split at a comma or semicolon, so the first audio comes sooner
    and Piper's working memory stays small (a 143-character step sentence peaked at
    +195 MB whole, +152 MB in two pieces; the glasses' peak RSS went from 607-613 MB at
    180 to 578-580 MB at 100)."""

    def __post_init__(self) -> None:
        if not 0.25 <= self.speed <= 4.0:
            raise ValueError(f"tts.speed must be within 0.25..4, got {self.speed}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"tts.volume must be within 0..1, got {self.volume}")
        if self.sentence_silence_s < 0 or self.cache_sentences < 0 or self.prefetch_texts < 0:
            raise ValueError("tts.sentence_silence_s, cache_sentences, prefetch_texts must be >= 0")
        if self.max_sentence_chars < 20:
            raise ValueError(f"tts.max_sentence_chars must be >= 20, got {self.max_sentence_chars}")


@dataclass(frozen=True)
class PlayerConfig:
    """How synthesised audio is played."""

    block_ms: int = 30
    """Audio is written to the sink in blocks of this length; a cut takes effect between blocks."""
    queue_blocks: int = 64
    """Blocks buffered between synthesis and playback (64 x 30 ms: about 2 s)."""
    queue_utterances: int = 8
    """Utterances waiting to be played; saying more while the queue is full raises."""
    realtime: bool = True
    """Pace sinks that do not block (WAV file, null, recording) at playback speed, as a
    speaker would; False renders as fast as synthesis allows."""
    lead_ms: int = 60
    """How far ahead of real time a paced sink may be written."""

    def __post_init__(self) -> None:
        if not 5 <= self.block_ms <= 200:
            raise ValueError(f"player.block_ms must be within 5..200, got {self.block_ms}")
        if self.queue_blocks < 1 or self.queue_utterances < 1 or self.lead_ms < 0:
            raise ValueError("player.queue_blocks and queue_utterances must be >= 1, lead_ms >= 0")


class SinkKind(enum.StrEnum):
    SPEAKER = "speaker"
    WAV = "wav"
    NULL = "null"


@dataclass(frozen=True)
class SinkConfig:
    """Where speech goes."""

    kind: SinkKind = SinkKind.SPEAKER
    """speaker (sound card via sounddevice), wav (a file) or null (off)."""
    path: str = "out/speech.wav"
    """The WAV file for kind = wav; every utterance is appended to it."""
    keep_timing: bool = False
    """WAV: insert the silence between utterances so the file follows the session's timeline."""
    device: str = ""
    """Speaker: output device name or index as sounddevice knows it; empty is the default."""
    latency: str = "low"
    """Speaker: PortAudio latency hint ("low", "high" or seconds)."""
