"""WAV reading and writing, conversion to 16 kHz mono int16, and chunking.

``wav_to_chunks`` is the one helper that feeds the replay source, the tests and
the scripts. Any PCM WAV (8/16/24/32-bit, mono or multi-channel, any rate) is
converted to the pipeline format with band-limited (windowed-sinc) resampling.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from math import gcd
from pathlib import Path

import numpy as np

from protocol.audio import AudioChunk

RATE = 16000
"""The pipeline's sample rate (Hz); audio is mono signed 16-bit little-endian."""

_SINC_ZEROS = 16
"""Zero crossings on each side of the resampling kernel."""
_KAISER_BETA = 8.6
_BLOCK = 4096


class WavError(ValueError):
    """A WAV file could not be read or has a format this module cannot convert."""


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a PCM WAV as float32 samples in [-1, 1], mixed down to mono, and its rate."""
    p = Path(path)
    try:
        with wave.open(str(p), "rb") as wav:
            rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise WavError(f"{p}: no such WAV file") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise WavError(f"{p}: not a readable PCM WAV file ({exc})") from None
    if rate <= 0 or channels <= 0:
        raise WavError(f"{p}: invalid WAV header (rate {rate}, channels {channels})")
    samples = _decode_pcm(frames, width, p)
    usable = len(samples) - len(samples) % channels
    mono = samples[:usable].reshape(-1, channels).mean(axis=1)
    return mono.astype(np.float32), rate


def _decode_pcm(frames: bytes, width: int, path: Path) -> np.ndarray:
    if width == 1:
        return (np.frombuffer(frames, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if width == 3:
        raw = np.frombuffer(frames[: len(frames) - len(frames) % 3], dtype=np.uint8)
        triples = raw.reshape(-1, 3).astype(np.int32)
        value = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return value.astype(np.float32) / float(1 << 23)
    if width == 4:
        return np.frombuffer(frames, dtype="<i4").astype(np.float32) / float(1 << 31)
    raise WavError(f"{path}: unsupported sample width of {width} bytes")


def resample(samples: np.ndarray, src_rate: int, dst_rate: int = RATE) -> np.ndarray:
    """Band-limited resampling with a Kaiser-windowed sinc kernel (float in, float32 out)."""
    if src_rate <= 0 or dst_rate <= 0:
        raise ValueError(f"sample rates must be positive, got {src_rate} -> {dst_rate}")
    x = np.asarray(samples, dtype=np.float64)
    if src_rate == dst_rate or len(x) == 0:
        return x.astype(np.float32)
    g = gcd(src_rate, dst_rate)
    up, down = dst_rate // g, src_rate // g
    n_out = (len(x) * up) // down
    cutoff = min(1.0, dst_rate / src_rate)
    half = int(np.ceil(_SINC_ZEROS / cutoff))
    offsets = np.arange(-half + 1, half + 1)
    padded = np.concatenate([np.zeros(half), x, np.zeros(half + 1)])
    out = np.empty(n_out, dtype=np.float32)
    window = np.kaiser(2 * half + 1, _KAISER_BETA)
    taps = np.arange(-half, half + 1)
    for start in range(0, n_out, _BLOCK):
        n = np.arange(start, min(start + _BLOCK, n_out))
        pos = n * down / up
        base = np.floor(pos).astype(np.int64)
        idx = base[:, None] + offsets[None, :]
        dist = pos[:, None] - idx
        w = np.interp(dist, taps, window)
        kernel = cutoff * np.sinc(cutoff * dist) * w
        out[n] = np.sum(padded[idx + half] * kernel, axis=1)
    return out


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16 with clipping."""
    return np.clip(np.round(np.asarray(samples) * 32767.0), -32768, 32767).astype(np.int16)


def load_pcm16(path: str | Path) -> np.ndarray:
    """Any PCM WAV as 16 kHz mono int16 samples."""
    samples, rate = read_wav(path)
    return to_int16(resample(samples, rate, RATE))


def write_wav(path: str | Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write mono int16 samples (or floats in [-1, 1]) as a 16-bit PCM WAV."""
    data = samples if samples.dtype == np.int16 else to_int16(samples)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data.astype("<i2").tobytes())


def pcm_to_chunks(
    samples: np.ndarray, chunk_ms: int = 20, rate: int = RATE, start: float = 0.0
) -> Iterator[AudioChunk]:
    """Slice mono int16 samples into AudioChunks of ``chunk_ms`` (the last may be shorter)."""
    if chunk_ms <= 0:
        raise ValueError(f"chunk_ms must be positive, got {chunk_ms}")
    data = np.asarray(samples, dtype=np.int16)
    step = max(1, rate * chunk_ms // 1000)
    for offset in range(0, len(data), step):
        yield AudioChunk(
            audio=data[offset : offset + step].astype("<i2").tobytes(),
            rate=rate,
            timestamp=start + offset / rate,
        )


def wav_to_chunks(path: str | Path, chunk_ms: int = 20) -> Iterator[AudioChunk]:
    """A WAV file as 16 kHz mono int16 AudioChunks of ``chunk_ms`` milliseconds."""
    return pcm_to_chunks(load_pcm16(path), chunk_ms)


def chunks_to_pcm(chunks: list[AudioChunk]) -> np.ndarray:
    """Concatenate 16-bit mono chunks back into int16 samples."""
    return np.frombuffer(b"".join(c.audio for c in chunks), dtype="<i2").astype(np.int16)
