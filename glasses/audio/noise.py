"""Deterministic synthetic data-center fan noise and mixing at a given SNR.

Used by the fixtures, the tests and the benchmark so noisy audio never has to be
stored: the same seed always gives the same noise.

The noise is broadband (between pink and brown) plus the blade-pass tones of a
few fans with their harmonics, each slowly wobbling in speed and level.
"""

from __future__ import annotations

import numpy as np

from glasses.audio.wav import RATE

_FANS: tuple[tuple[float, float], ...] = ((148.0, 0.9), (176.0, 0.7), (203.0, 0.5))
"""(blade-pass frequency Hz, relative level) of the simulated fans."""
_HARMONICS: tuple[float, ...] = (1.0, 0.55, 0.3, 0.18, 0.1)
_TONAL_SHARE = 0.35
"""Share of the total noise power in the tones."""


def _broadband(n: int, rng: np.random.Generator, slope: float = 1.4) -> np.ndarray:
    """Noise whose power falls as 1/f**slope (1 = pink, 2 = brown), 40 Hz high-passed."""
    spectrum = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    shape = np.where(freqs < 40.0, 0.0, 1.0 / np.maximum(freqs, 40.0) ** (slope / 2.0))
    x = np.fft.irfft(spectrum * shape, n)
    out: np.ndarray = x / (np.std(x) + 1e-12)
    return out


def _wobble(t: np.ndarray, rng: np.random.Generator, depth: float) -> np.ndarray:
    """A slow random modulation around 1.0 made of a few sub-hertz sines."""
    out = np.ones_like(t)
    for _ in range(3):
        f = rng.uniform(0.03, 0.4)
        out += depth / 3.0 * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    return out


def _tones(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    x = np.zeros_like(t)
    for f0, level in _FANS:
        speed = _wobble(t, rng, 0.01)
        phase = 2 * np.pi * np.cumsum(f0 * speed) / RATE
        amp = level * _wobble(t, rng, 0.25)
        for k, h in enumerate(_HARMONICS, start=1):
            x += amp * h * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    out: np.ndarray = x / (np.std(x) + 1e-12)
    return out


def fan_noise(seconds: float, seed: int = 0, level_dbfs: float = -30.0) -> np.ndarray:
    """``seconds`` of fan noise at 16 kHz as float32 with RMS ``level_dbfs``."""
    n = max(1, round(seconds * RATE))
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    broad = _broadband(n, rng) * _wobble(t, rng, 0.15)
    tonal = _tones(t, rng)
    x = np.sqrt(1 - _TONAL_SHARE) * broad + np.sqrt(_TONAL_SHARE) * tonal
    x = x / (np.sqrt(np.mean(x**2)) + 1e-12) * 10 ** (level_dbfs / 20.0)
    out: np.ndarray = x.astype(np.float32)
    return out


def active_power(speech: np.ndarray, frame: int = 480, rel_db: float = -35.0) -> float:
    """Mean power of the frames of ``speech`` within ``rel_db`` of its loudest frame."""
    x = np.asarray(speech, dtype=np.float64)
    usable = len(x) - len(x) % frame
    if usable == 0:
        return float(np.mean(x**2)) if len(x) else 0.0
    powers = np.mean(x[:usable].reshape(-1, frame) ** 2, axis=1)
    loud = powers[powers >= powers.max() * 10 ** (rel_db / 10.0)]
    return float(np.mean(loud))


def mix_at_snr(speech_int16: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """Speech (int16) plus fan noise at ``snr_db`` over the active speech; int16 out.

    If the sum would clip, both are scaled down together (the SNR is kept).
    """
    speech = np.asarray(speech_int16, dtype=np.float64) / 32768.0
    p_speech = active_power(speech)
    noise = fan_noise(len(speech) / RATE, seed=seed).astype(np.float64)[: len(speech)]
    p_noise = float(np.mean(noise**2)) + 1e-20
    noise *= np.sqrt(p_speech / p_noise / 10 ** (snr_db / 10.0))
    mixed = speech + noise
    peak = float(np.max(np.abs(mixed))) if len(mixed) else 0.0
    if peak > 0.99:
        mixed *= 0.99 / peak
    return np.round(mixed * 32767.0).astype(np.int16)


def noise_pcm16(seconds: float, seed: int = 0, level_dbfs: float = -30.0) -> np.ndarray:
    """Fan noise alone as int16."""
    x = fan_noise(seconds, seed=seed, level_dbfs=level_dbfs)
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)
