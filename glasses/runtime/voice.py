"""The voice stage: audio events in, state-machine events out (wake, intents)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, Sequence

from glasses.audio import events as vev
from glasses.audio.pipeline import VoiceInput
from glasses.audio.textnorm import strip_wake_phrase
from glasses.intent.recognizer import IntentRecognizer
from glasses.machine.events import (
    IntentRecognized,
    NothingHeard,
    SpeechFinished,
    SpeechStarted,
    WakeHeard,
)
from glasses.runtime.core import GlassesCore
from glasses.tts.playback import PlaybackEvent, PlaybackKind
from protocol.audio import AudioChunk

log = logging.getLogger(__name__)


class PiperSpeaker:
    """The TTS speaker behind the core's Speaker interface."""

    def __init__(self, speaker: object) -> None:
        self._speaker = speaker

    async def say(self, text: str, interrupt: bool = False) -> None:
        if interrupt:
            self._speaker.cancel()  # type: ignore[attr-defined]
        self._speaker.say(text)  # type: ignore[attr-defined]

    async def stop(self) -> None:
        self._speaker.cancel()  # type: ignore[attr-defined]

    def prefetch(self, texts: Sequence[str]) -> None:
        self._speaker.prefetch(texts)  # type: ignore[attr-defined]


def playback_listener(core: GlassesCore):  # type: ignore[no-untyped-def]
    """Turn the player's events into state-machine events and event-log lines."""

    def on_event(event: PlaybackEvent) -> None:
        if event.kind is PlaybackKind.STARTED:
            core.events.emit("speech_started", utterance=event.utterance_id)
            core.post(SpeechStarted(event.utterance_id))
        else:
            cut = event.kind is PlaybackKind.CUT
            core.events.emit("speech_finished", utterance=event.utterance_id, cut=cut)
            core.post(SpeechFinished(event.utterance_id, cut))

    return on_event


async def run_voice(
    voice: VoiceInput,
    recognizer: IntentRecognizer,
    core: GlassesCore,
    source: AsyncIterable[AudioChunk],
    command_mode: bool = True,
    wake_model: str = "hey_jarvis",
) -> None:
    """Consume one audio source through wake → endpoint → ASR → intent → the core.

    Whether an utterance followed the wake word comes with its transcript (or its
    NoSpeech), not from the order of events: the next capture may end before the ASR
    of the previous one does."""
    async for event in voice.events(source):
        if isinstance(event, vev.WakeDetected):
            core.post(WakeHeard(event.model, event.score))
        elif isinstance(event, vev.SpeechEnd):
            core.events.emit("speech_end", stream_t=round(event.t_end_of_speech, 3))
        elif isinstance(event, vev.Transcript):
            core.events.emit("transcript", text=event.text, asr_ms=round(event.asr_ms, 1),
                             speculative=event.speculative)  # fmt: skip
            text, woken = event.text, event.woken
            if not woken:  # a command-mode capture that began with the wake phrase
                stripped = strip_wake_phrase(text, wake_model, max_words=len(wake_model.split("_")))
                woken, text = (True, stripped) if stripped != text.strip() else (False, text)
            result = await asyncio.to_thread(recognizer.recognize, text, strict=not woken)
            core.post(IntentRecognized(
                text, result.intent.value, dict(result.slots), result.confidence,
                result.source.value, woken,
            ))  # fmt: skip
        elif isinstance(event, vev.NoSpeech) and event.woken:
            core.post(NothingHeard())
        await core.settle()
        if command_mode and core.state.run is not None and core.state.command_mode:
            voice.listen()
