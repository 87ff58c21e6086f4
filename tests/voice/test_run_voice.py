"""run_voice turns voice events into the core's events; woken-ness travels with the utterance."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from glasses.audio import events as vev
from glasses.config import sample_site
from glasses.events import EventLog
from glasses.intent.recognizer import IntentRecognizer
from glasses.procedures.library import Library
from glasses.runtime.core import GlassesCore
from glasses.runtime.speaker import TextSpeaker
from glasses.runtime.voice import run_voice


class ScriptedVoice:
    """Stands in for VoiceInput: yields a fixed list of events (no microphone here)."""

    def __init__(self, script: list[object]) -> None:
        self.script = script
        self.listens = 0

    def listen(self) -> None:
        self.listens += 1

    async def events(self, source: object) -> AsyncIterator[object]:
        for event in self.script:
            yield event


async def test_a_woken_command_survives_the_next_empty_capture_ending_first() -> None:
    """In command mode the next capture can end (nothing said) while the previous
    utterance is still being transcribed: its NoSpeech must not make that utterance
    count as unwoken."""
    library = Library.load(sample_site())
    events = EventLog()
    core = GlassesCore(library, events, TextSpeaker())
    task = asyncio.create_task(core.run())
    recognizer = IntentRecognizer.load(
        procedures=[(d.id, d.title, d.keywords) for d in library.procedures]
    )
    script = [
        vev.WakeDetected("hey_jarvis", 0.9, 1.0),
        vev.SpeechEnd(2.0, 1.5, "silence"),
        vev.NoSpeech(3.0, "stream_end", woken=False),
        vev.Transcript("What procedures are there?", 300.0, 1.5, 3.1, True, woken=True),
    ]
    try:
        await run_voice(ScriptedVoice(script), recognizer, core, source=None)  # type: ignore[arg-type]
        await core.settle()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await core.close()
    names = [
        (e["event"], e.get("name")) for e in events.events if e["event"] in ("intent", "ignored")
    ]
    assert names == [("intent", "list_procedures")]
