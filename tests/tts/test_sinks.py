"""Audio sinks: WAV file, null, recording, and the speaker (with a fake sound card)."""

from __future__ import annotations

import threading
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from glasses.tts import (
    NullSink,
    SinkConfig,
    SinkError,
    SinkKind,
    SpeakerSink,
    WavSink,
    open_sink,
    parse_sink,
)
from protocol.audio import AudioFormat
from tests.tts.helpers import RATE, tone

FMT = AudioFormat(RATE, 2, 1)


def read(path: Path) -> tuple[int, int, int, bytes]:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        return wav.getframerate(), wav.getsampwidth(), wav.getnchannels(), frames


def test_wav_sink_appends_utterances(tmp_path: Path) -> None:
    path = tmp_path / "out" / "speech.wav"
    sink = WavSink(path)
    first, second = tone(0.2), tone(0.1)
    for chunk in (first, second):
        sink.begin(FMT)
        sink.write(chunk)
        sink.end()
    sink.close()
    assert read(path) == (RATE, 2, 1, first.audio + second.audio)


def test_wav_sink_keeps_the_silence_between_utterances(tmp_path: Path) -> None:
    now = [100.0]
    sink = WavSink(tmp_path / "timed.wav", keep_timing=True, clock=lambda: now[0])
    sink.begin(FMT)
    sink.write(tone(0.1))
    sink.end()
    now[0] += 0.5
    sink.begin(FMT)
    sink.write(tone(0.1))
    sink.abort()
    sink.close()
    *_, frames = read(tmp_path / "timed.wav")
    samples = np.frombuffer(frames, dtype="<i2")
    assert len(samples) == 2 * int(0.1 * RATE) + int(0.5 * RATE)
    gap = samples[int(0.1 * RATE) : int(0.6 * RATE)]
    assert not gap.any()


def test_wav_sink_refuses_a_second_format(tmp_path: Path) -> None:
    sink = WavSink(tmp_path / "a.wav")
    sink.begin(FMT)
    with pytest.raises(SinkError, match="cannot append"):
        sink.begin(AudioFormat(16000, 2, 1))
    sink.close()


def test_wav_sink_names_an_unwritable_path(tmp_path: Path) -> None:
    (tmp_path / "dir.wav").mkdir()
    with pytest.raises(SinkError, match="cannot write WAV"):
        WavSink(tmp_path / "dir.wav").begin(FMT)


def test_null_sink_takes_anything() -> None:
    sink = NullSink()
    sink.begin(FMT)
    sink.write(tone(0.1))
    sink.abort()
    sink.close()


@pytest.mark.parametrize(
    ("spec", "kind", "field", "value"),
    [
        ("speaker", SinkKind.SPEAKER, "device", ""),
        ("speaker:2", SinkKind.SPEAKER, "device", "2"),
        ("wav:out/a.wav", SinkKind.WAV, "path", "out/a.wav"),
        ("off", SinkKind.NULL, "kind", SinkKind.NULL),
        ("null", SinkKind.NULL, "kind", SinkKind.NULL),
    ],
)
def test_parse_sink(spec: str, kind: SinkKind, field: str, value: Any) -> None:
    config = parse_sink(spec)
    assert config.kind is kind and getattr(config, field) == value


@pytest.mark.parametrize("spec", ["wav", "wav:", "loud", "null:x"])
def test_parse_sink_rejects_unknown_specs(spec: str) -> None:
    with pytest.raises(SinkError, match="unknown speech output"):
        parse_sink(spec)


def test_open_sink_builds_file_and_null_sinks(tmp_path: Path) -> None:
    assert isinstance(open_sink(SinkConfig(SinkKind.WAV, str(tmp_path / "x.wav"))), WavSink)
    assert isinstance(open_sink(SinkConfig(SinkKind.NULL)), NullSink)


def test_speaker_without_a_sound_card_says_what_to_do() -> None:
    try:
        sink = SpeakerSink()
        sink.begin(FMT)
    except SinkError as exc:  # no PortAudio library, or no output device
        assert "PortAudio" in str(exc) or "wav:PATH" in str(exc)
    else:
        sink.close()
        pytest.skip("a real sound card is present")


class FakeOutputStream:
    """sounddevice.OutputStream in blocking mode: write waits for the audio's duration."""

    def __init__(
        self, samplerate: int, channels: int, dtype: str, device: Any, latency: Any
    ) -> None:
        self.samplerate, self.channels, self.dtype = samplerate, channels, dtype
        self.device, self.requested_latency = device, latency
        self.latency = 0.04
        self.active = False
        self.frames: list[np.ndarray] = []
        self.calls: list[str] = []
        self._abort = threading.Event()

    def start(self) -> None:
        self.active = True
        self._abort.clear()
        self.calls.append("start")

    def write(self, frames: np.ndarray) -> None:
        if not self.active:
            raise RuntimeError("Stream is stopped")
        self.frames.append(frames.copy())
        self._abort.wait(len(frames) / self.samplerate)

    def stop(self) -> None:
        self.active = False
        self.calls.append("stop")

    def abort(self) -> None:
        self.active = False
        self._abort.set()
        self.calls.append("abort")

    def close(self) -> None:
        self.calls.append("close")


class FakeSounddevice:
    def __init__(self) -> None:
        self.streams: list[FakeOutputStream] = []

    def OutputStream(self, **kwargs: Any) -> FakeOutputStream:
        stream = FakeOutputStream(**kwargs)
        self.streams.append(stream)
        return stream


def test_speaker_sink_writes_int16_frames_and_aborts() -> None:
    sd = FakeSounddevice()
    sink = SpeakerSink(device="3", latency="0.1", sounddevice=sd)
    sink.begin(FMT)
    stream = sd.streams[0]
    assert (stream.samplerate, stream.channels, stream.dtype) == (RATE, 1, "int16")
    assert (stream.device, stream.requested_latency) == (3, 0.1)
    assert sink.latency == pytest.approx(0.04)
    block = tone(0.03)
    sink.write(block)
    assert stream.frames[0].tobytes() == block.audio and stream.frames[0].shape == (661, 1)
    sink.end()
    sink.begin(FMT)  # the next utterance restarts the same stream
    writer = threading.Thread(target=sink.write, args=(tone(5.0),))
    writer.start()
    sink.abort()
    writer.join(timeout=2)
    assert not writer.is_alive()
    sink.write(tone(0.03))  # after a cut nothing more is written
    assert len(stream.frames) == 2
    sink.close()
    assert stream.calls == ["start", "stop", "start", "abort", "close"]
    assert len(sd.streams) == 1


def test_speaker_sink_reports_a_device_it_cannot_open() -> None:
    class NoDevice:
        def OutputStream(self, **kwargs: Any) -> None:
            raise ValueError("No output device matching 'hdmi'")

    with pytest.raises(SinkError, match="hdmi"):
        SpeakerSink(device="hdmi", sounddevice=NoDevice()).begin(FMT)
