"""The real Piper voice, loaded once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glasses.tts import PiperTts


@pytest.fixture(scope="module")
def tts() -> Iterator[PiperTts]:
    engine = PiperTts.load()
    yield engine
    engine.close()
