"""Audio sources: WAV replay and the microphone (with a fake sound card)."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from glasses.audio.config import MicConfig, ReplayConfig
from glasses.audio.sources import AudioDeviceError, MicrophoneSource, ReplaySource, WavSource
from glasses.audio.wav import WavError, wav_to_chunks, write_wav


async def test_wav_source_yields_the_same_chunks_as_wav_to_chunks(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, (np.sin(np.arange(16000) / 5) * 8000).astype(np.int16))
    got = [c async for c in WavSource(path, ReplayConfig(chunk_ms=20, realtime=False))]
    assert got == list(wav_to_chunks(path, chunk_ms=20))


async def test_wav_source_reports_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF....WAVEjunk")
    with pytest.raises(WavError, match=r"broken\.wav"):
        [c async for c in WavSource(path)]


async def test_realtime_replay_keeps_order_and_timestamps() -> None:
    pcm = np.zeros(1600, np.int16)
    from glasses.audio.wav import pcm_to_chunks

    got = [c async for c in ReplaySource(pcm_to_chunks(pcm, 20), realtime=True)]
    assert [round(c.timestamp, 3) for c in got] == [0.0, 0.02, 0.04, 0.06, 0.08]


class FakeStream:
    """Stands in for sounddevice.RawInputStream: a thread calls the callback with blocks."""

    def __init__(self, blocks: int, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.blocks = blocks
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = self.kwargs["blocksize"]
        for i in range(self.blocks):
            data = np.full(n, i, dtype=np.int16).tobytes()
            self.kwargs["callback"](memoryview(data), n, None, None)

    def __enter__(self) -> FakeStream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join()


class FakeSoundDevice:
    def __init__(self, blocks: int) -> None:
        self.blocks = blocks
        self.opened: list[dict[str, Any]] = []

    def RawInputStream(self, **kwargs: Any) -> FakeStream:
        self.opened.append(kwargs)
        return FakeStream(self.blocks, **kwargs)


async def test_microphone_delivers_16k_mono_chunks_in_order() -> None:
    sd = FakeSoundDevice(blocks=5)
    mic = MicrophoneSource(MicConfig(block_ms=20, queue_chunks=10), sounddevice=sd)
    got = []
    async for chunk in mic:
        got.append(chunk)
        if len(got) == 5:
            break
    assert sd.opened[0]["samplerate"] == 16000 and sd.opened[0]["dtype"] == "int16"
    assert [c.audio[:2] for c in got] == [np.int16(i).tobytes() for i in range(5)]
    assert [round(c.timestamp, 3) for c in got] == [0.0, 0.02, 0.04, 0.06, 0.08]
    assert mic.dropped == 0


async def test_microphone_drops_the_oldest_chunks_when_the_consumer_lags() -> None:
    sd = FakeSoundDevice(blocks=20)
    mic = MicrophoneSource(MicConfig(block_ms=20, queue_chunks=4), sounddevice=sd)
    it = mic.__aiter__()
    got = [await it.__anext__()]  # opens the stream; the fake delivers all 20 blocks at once
    await asyncio.sleep(0.2)  # the consumer lags
    while int(np.frombuffer(got[-1].audio[:2], np.int16)[0]) != 19:
        got.append(await it.__anext__())
    await it.aclose()
    values = [int(np.frombuffer(c.audio[:2], np.int16)[0]) for c in got]
    assert values[-4:] == [16, 17, 18, 19]  # the newest audio survived
    assert values == sorted(values)
    assert mic.dropped == 20 - len(values) > 0


async def test_microphone_without_portaudio_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioDeviceError, match="sounddevice"):
        [c async for c in MicrophoneSource()]
