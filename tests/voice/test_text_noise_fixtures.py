"""Transcript normalisation, fan noise, and the committed fixtures' manifest."""

from __future__ import annotations

import numpy as np
import pytest

from glasses.audio.fixtures import FIXTURES_DIR, load_manifest
from glasses.audio.noise import active_power, fan_noise, mix_at_snr
from glasses.audio.textnorm import normalize, strip_wake_phrase, wer

INTENTS = {
    "start_procedure",
    "next_step",
    "previous_step",
    "repeat_step",
    "go_to_step",
    "confirm",
    "record_reading",
    "read_warnings",
    "list_procedures",
    "identify_equipment",
    "take_note",
    "stop",
    "pause",
    "resume",
    "end_procedure",
    "connection_status",
    "help",
    "ask",
}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Record reading 380 psig.", ["record", "reading", "380", "psig"]),
        ("record reading three hundred eighty psig", ["record", "reading", "380", "psig"]),
        ("Go to step four!", ["go", "to", "step", "4"]),
        ("What's the max for R-410A?", ["what", "is", "the", "max", "for", "r", "410a"]),
        ("two thousand and five", ["2005"]),
    ],
)
def test_normalize(text: str, words: list[str]) -> None:
    assert normalize(text) == words


def test_wer_counts_word_edits_after_normalisation() -> None:
    assert wer([("go to step four", "Go to step 4.")]) == 0.0
    assert wer([("next step", "next stop"), ("repeat that", "repeat that")]) == 0.25


@pytest.mark.parametrize(
    ("heard", "command"),
    [
        (
            "Hey Jarvis, start the compressor restart procedure.",
            "Start the compressor restart procedure.",
        ),
        ("Hey, Jarl, what procedures are there?", "What procedures are there?"),
        ("Jarvis. Next step.", "Next step."),
        ("Start the compressor restart procedure.", "Start the compressor restart procedure."),
        ("Are we connected?", "Are we connected?"),
        ("Hey, Travis, next step.", "Next step."),
        # Questions that merely start like "Hey Jarvis" keep their first words.
        (
            "Why would head pressure climb after a filter change?",
            "Why would head pressure climb after a filter change?",
        ),
        ("Hey what procedures are there?", "Hey what procedures are there?"),
        ("They said the breaker tripped.", "They said the breaker tripped."),
    ],
)
def test_strip_wake_phrase(heard: str, command: str) -> None:
    assert strip_wake_phrase(heard, "hey_jarvis") == command


def test_a_wake_phrase_the_wake_model_heard_may_be_garbled_further() -> None:
    garbled = "Hey, now we go to step 4."
    assert strip_wake_phrase(garbled, "hey_jarvis") == garbled
    assert strip_wake_phrase(garbled, "hey_jarvis", heard=True) == "We go to step 4."


def test_fan_noise_is_deterministic_and_mixes_at_the_requested_snr() -> None:
    assert np.array_equal(fan_noise(1.0, seed=4), fan_noise(1.0, seed=4))
    assert not np.array_equal(fan_noise(1.0, seed=4), fan_noise(1.0, seed=5))
    t = np.arange(16000 * 2) / 16000
    speech = (np.sin(2 * np.pi * 300 * t) * 8000 * (t > 0.5)).astype(np.int16)
    mixed = mix_at_snr(speech, 10.0, seed=1).astype(np.float64)
    noise = mixed - speech
    snr = 10 * np.log10(active_power(speech.astype(np.float64)) / np.mean(noise**2))
    assert snr == pytest.approx(10.0, abs=0.2)


def test_noise_has_blade_pass_tones_above_the_broadband_floor() -> None:
    x = fan_noise(8.0, seed=2).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / 16000)
    band = (freqs > 120) & (freqs < 450)
    assert spectrum[band].max() > 30 * np.median(spectrum[band])


def test_manifest_lists_existing_16k_files_with_known_intents() -> None:
    fixtures = load_manifest()
    assert len(fixtures) >= 100
    assert sum(f.wake for f in fixtures) >= 30
    assert {f.voice.split(":")[0] for f in fixtures} == {"piper", "espeak-ng"}
    assert len({f.speed for f in fixtures}) >= 3
    for f in fixtures:
        assert f.intent in INTENTS, f.file
        assert f.path.exists(), f.file
        assert 0 < f.speech_start_s < f.speech_end_s < f.duration_s - 0.9, f.file
        assert f.wake == ("jarvis" in f.text.lower())
    total = sum(p.stat().st_size for p in FIXTURES_DIR.iterdir())
    assert total < 20 * 1024 * 1024
