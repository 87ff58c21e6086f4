"""Audio streaming messages: a stream's format, its PCM chunks (binary frames), transcripts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from protocol import limits
from protocol.audio import AudioChunk, AudioFormat
from protocol.errors import FieldError
from protocol.messages_base import U32, Message, Text, Timestamp, message
from protocol.messages_checks import Len, OneOf

Rate = Annotated[int, OneOf(frozenset(limits.ALLOWED_RATES))]
Width = Annotated[int, OneOf(frozenset(limits.ALLOWED_WIDTHS))]
Channels = Annotated[int, OneOf(frozenset(limits.ALLOWED_CHANNELS))]
Pcm = Annotated[bytes, Len(0, limits.MAX_AUDIO_CHUNK_BYTES)]


@message("audio_start", sent_by="both")
@dataclass(frozen=True, slots=True)
class AudioStart(Message):
    """A PCM stream begins (glasses: microphone to the gateway's ASR; gateway: speech)."""

    stream_id: U32
    rate: Rate = 16000
    width: Width = 2
    channels: Channels = 1

    @property
    def format(self) -> AudioFormat:
        return AudioFormat(self.rate, self.width, self.channels)


@message("audio_chunk", sent_by="both", binary_kind=1)
@dataclass(frozen=True, slots=True)
class AudioChunkMessage(Message):
    """One slice of a stream's PCM (signed little-endian), carrying its own format."""

    stream_id: U32
    seq: U32
    """0, 1, 2, ... within the stream: the receiver spots gaps and reordering."""
    timestamp: Timestamp
    """Seconds since the stream started, of the first sample."""
    pcm: Pcm
    rate: Rate = 16000
    width: Width = 2
    channels: Channels = 1

    def validate(self) -> None:
        frame = self.width * self.channels
        if len(self.pcm) % frame:
            raise FieldError(
                f"audio_chunk.pcm: {len(self.pcm)} bytes is not a whole number of "
                f"{frame}-byte sample frames"
            )

    @property
    def chunk(self) -> AudioChunk:
        """The audio as the rest of the code handles it."""
        return AudioChunk(self.pcm, self.rate, self.width, self.channels, self.timestamp)

    @classmethod
    def from_chunk(cls, chunk: AudioChunk, stream_id: int, seq: int) -> AudioChunkMessage:
        return cls(
            stream_id, seq, chunk.timestamp, chunk.audio, chunk.rate, chunk.width, chunk.channels
        )


@message("audio_stop", sent_by="both")
@dataclass(frozen=True, slots=True)
class AudioStop(Message):
    """The stream ended; no chunk of it follows."""

    stream_id: U32


@message("transcript", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class Transcript(Message):
    """What the gateway's ASR heard on a stream; ``final`` once the utterance is done."""

    stream_id: U32
    text: Text
    final: bool = False
