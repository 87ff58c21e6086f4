"""Framing, the noise-floor speech detector, the speech gate and the endpointer."""

from __future__ import annotations

import numpy as np
import pytest

from glasses.audio.config import EndpointConfig, GateConfig
from glasses.audio.endpoint import Endpointer, EpKind, EpState
from glasses.audio.noise import noise_pcm16
from glasses.audio.vad import FRAME_BYTES, AudioFormatError, Frame, Framer, SpeechGate
from glasses.audio.wav import pcm_to_chunks
from protocol.audio import AudioChunk


def frames_of(pcm: np.ndarray) -> list[Frame]:
    framer = Framer()
    return [f for c in pcm_to_chunks(pcm, 20) for f in framer.push(c)]


def test_framer_reslices_20ms_chunks_into_30ms_frames() -> None:
    frames = frames_of(np.arange(16000, dtype=np.int16))
    assert len(frames) == 33
    assert all(len(f.pcm) == FRAME_BYTES for f in frames)
    assert [round(f.t, 3) for f in frames[:3]] == [0.0, 0.03, 0.06]
    joined = np.frombuffer(b"".join(f.pcm for f in frames), np.int16)
    assert np.array_equal(joined, np.arange(len(joined), dtype=np.int16))


def test_framer_rejects_audio_in_another_format() -> None:
    with pytest.raises(AudioFormatError, match="44100 Hz"):
        list(Framer().push(AudioChunk(b"\0" * 1764, rate=44100)))


def test_gate_stays_closed_in_silence_and_steady_fan_noise(fixtures) -> None:
    for pcm in (np.zeros(16000 * 20, np.int16), noise_pcm16(20.0, seed=3, level_dbfs=-20)):
        gate = SpeechGate(GateConfig())
        steps = [gate.step(f) for f in frames_of(pcm)]
        assert not any(s.open for s in steps)


def test_gate_opens_on_speech_with_preroll_and_closes_after_hangover(fixtures) -> None:
    fx = next(f for f in fixtures if f.wake and f.speed == 1.0)
    gate = SpeechGate(GateConfig(hangover_ms=1000, preroll_ms=600))
    steps = [(f, gate.step(f)) for f in frames_of(fx.pcm(10.0))]
    opened = [(f, s) for f, s in steps if s.opened]
    assert len(opened) == 1
    frame, step = opened[0]
    assert frame.t == pytest.approx(fx.speech_start_s, abs=0.2)
    assert len(step.feed) == 20 * FRAME_BYTES  # 600 ms of pre-roll
    closed = [f for f, s in steps if s.closed]
    assert closed and closed[0].t > fx.speech_end_s + 0.5  # hangover after the last loud frame


def endpointer_events(pattern: str, cfg: EndpointConfig) -> list[tuple[EpKind, float, float]]:
    """Feed one frame per character: '#' speech, '.' silence."""
    ep = Endpointer(cfg)
    ep.start(0.0)
    out = []
    for i, ch in enumerate(pattern):
        frame = Frame(b"\0" * FRAME_BYTES, i * 0.03)
        out += [
            (e.kind, round(e.t, 2), round(e.t_speech_end, 2)) for e in ep.push(frame, ch == "#")
        ]
    return out


def test_endpoint_after_configured_silence_with_one_speculation() -> None:
    cfg = EndpointConfig(silence_ms=300, speculative_ms=90, start_frames=3)
    events = endpointer_events("....#####" + "." * 12, cfg)
    assert events == [
        (EpKind.SPEECH_START, 0.12, 0.0),
        (EpKind.SPECULATE, 0.36, 0.27),
        (EpKind.END, 0.57, 0.27),
    ]


def test_speech_resuming_after_a_pause_cancels_the_speculation() -> None:
    cfg = EndpointConfig(silence_ms=300, speculative_ms=90, start_frames=3)
    kinds = [k for k, _, _ in endpointer_events("####....####" + "." * 12, cfg)]
    assert kinds == [
        EpKind.SPEECH_START,
        EpKind.SPECULATE,
        EpKind.RESUMED,
        EpKind.SPECULATE,
        EpKind.END,
    ]


def test_no_speech_timeout_and_max_length() -> None:
    cfg = EndpointConfig(no_speech_timeout_ms=300, max_utterance_ms=600)
    assert endpointer_events("." * 20, cfg) == [(EpKind.NO_SPEECH, 0.3, 0.0)]
    ends = [e for e in endpointer_events("#" * 40, cfg) if e[0] is EpKind.END]
    assert len(ends) == 1 and ends[0][1] == pytest.approx(0.6, abs=0.031)


def test_utterance_audio_is_identical_for_speculation_and_endpoint() -> None:
    cfg = EndpointConfig(silence_ms=300, speculative_ms=120, tail_ms=120, preroll_ms=60)
    ep = Endpointer(cfg)
    ep.start(0.0)
    keys = {}
    for i, ch in enumerate("...#####" + "." * 12):
        frame = Frame(bytes([i]) * FRAME_BYTES, i * 0.03)
        for e in ep.push(frame, ch == "#"):
            keys[e.kind] = ep.utterance()
    assert ep.state is EpState.IDLE
    spec, end = keys[EpKind.SPECULATE], keys[EpKind.END]
    assert spec.key == end.key and spec.pcm == end.pcm
    assert len(end.pcm) == (2 + 5 + 4) * FRAME_BYTES  # pre-roll + speech + tail
