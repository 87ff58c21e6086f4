"""Piper TTS with the real bundled voice: streaming, cache, prefetch, WAV out, barge-in."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from glasses.tts import (
    PiperTts,
    PlaybackKind,
    Player,
    PlayerConfig,
    RecordingSink,
    Speaker,
    TtsConfig,
    WavSink,
)
from tests.tts.helpers import Events

pytestmark = pytest.mark.models


def syntheses_since(tts: PiperTts, t: float) -> list[str]:
    return [h.sentence for h in tts.history if h.started >= t and not h.prefetch]


async def test_first_sentence_arrives_before_the_rest_is_synthesised(tts: PiperTts) -> None:
    text = "Streaming check one. The second sentence. A third one here. And a fourth."
    since = time.monotonic()
    stream = tts.stream(text)
    first = await anext(stream)
    done_at_first = syntheses_since(tts, since)
    rest = [chunk async for chunk in stream]
    assert first.rate == tts.rate == 22050 and first.width == 2 and first.channels == 1
    assert first.timestamp == 0.0 and first.seconds > 0.3
    assert done_at_first == ["Streaming check one."]  # only one sentence ahead is in work
    assert len(rest) == 3
    assert [c.timestamp for c in rest] == pytest.approx([first.end, rest[0].end, rest[1].end])
    assert syntheses_since(tts, since) == tts.sentences(text)


async def test_playback_starts_before_synthesis_ends(tts: PiperTts) -> None:
    text = "Order check alpha. Then bravo follows. Charlie comes third. Delta closes it."
    sink, events = RecordingSink(), Events()
    player = Player(sink, PlayerConfig(realtime=False), events)
    player.start()
    since = time.monotonic()
    player.play(1, tts.stream(text))
    await player.wait_idle()
    await player.close()
    started = events.items[0]
    assert started.kind is PlaybackKind.STARTED
    last_synthesised = max(h.finished for h in tts.history if h.started >= since)
    assert started.t < last_synthesised
    assert events.kinds() == [PlaybackKind.STARTED, PlaybackKind.FINISHED]


async def test_wav_sink_gets_the_whole_utterance(tts: PiperTts, tmp_path: Path) -> None:
    path = tmp_path / "speech.wav"
    player = Player(WavSink(path), PlayerConfig(realtime=False))
    player.start()
    player.play(1, tts.stream("Step two. Apply lockout."))
    player.play(2, tts.stream("Step three."))
    await player.wait_idle()
    await player.close()
    expected = b"".join([(await tts.synthesize_all(t)).audio
                         for t in ("Step two. Apply lockout.", "Step three.")])  # fmt: skip
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (22050, 2, 1)
        frames = wav.readframes(wav.getnframes())
    assert frames == expected
    assert np.abs(np.frombuffer(frames, dtype="<i2")).max() > 3000  # speech, not silence


async def test_cancel_stops_playback_and_pending_synthesis(tts: PiperTts) -> None:
    sentences = [f"Barge-in sentence number {n} is being read out now." for n in range(1, 7)]
    sink, events = RecordingSink(), Events()
    speaker = Speaker(tts, Player(sink, PlayerConfig(), events))
    speaker.start()
    since = time.monotonic()
    uid = speaker.say(" ".join(sentences))
    await events.wait_for(PlaybackKind.STARTED, uid)
    await asyncio.sleep(0.1)
    written = len(sink.blocks)
    speaker.cancel()
    await speaker.wait_idle()
    await tts.synthesize_all("Flush.")  # the speech worker has finished whatever it had
    assert events.kinds(uid) == [PlaybackKind.STARTED, PlaybackKind.CUT]
    assert len(sink.blocks) == written
    synthesised = [s for s in syntheses_since(tts, since) if s in sentences]
    assert len(synthesised) <= 3  # the one playing, the one ahead, perhaps one more: not all six
    assert speaker.speaking is None
    await speaker.player.close()


async def test_prefetched_text_is_spoken_from_the_cache(tts: PiperTts) -> None:
    next_step, previous_step = "Step five of nine. Close the suction valve.", "Step three of nine."
    assert not tts.is_cached(next_step)
    tts.prefetch([next_step, previous_step])
    assert await asyncio.to_thread(tts.wait_prefetched, 60)
    assert tts.is_cached(next_step) and tts.is_cached(previous_step)
    before = tts.stats()
    since = time.monotonic()
    audio = await tts.synthesize_all(next_step)
    after = tts.stats()
    assert after.hits - before.hits == 2 and after.misses == before.misses
    assert all(h.cached for h in tts.history if h.started >= since)
    assert len(audio.audio) > 0


def test_speed_and_volume(tts: PiperTts) -> None:
    text = "Check the belt tension."
    fast = PiperTts(tts.voice, TtsConfig(speed=1.5, volume=0.3, cache_sentences=0))
    try:
        normal_audio = np.frombuffer(tts.synthesize(text), dtype="<i2")
        fast_audio = np.frombuffer(fast.synthesize(text), dtype="<i2")
    finally:
        fast.close()
    assert len(fast_audio) < 0.85 * len(normal_audio)
    assert np.abs(fast_audio).max() < 0.4 * np.abs(normal_audio).max()


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="speed"):
        TtsConfig(speed=0)
    with pytest.raises(ValueError, match="volume"):
        TtsConfig(volume=2.5)
    with pytest.raises(ValueError, match="block_ms"):
        PlayerConfig(block_ms=1000)


async def test_speech_goes_before_queued_prefetches(tts: PiperTts) -> None:
    tts.prefetch([f"Prefetch item {n} for the queue." for n in ("one", "two", "three", "four")])
    since = time.monotonic()
    stream = tts.stream("Urgent reply now.")
    first = await anext(stream)
    await stream.aclose()
    spoken = next(h for h in tts.history if h.sentence == "Urgent reply now." and not h.prefetch)
    prefetched_meanwhile = [h for h in tts.history
                            if h.prefetch and since < h.finished <= spoken.finished]  # fmt: skip
    assert len(prefetched_meanwhile) <= 1  # at most the one already under way
    assert first.samples > 0
    assert await asyncio.to_thread(tts.wait_prefetched, 60)
