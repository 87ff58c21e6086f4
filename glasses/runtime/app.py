"""Assemble and run the glasses: models, core, voice stage, speech, link, outbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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
    """Silence around each replayed file."""
    realtime: bool = False
    camera: str = ""
    """Camera: a device index, a video file, an image folder or a still image; empty: none."""
    overlay_out: str = ""
    """Where the overlay goes: ``window``, an ``.mp4`` path or a folder of PNG frames."""


def library_for(config: GlassesConfig, pack: Any = None) -> Library:
    """The active knowledge pack's documents, else the configured (or sample) site."""
    if pack is not None:
        return Library(pack.documents, pack.registry)
    site = Path(config.site_dir) if config.site_dir else sample_site()
    return Library.load(site)


def trusted_pack_keys(config: GlassesConfig) -> tuple[Any, ...]:
    """Pack-signing keys: the configured ones and those learnt when pairing."""
    from glasses.pack import load_trusted_keys
    from glasses.pairing import load_pairings

    learnt = [p.pack_key for p in load_pairings(config.data_dir) if p.pack_key]
    return tuple(load_trusted_keys([*config.pack.trusted_keys, *learnt]))


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


class GlassesApp:
    """The running glasses; ``start``, then ``hear`` files or ``listen`` to the mic, ``stop``."""

    def __init__(self, config: GlassesConfig, options: RunOptions) -> None:
        self.config = config
        self.options = options
        from glasses.pack import PackStore

        self.events = EventLog(options.events)
        self.pack_keys = trusted_pack_keys(config)
        self.store = PackStore(config.pack.path(config.data_dir))
        self.library = library_for(config, self.store.load_active(self.pack_keys))
        self.core = GlassesCore(self.library, self.events, TextSpeaker(), config.device_id)
        self.core.state = replace(self.core.state, command_mode=config.command_mode)
        self.voice: Any = None
        self.recognizer: Any = None
        self.tts: Any = None
        self.link: LinkManager | None = None
        self._core_task: asyncio.Task[None] | None = None
        self.camera: Any = None
        self._reload: asyncio.Future[None] | None = None

    async def start(self) -> None:
        from glasses.audio.pipeline import VoiceInput
        from glasses.intent.recognizer import IntentRecognizer
        from glasses.outbox import Outbox

        config, options = self.config, self.options
        titles = [d.title for d in self.library.procedures]
        procs = [(d.id, d.title, d.keywords) for d in self.library.procedures]
        self.voice, self.recognizer = await asyncio.gather(
            asyncio.to_thread(VoiceInput.load, config.voice, titles),
            asyncio.to_thread(
                IntentRecognizer.load, config.intent, config.models.intent or None, procs
            ),
        )
        self.voice.asr.set_command_test(self.recognizer.is_command)
        self.core.outbox = await asyncio.to_thread(Outbox, config.outbox.file(config.data_dir))
        self.core.pack_version = self.store.active_version
        if options.speak != "off":
            self.tts = await asyncio.to_thread(self._load_speaker, speech_sink(options.speak))
            self.tts.start()
            self.core.speaker = PiperSpeaker(self.tts)
        self._core_task = asyncio.create_task(self.core.run(), name="core")
        if options.gateway != "off":
            link_config, identity = self._link_identity()
            self.link = LinkManager(
                replace(link_config, gateway=options.gateway), identity, self.core.resume_state,
                self.core.on_link_message, self.core.on_link_status,
                KnownGateways(config.data_dir / "known_gateways.json"),
            )  # fmt: skip
            self.core.attach_link(self.link)
            self.link.is_idle = self.core.is_idle
            self._start_pack_sync(self.link)
            await self.link.start()
        if options.camera:
            from glasses.pack.record import last_sync_time
            from glasses.runtime.camera_stage import CameraStage

            self.camera = CameraStage(
                self.core, options.camera, options.overlay_out or "out/overlay.mp4",
                config.overlay, lambda: last_sync_time(config.data_dir),
            )  # fmt: skip
            self.camera.start()
        self.events.emit("ready", procedures=len(self.library.procedures), gateway=options.gateway)

    def _start_pack_sync(self, link: LinkManager) -> None:
        from glasses.pack import PackClient

        self.core.pack_client = PackClient(
            self.store, self.pack_keys, link.send, queue_size=self.config.pack.queue_size,
            max_stalls=self.config.pack.max_stalls, on_result=self._on_pack_result,
        )  # fmt: skip

    def _on_pack_result(self, result: Any) -> None:
        from glasses.pack import SyncState

        self.events.emit("pack", state=result.state.value, version=result.version,
                         error=result.error)  # fmt: skip
        if result.state is SyncState.ACTIVATED:
            self._reload = asyncio.ensure_future(self._reload_pack())

    async def _reload_pack(self) -> None:
        loaded = await asyncio.to_thread(self.store.load_active, self.pack_keys)
        if loaded is None:
            return
        self.library = Library(loaded.documents, loaded.registry)
        self.core.set_library(self.library)
        if self.recognizer is not None:
            self.recognizer.set_procedures([(d.id, d.title, d.keywords)
                                            for d in self.library.procedures])  # fmt: skip
        self.events.emit("pack_active", version=loaded.version,
                         procedures=len(self.library.procedures))  # fmt: skip

    def _link_identity(self) -> tuple[Any, Identity]:
        """Pinned fingerprints and token from ``glasses pair``; unpaired glasses trust no
        gateway unless ``link.insecure`` is set (a lab)."""
        from glasses.pairing import link_identity, load_pairings

        config = self.config
        pairings = load_pairings(config.data_dir)
        identity = link_identity(config.device_id, config.device_name, pairings)
        if not pairings and not config.link.insecure:
            log.warning("not paired with any gateway: run 'glasses pair' (offline until then)")
            identity = replace(identity, pinned=frozenset())
        uris = (*config.link.uris, *(p.uri for p in pairings if p.uri not in config.link.uris))
        return replace(config.link, uris=uris), identity

    def _load_speaker(self, sink: SinkConfig) -> Any:
        from glasses.tts.speaker import Speaker

        c = self.config
        return Speaker.load(c.tts, c.player, sink, c.models.tts or None,
                            playback_listener(self.core))  # fmt: skip

    async def hear(self, path: Path) -> None:
        """Replay one file through the whole pipeline and wait for the reply to be decided."""
        self.events.emit("replay", file=path.name)
        source = replay_file(path, self.config, self.options.gap_s, self.options.realtime)
        await run_voice(self.voice, self.recognizer, self.core, source, self.config.command_mode,
                        self.config.models.wake)  # fmt: skip
        await self.core.settle(60.0)

    async def listen(self) -> None:
        from glasses.audio.sources import MicrophoneSource

        await run_voice(self.voice, self.recognizer, self.core,
                        MicrophoneSource(self.config.voice.mic), self.config.command_mode,
                        self.config.models.wake)  # fmt: skip

    async def stop(self) -> None:
        if self.tts is not None:
            await self.tts.wait_idle()
        if self.camera is not None:
            await self.camera.stop()
        if self._core_task is not None:
            self._core_task.cancel()
            await asyncio.gather(self._core_task, return_exceptions=True)
        await self.core.close()
        if self.link is not None:
            await self.link.stop()
        if self.core.pack_client is not None:
            await self.core.pack_client.close()
        if self.tts is not None:
            await self.tts.close()
        if self.core.outbox is not None:
            self.core.outbox.close()
        self.events.emit("stopped")
        self.events.close()


async def run(config: GlassesConfig, options: RunOptions) -> EventLog:
    """Run until the audio ends (replay) or until cancelled (microphone)."""
    app = GlassesApp(config, options)
    await app.start()
    try:
        if options.audio:
            for path in options.audio:  # a technician waits for the reply each time
                await app.hear(path)
        else:
            await app.listen()
    finally:
        await app.stop()
    return app.events
