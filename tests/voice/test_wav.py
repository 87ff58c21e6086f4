"""WAV reading, conversion to 16 kHz mono int16 and chunking."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from glasses.audio.wav import WavError, chunks_to_pcm, load_pcm16, pcm_to_chunks, wav_to_chunks


def write_raw(path: Path, data: bytes, rate: int, width: int, channels: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)


def tone(freq: float, rate: int, seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def peak_hz(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    return float(np.fft.rfftfreq(len(pcm), 1 / 16000)[np.argmax(spectrum)])


def test_stereo_24bit_44k_becomes_16k_mono_chunks(tmp_path: Path) -> None:
    x = tone(1000, 44100, 1.0)
    ints = np.round(x * (2**23 - 1)).astype(np.int32)
    stereo = np.repeat(ints, 2)
    raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in stereo)
    path = tmp_path / "tone.wav"
    write_raw(path, raw, 44100, 3, 2)
    chunks = list(wav_to_chunks(path, chunk_ms=20))
    assert all(c.rate == 16000 and c.channels == 1 and c.width == 2 for c in chunks)
    assert len(chunks) == 50
    assert chunks[1].timestamp == pytest.approx(0.02)
    assert chunks[-1].end == pytest.approx(1.0, abs=0.001)
    pcm = chunks_to_pcm(chunks)
    assert peak_hz(pcm) == pytest.approx(1000, abs=5)
    assert np.max(np.abs(pcm[1000:-1000])) == pytest.approx(0.5 * 32767, rel=0.02)


def test_8bit_and_32bit_are_read(tmp_path: Path) -> None:
    x = tone(440, 8000, 0.5)
    p8 = tmp_path / "u8.wav"
    write_raw(p8, (np.round(x * 127) + 128).astype(np.uint8).tobytes(), 8000, 1, 1)
    p32 = tmp_path / "s32.wav"
    write_raw(p32, np.round(x * (2**31 - 1)).astype("<i4").tobytes(), 8000, 4, 1)
    for path in (p8, p32):
        pcm = load_pcm16(path)
        assert len(pcm) == 8000
        assert peak_hz(pcm) == pytest.approx(440, abs=5)


def test_resampling_removes_content_above_the_new_nyquist(tmp_path: Path) -> None:
    """A 10 kHz tone cannot exist at 16 kHz; naive decimation would alias it to 6 kHz."""
    path = tmp_path / "high.wav"
    x = tone(10000, 48000, 1.0)
    write_raw(path, np.round(x * 32767).astype("<i2").tobytes(), 48000, 2, 1)
    pcm = load_pcm16(path)
    assert np.sqrt(np.mean(pcm[2000:-2000].astype(float) ** 2)) < 0.01 * 32767


def test_unreadable_wav_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_bytes(b"this is not audio")
    with pytest.raises(WavError, match=r"notes\.wav.*not a readable PCM WAV"):
        list(wav_to_chunks(bad))
    with pytest.raises(WavError, match="no such WAV file"):
        list(wav_to_chunks(tmp_path / "missing.wav"))


def test_pcm_to_chunks_keeps_every_sample() -> None:
    pcm = np.arange(1000, dtype=np.int16)
    chunks = list(pcm_to_chunks(pcm, chunk_ms=20))
    assert [c.samples for c in chunks] == [320, 320, 320, 40]
    assert np.array_equal(chunks_to_pcm(chunks), pcm)
    with pytest.raises(ValueError):
        list(pcm_to_chunks(pcm, chunk_ms=0))
