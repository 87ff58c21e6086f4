#!/usr/bin/env python
"""Regenerate audio_fixtures/: clean utterances synthesised with Piper and espeak-ng.

Each utterance is trimmed to its speech, levelled, and padded with 0.8 s of
silence before and 1.0 s after, so the end of speech is known exactly (it is in
the manifest). Noisy copies are not stored: glasses.audio.fixtures mixes them
with deterministic fan noise on demand.

Needs espeak-ng (apt-get install espeak-ng) besides the Python environment.
Example: python scripts/make_fixtures.py --out audio_fixtures
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from glasses.audio.synth import EspeakSynth, PiperSynth, SynthError, speech_bounds
from glasses.audio.wav import RATE, write_wav

LEAD_S = 0.8
TRAIL_S = 1.0
MARGIN_S = 0.03

# (text, command text after the wake phrase or None, intent, slots)
UTTERANCES: tuple[tuple[str, str | None, str, dict[str, Any]], ...] = (
    (
        "Hey Jarvis, start the compressor restart procedure",
        "start the compressor restart procedure",
        "start_procedure",
        {"procedure": "compressor restart"},
    ),
    (
        "hey jarvis what's the max head pressure on this unit",
        "what's the max head pressure on this unit",
        "ask",
        {"question": "what's the max head pressure on this unit"},
    ),
    ("Hey Jarvis, next step", "next step", "next_step", {}),
    ("Hey Jarvis, read the warnings", "read the warnings", "read_warnings", {}),
    ("hey jarvis go to step four", "go to step four", "go_to_step", {"number": 4}),
    ("Hey Jarvis, what procedures are there", "what procedures are there", "list_procedures", {}),
    (
        "hey jarvis take a note replaced the filter",
        "take a note replaced the filter",
        "take_note",
        {"text": "replaced the filter"},
    ),
    ("Hey Jarvis, are we connected", "are we connected", "connection_status", {}),
    ("next step", None, "next_step", {}),
    ("go to step four", None, "go_to_step", {"number": 4}),
    ("repeat that", None, "repeat_step", {}),
    ("previous step", None, "previous_step", {}),
    ("confirm", None, "confirm", {}),
    ("stop", None, "stop", {}),
    (
        "record reading three hundred eighty psig",
        None,
        "record_reading",
        {"value": 380, "unit": "psig"},
    ),
    ("read the warnings", None, "read_warnings", {}),
    ("what procedures are there", None, "list_procedures", {}),
    ("what is this unit", None, "identify_equipment", {}),
    ("take a note replaced the filter", None, "take_note", {"text": "replaced the filter"}),
    ("pause", None, "pause", {}),
    ("resume", None, "resume", {}),
    ("end procedure", None, "end_procedure", {}),
    ("are we connected", None, "connection_status", {}),
    ("help", None, "help", {}),
    (
        "why would head pressure climb after a filter change",
        None,
        "ask",
        {"question": "why would head pressure climb after a filter change"},
    ),
    (
        "what is the normal suction pressure for R-410A",
        None,
        "ask",
        {"question": "what is the normal suction pressure for R-410A"},
    ),
)

PIPER_SPEEDS = (0.85, 1.0, 1.2)
ESPEAK_VOICES = (("en-us", (0.9,)), ("en-us+m7", (1.0,)))
LEVEL_DBFS = -8.0
"""Level of the loudest 10 ms frame of each utterance."""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:48]


def place(speech: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Trim to the speech (plus a margin), level it, pad with silence; return bounds too."""
    start, end = speech_bounds(speech)
    margin = int(MARGIN_S * RATE)
    core = speech[max(0, start - margin) : min(len(speech), end + margin)].astype(np.float64)
    peak_frame = np.sqrt(np.max(np.convolve(core**2, np.ones(160) / 160, mode="valid")))
    core *= 32767.0 * 10 ** (LEVEL_DBFS / 20.0) / max(peak_frame, 1.0)
    core = np.clip(np.round(core), -32768, 32767).astype(np.int16)
    lead, trail = np.zeros(int(LEAD_S * RATE), np.int16), np.zeros(int(TRAIL_S * RATE), np.int16)
    s0, s1 = speech_bounds(core)
    return np.concatenate([lead, core, trail]), LEAD_S + s0 / RATE, LEAD_S + s1 / RATE


def entries_for(synth: Any, speed: float, out: Path) -> list[dict[str, Any]]:
    entries = []
    voice_tag = slug(synth.name.split(":", 1)[1])
    for text, command, intent, slots in UTTERANCES:
        pcm, t0, t1 = place(synth.synth(text, speed))
        name = f"{voice_tag}_{round(speed * 100):03d}_{slug(text)}.wav"
        write_wav(out / name, pcm)
        entries.append(
            {
                "file": name,
                "text": text,
                "command_text": command if command is not None else text,
                "intent": intent,
                "slots": slots,
                "wake": command is not None,
                "voice": synth.name,
                "speed": speed,
                "snr_db": None,
                "speech_start_s": round(t0, 3),
                "speech_end_s": round(t1, 3),
                "duration_s": round(len(pcm) / RATE, 3),
            }
        )
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("audio_fixtures"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.wav"):
        old.unlink()
    entries: list[dict[str, Any]] = []
    try:
        piper = PiperSynth()
        for speed in PIPER_SPEEDS:
            entries += entries_for(piper, speed, args.out)
        for voice, speeds in ESPEAK_VOICES:
            espeak = EspeakSynth(voice)
            for speed in speeds:
                entries += entries_for(espeak, speed, args.out)
    except SynthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    manifest = {
        "version": 1,
        "format": "16 kHz mono 16-bit PCM WAV",
        "noisy_variants": {
            "snr_db": [20, 10, 5],
            "how": "glasses.audio.fixtures.Fixture.pcm(snr_db): clean + glasses.audio.noise "
            "fan noise seeded by crc32('<file>@<snr>'), SNR over the active speech",
        },
        "fixtures": entries,
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {len(entries)} fixtures, {size / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
