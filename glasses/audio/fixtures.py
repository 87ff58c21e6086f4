"""The voice fixtures (audio_fixtures/manifest.json): loading and noisy variants.

Only clean 16 kHz mono WAVs are stored; noisy copies at 20/10/5 dB SNR are
mixed on demand with the deterministic fan-noise generator, seeded from the
file name so every run hears the same noise.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glasses.audio.noise import mix_at_snr
from glasses.audio.wav import load_pcm16

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "audio_fixtures"
SNR_LEVELS: tuple[float, ...] = (20.0, 10.0, 5.0)


class FixtureError(ValueError):
    """The manifest is missing or malformed."""


@dataclass(frozen=True)
class Fixture:
    """One stored utterance and what it should produce."""

    file: str
    text: str
    """Everything said, including the wake phrase."""
    command_text: str
    """What should be transcribed after the wake word (equal to ``text`` without one)."""
    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    wake: bool = False
    voice: str = ""
    speed: float = 1.0
    snr_db: float | None = None
    """None for the stored clean audio."""
    speech_start_s: float = 0.0
    speech_end_s: float = 0.0
    duration_s: float = 0.0
    path: Path = Path()

    def pcm(self, snr_db: float | None = None) -> np.ndarray:
        """The audio as 16 kHz int16, clean or mixed with fan noise at ``snr_db``."""
        clean = load_pcm16(self.path)
        if snr_db is None:
            return clean
        return mix_at_snr(clean, snr_db, seed=noise_seed(self.file, snr_db))


def noise_seed(name: str, snr_db: float) -> int:
    return zlib.crc32(f"{name}@{snr_db:g}".encode())


def load_manifest(directory: Path = FIXTURES_DIR) -> list[Fixture]:
    """All fixtures listed in ``directory/manifest.json``."""
    path = directory / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["fixtures"]
    except FileNotFoundError:
        raise FixtureError(f"{path} is missing; run scripts/make_fixtures.py") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise FixtureError(f"{path} is malformed: {exc}") from None
    fixtures = []
    for entry in entries:
        try:
            fixtures.append(Fixture(**entry, path=directory / entry["file"]))
        except TypeError as exc:
            raise FixtureError(f"{path}: bad entry {entry!r}: {exc}") from None
    return fixtures


def false_wake_sentences(
    directory: Path = FIXTURES_DIR, name: str = "false_wake_sentences.txt"
) -> list[str]:
    """Sentences without the wake word, for counting false wakes (or ``near_miss_sentences.txt``:
    words that sound like it)."""
    path = directory / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
