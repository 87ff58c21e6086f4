"""The glasses' voice: a TTS engine and a player behind three calls (say, cancel, prefetch)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Protocol

from glasses.tts.config import PlayerConfig, SinkConfig, TtsConfig
from glasses.tts.playback import PlaybackEvent
from glasses.tts.player import Player
from glasses.tts.sinks import open_sink
from protocol.audio import AudioChunk


class Synthesizer(Protocol):
    """What the speaker needs from a TTS engine (:class:`glasses.tts.engine.PiperTts`)."""

    rate: int

    def stream(self, text: str) -> AsyncIterator[AudioChunk]: ...
    def prefetch(self, texts: Iterable[str]) -> None: ...
    def close(self) -> None: ...


class Speaker:
    """Speaks texts in order; ``cancel`` cuts the current one and the queued ones at once.

    Events (started / finished / cut, with times) go to ``on_event``.
    """

    def __init__(self, tts: Synthesizer, player: Player) -> None:
        self.tts = tts
        self.player = player
        self._ids = itertools.count(1)

    @classmethod
    def load(
        cls,
        tts: TtsConfig | None = None,
        player: PlayerConfig | None = None,
        sink: SinkConfig | None = None,
        model: str | Path | None = None,
        on_event: Callable[[PlaybackEvent], None] | None = None,
    ) -> Speaker:
        """Load the Piper voice (``model`` or the bundled one) and open the sink (blocking)."""
        from glasses.tts.engine import PiperTts

        voice = PiperTts.load(tts, model)
        return cls(voice, Player(open_sink(sink or SinkConfig()), player, on_event))

    def start(self) -> None:
        """Start the player task (inside the running loop)."""
        self.player.start()

    def say(self, text: str, utterance_id: int | None = None) -> int:
        """Queue ``text``; returns its utterance id (given or the next free one)."""
        uid = next(self._ids) if utterance_id is None else utterance_id
        self.player.play(uid, self.tts.stream(text))
        return uid

    def cancel(self) -> None:
        """Barge-in: stop speaking now."""
        self.player.cancel()

    def prefetch(self, texts: Iterable[str]) -> None:
        """Synthesise ``texts`` (the next and previous step) ahead, in the background."""
        self.tts.prefetch(texts)

    @property
    def speaking(self) -> int | None:
        return self.player.speaking

    async def wait_idle(self) -> None:
        await self.player.wait_idle()

    async def close(self) -> None:
        await self.player.close()
        self.tts.close()
