"""Streaming fan-noise suppression for the wake word's input.

The same Wiener-like gain as :meth:`NoiseProfile.clean`, applied block by block
as audio arrives: 512-point Hann frames every 128 samples, overlap-added. The
output lags the input by 384 samples (24 ms; the first 384 are silence) and
at most one hop (127 samples) is held back between calls, so stream times stay
aligned to within 32 ms.

A ``StreamingDenoiser`` holds a snapshot of the noise profile taken at
:meth:`start` (when the speech gate opens: the noise heard just before the
speech is the noise to remove) and passes audio through untouched when that
profile is not active (a quiet room). It is not thread-safe: one worker thread
calls it, as it calls the wake model.
"""

from __future__ import annotations

import numpy as np

from glasses.audio.denoise import _WINDOW, HOP, N_FFT, NoiseProfile

LATENCY = N_FFT - HOP
"""Samples by which the output lags the input."""
_OLA_NORM = float(np.sum(_WINDOW**2) / HOP)
"""Sum of the squared window over the overlapping frames (constant for a Hann at N/4 hop)."""


class StreamingDenoiser:
    """Block-by-block noise suppression with a fixed 24 ms delay."""

    def __init__(self, profile: NoiseProfile) -> None:
        self._profile = profile
        self._noise: NoiseProfile | None = None
        self._in = np.zeros(0, np.float32)
        self._out = np.zeros(0, np.float64)
        self._gains: list[np.ndarray] = []

    @property
    def active(self) -> bool:
        """The current stretch of audio is being cleaned (not passed through)."""
        return self._noise is not None

    def start(self) -> None:
        """Begin a new stretch: take the profile as it is now and clear the buffers."""
        self._noise = self._profile.snapshot() if self._profile.active() else None
        self._in = np.zeros(LATENCY, np.float32)
        self._out = np.zeros(LATENCY, np.float64)
        self._gains = []

    def process(self, pcm: bytes) -> bytes:
        """Clean int16 ``pcm``; returns the samples completed so far, :data:`LATENCY` late."""
        if self._noise is None:
            return pcm
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        self._in = np.concatenate([self._in, x])
        n = max(0, 1 + (len(self._in) - N_FFT) // HOP)
        ready = np.zeros(0, np.float64)
        if n:
            ready = self._frames(n)
        y = np.clip(np.round(ready * 32767.0), -32768, 32767).astype("<i2")
        return y.tobytes()

    def _frames(self, n: int) -> np.ndarray:
        """Run ``n`` STFT frames; returns the ``n * HOP`` output samples they complete."""
        assert self._noise is not None
        idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
        spec = np.fft.rfft(self._in[idx] * _WINDOW, axis=1)
        gain = self._smoothed(self._noise.gain(np.abs(spec) ** 2))
        frames = np.fft.irfft(spec * gain, n=N_FFT, axis=1) * _WINDOW
        out = np.concatenate([self._out, np.zeros(n * HOP, np.float64)])
        for i in range(n):
            out[i * HOP : i * HOP + N_FFT] += frames[i]
        self._in = self._in[n * HOP :]
        ready, self._out = out[: n * HOP] / _OLA_NORM, out[n * HOP :]
        return ready

    def _smoothed(self, gain: np.ndarray) -> np.ndarray:
        """Each frame's gain averaged with the previous ones (causal, k frames)."""
        k = max(1, self._noise.cfg.gain_smoothing_frames if self._noise else 1)
        if k == 1:
            return gain
        history = np.concatenate([*self._gains, gain]) if self._gains else gain
        cum = np.cumsum(np.concatenate([np.zeros((1, gain.shape[1])), history]), axis=0)
        ends = np.arange(len(history) - len(gain) + 1, len(history) + 1)
        starts = np.maximum(0, ends - k)
        smoothed: np.ndarray = (cum[ends] - cum[starts]) / (ends - starts)[:, None]
        self._gains = [history[-(k - 1) :]]
        return smoothed
