"""Utterance endpointing over 30 ms frames (sans-I/O).

Feed frames with their speech decision; get events back: speech started, a
pause long enough to transcribe speculatively, speech resumed after such a
pause, the utterance ended (silence reached or too long), or no speech at all.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from glasses.audio.config import EndpointConfig
from glasses.audio.vad import FRAME_MS, Frame

_FRAME_S = FRAME_MS / 1000


class EpKind(enum.Enum):
    SPEECH_START = "speech_start"
    SPECULATE = "speculate"
    RESUMED = "resumed"
    END = "end"
    NO_SPEECH = "no_speech"


class EpState(enum.Enum):
    IDLE = "idle"
    WAITING = "waiting"
    SPEECH = "speech"


@dataclass(frozen=True)
class EpEvent:
    """``t`` is the stream time of the event; for SPECULATE/END also ``t_speech_end``."""

    kind: EpKind
    t: float
    t_speech_end: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class Utterance:
    """Audio of one utterance; ``key`` is equal for two takes of identical audio."""

    pcm: bytes
    key: tuple[int, int]
    t_start: float


def _frames(ms: int) -> int:
    return max(0, -(-ms // FRAME_MS))


class Endpointer:
    """Tracks one utterance at a time; ``start`` arms it, END/NO_SPEECH disarm it."""

    def __init__(self, cfg: EndpointConfig) -> None:
        self.cfg = cfg
        self.state = EpState.IDLE
        self._pre: deque[Frame] = deque(maxlen=max(1, _frames(cfg.preroll_ms)))
        self._frames: list[Frame] = []
        self._run = 0
        self._t_listen = 0.0
        self._last_speech_idx = -1
        self._silence = 0
        self._speculated = False
        self._since: list[Frame] = []
        self._prefix: tuple[Frame, ...] = ()
        self.joined_prefix = False
        """Whether the current utterance starts with the wake phrase's audio."""

    def start(self, t: float, prefix: Sequence[Frame] = ()) -> None:
        """Listen for an utterance from stream time ``t``.

        ``prefix`` (the wake phrase just heard) is put in front of the utterance if
        speech goes on within ``prefix_join_ms``: Whisper hears "hey jarvis, what's
        the ..." whole instead of a clipped "...at's the", and the pipeline strips
        the wake phrase from the text.
        """
        self.state = EpState.WAITING
        self._pre = deque(maxlen=_frames(self.cfg.preroll_ms) + max(1, self.cfg.start_frames))
        self._since = []
        self._prefix = tuple(prefix)
        self.joined_prefix = False
        self._frames = []
        self._run = 0
        self._t_listen = t
        self._last_speech_idx = -1
        self._silence = 0
        self._speculated = False

    def stop(self) -> None:
        self.state = EpState.IDLE
        self._frames = []

    def push(self, frame: Frame, speech: bool) -> list[EpEvent]:
        if self.state is EpState.WAITING:
            return self._waiting(frame, speech)
        if self.state is EpState.SPEECH:
            return self._speaking(frame, speech)
        return []

    def _waiting(self, frame: Frame, speech: bool) -> list[EpEvent]:
        self._pre.append(frame)
        self._since.append(frame)
        self._run = self._run + 1 if speech else 0
        if self._run >= self.cfg.start_frames:
            t_start = self._since[-self._run].t
            if self._prefix and t_start - self._t_listen <= self.cfg.prefix_join_ms / 1000:
                self._frames = [*self._prefix, *self._since]
                self.joined_prefix = True
            else:
                self._frames = list(self._pre)[-(self._run + _frames(self.cfg.preroll_ms)) :]
            self._since = []
            self._last_speech_idx = len(self._frames) - 1
            self.state = EpState.SPEECH
            return [EpEvent(EpKind.SPEECH_START, t_start)]
        if frame.end - self._t_listen >= self.cfg.no_speech_timeout_ms / 1000:
            self.stop()
            return [EpEvent(EpKind.NO_SPEECH, frame.end, reason="timeout")]
        return []

    def _speaking(self, frame: Frame, speech: bool) -> list[EpEvent]:
        self._frames.append(frame)
        events: list[EpEvent] = []
        if speech:
            self._last_speech_idx = len(self._frames) - 1
            self._silence = 0
            if self._speculated:
                self._speculated = False
                events.append(EpEvent(EpKind.RESUMED, frame.end))
        else:
            self._silence += 1
        t_end = self._frames[self._last_speech_idx].end
        spec = self.cfg.speculative_ms
        if spec > 0 and not self._speculated and self._silence * FRAME_MS >= spec:
            if self._silence * FRAME_MS < self.cfg.silence_ms:
                self._speculated = True
                events.append(EpEvent(EpKind.SPECULATE, frame.end, t_end))
        too_long = frame.end - self._frames[0].t >= self.cfg.max_utterance_ms / 1000
        if self._silence * FRAME_MS >= self.cfg.silence_ms or too_long:
            reason = "max_length" if too_long and self._silence == 0 else "silence"
            self.state = EpState.IDLE
            events.append(EpEvent(EpKind.END, frame.end, t_end, reason))
        return events

    @property
    def t_last_speech(self) -> float:
        """Stream time at which the last speech frame of the utterance ended."""
        if 0 <= self._last_speech_idx < len(self._frames):
            return self._frames[self._last_speech_idx].end
        return self._t_listen

    def utterance(self) -> Utterance:
        """The utterance so far: pre-roll, speech, and up to ``tail_ms`` after it."""
        tail = _frames(self.cfg.tail_ms)
        if self.cfg.speculative_ms > 0:  # a speculative take must equal the final one
            tail = min(tail, self.cfg.speculative_ms // FRAME_MS)
        end = min(len(self._frames), self._last_speech_idx + 1 + tail)
        frames = self._frames[:end]
        t0 = frames[0].t if frames else self._t_listen
        return Utterance(b"".join(f.pcm for f in frames), (self._last_speech_idx, end), t0)
