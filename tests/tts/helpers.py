"""Synthetic audio and an event collector for the player and engine tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np

from glasses.tts import PlaybackEvent, PlaybackKind
from protocol.audio import AudioChunk

RATE = 22050


def tone(seconds: float, rate: int = RATE, timestamp: float = 0.0) -> AudioChunk:
    t = np.arange(int(seconds * rate)) / rate
    samples = (8000 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    return AudioChunk(samples.tobytes(), rate, 2, 1, timestamp)


async def chunks(*seconds: float, delay: float = 0.0) -> AsyncIterator[AudioChunk]:
    """Tones of the given lengths, each after ``delay`` (a stand-in synthesiser)."""
    timestamp = 0.0
    for length in seconds:
        if delay:
            await asyncio.sleep(delay)
        chunk = tone(length, timestamp=timestamp)
        timestamp = chunk.end
        yield chunk


class Events:
    """Collects playback events and lets a test wait for one kind."""

    def __init__(self) -> None:
        self.items: list[PlaybackEvent] = []
        self._changed = asyncio.Event()

    def __call__(self, event: PlaybackEvent) -> None:
        self.items.append(event)
        self._changed.set()

    def kinds(self, utterance_id: int | None = None) -> list[PlaybackKind]:
        return [e.kind for e in self.items if utterance_id in (None, e.utterance_id)]

    async def wait_for(self, kind: PlaybackKind, utterance_id: int | None = None) -> PlaybackEvent:
        while True:
            for event in self.items:
                if event.kind is kind and utterance_id in (None, event.utterance_id):
                    return event
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), 60)
