"""Streaming fan-noise suppression (the wake word's input)."""

from __future__ import annotations

import numpy as np

from glasses.audio.config import DenoiseConfig
from glasses.audio.denoise import NoiseProfile
from glasses.audio.denoise_stream import LATENCY, StreamingDenoiser
from glasses.audio.noise import noise_pcm16
from glasses.audio.vad import FRAME_BYTES

RATE = 16000


def learnt(cfg: DenoiseConfig, pcm: np.ndarray) -> NoiseProfile:
    profile = NoiseProfile(cfg)
    raw = pcm.astype("<i2").tobytes()
    for i in range(0, len(raw) - FRAME_BYTES + 1, FRAME_BYTES):
        profile.update(raw[i : i + FRAME_BYTES])
    return profile


def stream(denoiser: StreamingDenoiser, pcm: bytes, block: int = 640) -> np.ndarray:
    """Feed ``pcm`` in blocks of ``block`` bytes (20 ms), as the speech gate does."""
    out = b"".join(denoiser.process(pcm[i : i + block]) for i in range(0, len(pcm), block))
    return np.frombuffer(out, dtype="<i2")


def tone_in_noise(seconds: float = 2.0) -> tuple[np.ndarray, np.ndarray, bytes]:
    t = np.arange(int(seconds * RATE)) / RATE
    tone = 0.05 * np.sin(2 * np.pi * 1000 * t)
    noise = noise_pcm16(seconds, seed=2, level_dbfs=-30).astype(np.float64) / 32768
    noisy = np.round((tone + noise) * 32767).astype(np.int16).tobytes()
    return tone, noise, noisy


def test_suppresses_fan_noise_as_it_streams_and_keeps_a_tone() -> None:
    profile = learnt(DenoiseConfig(), noise_pcm16(3.0, seed=1, level_dbfs=-30))
    denoiser = StreamingDenoiser(profile)
    denoiser.start()
    assert denoiser.active
    tone, noise, noisy = tone_in_noise()
    y = stream(denoiser, noisy) / 32768.0
    assert len(noisy) // 2 - len(y) < 128  # at most one hop held back
    ref, got = tone[: len(y) - LATENCY][1000:-1000], y[LATENCY:][1000:-1000]
    assert np.mean((got - ref) ** 2) < np.mean(noise**2) / 3  # at least ~5 dB less noise
    assert np.dot(got, ref) / np.dot(ref, ref) > 0.8


def test_without_subtraction_the_stream_is_reconstructed_exactly() -> None:
    profile = learnt(DenoiseConfig(over_subtraction=0.0), noise_pcm16(3.0, seed=1, level_dbfs=-30))
    denoiser = StreamingDenoiser(profile)
    denoiser.start()
    _, _, noisy = tone_in_noise(1.0)
    x, y = np.frombuffer(noisy, dtype="<i2"), stream(denoiser, noisy, block=962)
    assert np.array_equal(y[LATENCY:], x[: len(y) - LATENCY])


def test_a_quiet_room_passes_through_untouched() -> None:
    profile = learnt(DenoiseConfig(), np.zeros(RATE, np.int16))
    denoiser = StreamingDenoiser(profile)
    denoiser.start()
    assert not denoiser.active
    _, _, noisy = tone_in_noise(0.5)
    assert denoiser.process(noisy) == noisy


def test_the_profile_is_taken_when_a_stretch_starts() -> None:
    """Noise learnt after start() (the speech itself) does not change the running stretch."""
    profile = learnt(DenoiseConfig(), np.zeros(RATE, np.int16))
    denoiser = StreamingDenoiser(profile)
    denoiser.start()
    loud = learnt(DenoiseConfig(), noise_pcm16(3.0, seed=1, level_dbfs=-30))
    profile.psd, profile.frames = loud.psd, loud.frames
    _, _, noisy = tone_in_noise(0.5)
    assert denoiser.process(noisy) == noisy
    denoiser.start()
    assert denoiser.active
