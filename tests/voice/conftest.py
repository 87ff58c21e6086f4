"""Shared fixtures of the voice tests: the real models are loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from glasses.audio.config import VoiceConfig
from glasses.audio.events import VoiceEvent
from glasses.audio.fixtures import Fixture, load_manifest
from glasses.audio.pipeline import VoiceInput
from glasses.audio.sources import ReplaySource
from glasses.audio.wav import pcm_to_chunks

TITLES = ("Compressor restart procedure", "CRAC filter replacement")


@pytest.fixture(scope="session")
def fixtures() -> list[Fixture]:
    return load_manifest()


@pytest.fixture(scope="session")
def voice() -> Iterator[VoiceInput]:
    stage = VoiceInput.load(VoiceConfig(), TITLES)
    yield stage
    stage.close()


async def run_events(voice: VoiceInput, pcm: np.ndarray, listen: bool = False) -> list[VoiceEvent]:
    """Replay int16 audio through the stage as fast as possible and collect its events."""
    if listen:
        voice.listen()
    return [e async for e in voice.events(ReplaySource(pcm_to_chunks(pcm)))]
