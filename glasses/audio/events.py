"""Events of the voice-input stage. All times are stream seconds (chunk timestamps)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WakeDetected:
    """The wake word was heard."""

    model: str
    score: float
    t: float


@dataclass(frozen=True)
class SpeechStart:
    """The user started speaking (time of the first speech frame)."""

    t: float


@dataclass(frozen=True)
class SpeechEnd:
    """The endpoint was confirmed at ``t``; the last speech ended at ``t_end_of_speech``."""

    t: float
    t_end_of_speech: float
    reason: str = "silence"
    """``silence`` (the configured pause was heard) or ``max_length``."""


@dataclass(frozen=True)
class Transcript:
    """What was said.

    ``t_final`` is the stream time at which the text was ready: the end of the
    newest chunk received plus the wall time since it arrived, so with a real-time
    source ``t_final - t_end_of_speech`` is the user's wait. ``speculative`` says
    whether the result came from ASR started before the endpoint was confirmed.
    ``woken``: the utterance followed the wake word (heard before or during the
    capture), not a capture opened by ``listen()`` alone.
    """

    text: str
    asr_ms: float
    t_end_of_speech: float
    t_final: float
    speculative: bool = False
    woken: bool = False


@dataclass(frozen=True)
class NoSpeech:
    """Listening ended without usable speech: ``timeout`` (nobody spoke) or ``rejected``
    (what was heard was noise by the ASR guard). ``woken`` as in :class:`Transcript`."""

    t: float
    reason: str
    woken: bool = False


VoiceEvent = WakeDetected | SpeechStart | SpeechEnd | Transcript | NoSpeech
