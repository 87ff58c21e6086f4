"""Assemble and run the glasses: models, core, voice stage, speech, link."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from glasses.config import GlassesConfig, sample_site
from glasses.events import EventLog
from glasses.link.discovery import KnownGateways
from glasses.link.manager import Identity, LinkManager
from glasses.procedures.library import Library
from glasses.runtime.core import GlassesCore
from glasses.runtime.speaker import TextSpeaker
from glasses.runtime.voice import PiperSpeaker, playback_listener, run_voice
from glasses.tts.config import SinkConfig, SinkKind
from protocol.audio import AudioChunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    audio: tuple[Path, ...] = ()
    """WAV files replayed as the microphone, in order; empty: the microphone."""
    speak: str = "speaker"
    """``speaker``, a ``.wav`` path, or ``off``."""
    gateway: str = "auto"
    events: str | None = None
    gap_s: float = 1.0
    """Silence between replayed files."""
    realtime: bool = False


def library_for(config: GlassesConfig) -> Library:
    site = Path(config.site_dir) if config.site_dir else sample_site()
    return Library.load(site)


def speech_sink(speak: str) -> SinkConfig:
    if speak == "off":
        return SinkConfig(kind=SinkKind.NULL)
    if speak.endswith(".wav"):
        return SinkConfig(kind=SinkKind.WAV, path=speak, keep_timing=True)
    return SinkConfig(kind=SinkKind.SPEAKER)


async def replay_file(path: Path, config: GlassesConfig, gap_s: float,
                      realtime: bool) -> AsyncIterator[AudioChunk]:  # fmt: skip
    """One file with silence around it, as the microphone would hear it."""
    import numpy as np

    from glasses.audio.sources import ReplaySource
    from glasses.audio.wav import load_pcm16, pcm_to_chunks

    samples = await asyncio.to_thread(load_pcm16, path)
    silence = np.zeros(int(16000 * gap_s), dtype=np.int16)
    pcm = np.concatenate([silence, samples, silence])
    async for chunk in ReplaySource(pcm_to_chunks(pcm, config.voice.replay.chunk_ms), realtime):
        yield chunk


async def run(config: GlassesConfig, options: RunOptions) -> EventLog:
    """Run until the audio ends (replay) or forever (microphone)."""
    from glasses.audio.pipeline import VoiceInput
    from glasses.intent.recognizer import IntentRecognizer
    from glasses.tts.speaker import Speaker

    events = EventLog(options.events)
    library = library_for(config)
    titles = [d.title for d in library.procedures]
    procs = [(d.id, d.title, d.keywords) for d in library.procedures]
    voice, recognizer = await asyncio.gather(
        asyncio.to_thread(VoiceInput.load, config.voice, titles),
        asyncio.to_thread(IntentRecognizer.load, config.intent, config.models.intent or None, procs),
    )
    core = GlassesCore(library, events, TextSpeaker(), config.device_id)
    core.state = replace(core.state, command_mode=config.command_mode)
    tts = None
    if options.speak != "off":
        tts = await asyncio.to_thread(
            Speaker.load, config.tts, config.player, speech_sink(options.speak),
            config.models.tts or None, playback_listener(core),
        )  # fmt: skip
        tts.start()
        core.speaker = PiperSpeaker(tts)
    link = None
    if options.gateway != "off":
        link_config = replace(config.link, gateway=options.gateway)
        link = LinkManager(
            link_config, Identity(config.device_id, config.device_name), core.resume_state,
            core.on_link_message, core.on_link_status,
            KnownGateways(config.data_dir / "known_gateways.json"),
        )  # fmt: skip
        core.attach_link(link)
        await link.start()
    core_task = asyncio.create_task(core.run(), name="core")
    events.emit("ready", procedures=len(library.procedures), gateway=options.gateway)
    try:
        if options.audio:
            # a technician waits for the reply before the next command: one file at a time
            for path in options.audio:
                events.emit("replay", file=path.name)
                source = replay_file(path, config, options.gap_s, options.realtime)
                await run_voice(voice, recognizer, core, source, config.command_mode)
                await core.settle(30.0)
        else:
            from glasses.audio.sources import MicrophoneSource

            await run_voice(voice, recognizer, core, MicrophoneSource(config.voice.mic),
                            config.command_mode)  # fmt: skip
        if tts is not None:
            await tts.wait_idle()
    finally:
        core_task.cancel()
        await asyncio.gather(core_task, return_exceptions=True)
        await core.close()
        if link is not None:
            await link.stop()
        if tts is not None:
            await tts.close()
        with contextlib.suppress(Exception):
            events.emit("stopped")
        events.close()
    return events
