"""Stationary-noise suppression for the ASR input (fan noise), in numpy.

The pipeline hands every 30 ms frame judged non-speech to ``NoiseProfile``,
which keeps a running average of the noise power spectrum. ``NoiseProfile.clean``
applies a smoothed Wiener-like gain (over-subtraction, gain floor) per STFT bin
to a whole utterance (before ASR, when ``DenoiseConfig.asr``);
:mod:`glasses.audio.denoise_stream` applies the same gain to the wake word's
input as it streams (``DenoiseConfig.wake``). In a quiet room the profile is
never active, so clean speech passes unchanged.
"""

from __future__ import annotations

import numpy as np

from glasses.audio.config import DenoiseConfig

N_FFT = 512
HOP = 128
_WINDOW = np.hanning(N_FFT + 1)[:-1].astype(np.float32)


def _stft(x: np.ndarray) -> np.ndarray:
    pad = np.concatenate([np.zeros(N_FFT, np.float32), x, np.zeros(N_FFT, np.float32)])
    n = 1 + (len(pad) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    return np.fft.rfft(pad[idx] * _WINDOW, axis=1)


def _istft(spec: np.ndarray, length: int) -> np.ndarray:
    frames = np.fft.irfft(spec, n=N_FFT, axis=1) * _WINDOW
    n = spec.shape[0]
    total = N_FFT + HOP * (n - 1)
    out = np.zeros(total, np.float64)
    norm = np.zeros(total, np.float64)
    for i in range(n):
        out[i * HOP : i * HOP + N_FFT] += frames[i]
        norm[i * HOP : i * HOP + N_FFT] += _WINDOW**2
    out /= np.maximum(norm, 1e-8)
    return out[N_FFT : N_FFT + length]


class NoiseProfile:
    """Running noise power spectrum (per 512-point bin) from non-speech frames."""

    def __init__(self, cfg: DenoiseConfig | None = None) -> None:
        self.cfg = cfg or DenoiseConfig()
        self.psd: np.ndarray | None = None
        self.frames = 0

    def update(self, pcm: bytes) -> None:
        """Add one non-speech frame (int16 bytes, up to 512 samples); no-op when disabled."""
        if not (self.cfg.asr or self.cfg.wake):
            return
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32)[:N_FFT] / 32768.0
        # A 30 ms frame is 480 samples: the zero-padded tail lies where Hann is ~0.
        power = np.abs(np.fft.rfft(x * _WINDOW[: len(x)], n=N_FFT)) ** 2
        a = self.cfg.smoothing
        self.psd = power if self.psd is None else (1 - a) * self.psd + a * power
        self.frames += 1

    def snapshot(self) -> NoiseProfile:
        """A copy that a worker thread can use while this one keeps learning."""
        copy = NoiseProfile(self.cfg)
        copy.psd = None if self.psd is None else self.psd.copy()
        copy.frames = self.frames
        return copy

    def level_dbfs(self) -> float:
        """Rough level of the tracked noise (dB relative to a full-scale sine's STFT power)."""
        if self.psd is None:
            return -120.0
        ref = (N_FFT * 0.5 * 0.5) ** 2  # a full-scale sine's peak bin under the Hann window
        return float(10 * np.log10(np.sum(self.psd) / ref + 1e-12))

    def active(self) -> bool:
        """Enough loud enough noise has been heard for suppression to be worth it."""
        return self.frames >= self.cfg.min_frames and self.level_dbfs() >= self.cfg.min_noise_dbfs

    def gain(self, power: np.ndarray) -> np.ndarray:
        """Per-bin gain (STFT frames x bins) for speech+noise ``power``; not smoothed."""
        assert self.psd is not None
        ratio = self.cfg.over_subtraction * self.psd[None, :] / np.maximum(power, 1e-12)
        gain: np.ndarray = np.maximum(1.0 - ratio, self.cfg.gain_floor)
        return gain

    def clean(self, pcm: bytes) -> bytes:
        """Suppress the tracked noise in int16 audio; unchanged if there is too little noise."""
        if not self.active() or self.psd is None or len(pcm) < 2 * N_FFT:
            return pcm
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        spec = _stft(x)
        gain = self.gain(np.abs(spec) ** 2)
        k = max(1, self.cfg.gain_smoothing_frames)
        if k > 1:
            kernel = np.ones(k) / k
            gain = np.apply_along_axis(lambda g: np.convolve(g, kernel, mode="same"), 0, gain)
        y = _istft(spec * gain, len(x))
        return np.clip(np.round(y * 32767.0), -32768, 32767).astype("<i2").tobytes()
