"""Fan-noise suppression before ASR."""

from __future__ import annotations

import numpy as np

from glasses.audio.config import DenoiseConfig
from glasses.audio.denoise import NoiseProfile
from glasses.audio.noise import noise_pcm16
from glasses.audio.vad import FRAME_BYTES


def learn(profile: NoiseProfile, pcm: np.ndarray) -> None:
    raw = pcm.astype("<i2").tobytes()
    for i in range(0, len(raw) - FRAME_BYTES + 1, FRAME_BYTES):
        profile.update(raw[i : i + FRAME_BYTES])


def test_suppresses_fan_noise_and_keeps_a_tone() -> None:
    profile = NoiseProfile(DenoiseConfig(asr=True))
    learn(profile, noise_pcm16(3.0, seed=1, level_dbfs=-30))
    assert profile.active()
    t = np.arange(16000 * 2) / 16000
    tone = 0.05 * np.sin(2 * np.pi * 1000 * t)
    noise = noise_pcm16(2.0, seed=2, level_dbfs=-30).astype(np.float64) / 32768
    noisy = np.round((tone + noise) * 32767).astype(np.int16)
    cleaned = np.frombuffer(profile.clean(noisy.tobytes()), dtype="<i2") / 32768.0
    assert len(cleaned) == len(noisy)
    residual_before = np.mean(noise**2)
    residual_after = np.mean((cleaned - tone)[1000:-1000] ** 2)
    assert residual_after < residual_before / 3  # at least ~5 dB less noise
    mid = slice(1000, -1000)
    kept = np.dot(cleaned[mid], tone[mid]) / np.dot(tone[mid], tone[mid])
    assert kept > 0.8


def test_clean_audio_passes_unchanged() -> None:
    profile = NoiseProfile(DenoiseConfig(asr=True))
    learn(profile, np.zeros(16000, np.int16))
    pcm = (np.sin(np.arange(16000) / 7) * 5000).astype(np.int16).tobytes()
    assert not profile.active()
    assert profile.clean(pcm) == pcm
    disabled = NoiseProfile(DenoiseConfig(asr=False, wake=False))
    learn(disabled, noise_pcm16(1.0, seed=3))
    assert disabled.clean(pcm) == pcm
