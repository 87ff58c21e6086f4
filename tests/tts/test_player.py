"""The player: blocks, events, pacing and the barge-in cut (synthetic audio, no model)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest

from glasses.tts import PlaybackKind, Player, PlayerConfig, RecordingSink
from glasses.tts.playback import blocks_of
from protocol.audio import AudioChunk
from tests.tts.helpers import Events, chunks, tone


def test_blocks_cover_the_chunk_in_order() -> None:
    chunk = tone(0.1, timestamp=2.0)
    blocks = blocks_of(chunk, 30)
    assert b"".join(b.audio for b in blocks) == chunk.audio
    assert [b.samples for b in blocks] == [661, 661, 661, 222]
    assert blocks[1].timestamp == pytest.approx(2.0 + 661 / 22050)


async def test_plays_every_block_and_reports_start_and_finish() -> None:
    sink, events = RecordingSink(), Events()
    player = Player(sink, PlayerConfig(realtime=False), events)
    player.start()
    player.play(7, chunks(0.2, 0.3))
    await player.wait_idle()
    await player.close()
    assert events.kinds() == [PlaybackKind.STARTED, PlaybackKind.FINISHED]
    assert len(sink.audio) == 2 * int(0.2 * 22050) + 2 * int(0.3 * 22050)
    assert sink.kinds()[0] == "begin" and sink.kinds()[-1] == "end"
    assert all(b.seconds <= 0.031 for b in sink.blocks)
    assert events.items[-1].samples == len(sink.audio) // 2
    assert sink.closed


async def test_realtime_pacing_spreads_writes_over_the_audio_length() -> None:
    sink, events = RecordingSink(), Events()
    player = Player(sink, PlayerConfig(lead_ms=0), events)
    player.start()
    player.play(1, chunks(0.5))
    await player.wait_idle()
    await player.close()
    writes = [r.t for r in sink.records if r.kind == "write"]
    started, finished = events.items[0].t, events.items[-1].t
    assert writes[-1] - writes[0] > 0.3  # written as it would be heard, not all at once
    assert finished - started >= 0.45


async def test_cancel_cuts_at_once_and_drops_queued_utterances() -> None:
    sink, events = RecordingSink(), Events()
    player = Player(sink, PlayerConfig(), events)
    player.start()
    player.play(1, chunks(1.0, 1.0, 1.0, 1.0))
    player.play(2, chunks(1.0))
    await events.wait_for(PlaybackKind.STARTED, 1)
    await asyncio.sleep(0.2)
    writes_before = len(sink.blocks)
    player.cancel()
    await player.wait_idle()
    assert len(sink.blocks) == writes_before  # not one block after the cut
    assert "abort" in sink.kinds()
    assert events.kinds(1) == [PlaybackKind.STARTED, PlaybackKind.CUT]
    assert events.kinds(2) == [PlaybackKind.CUT]
    cut = next(e for e in events.items if e.utterance_id == 1 and e.kind is PlaybackKind.CUT)
    assert 0 < cut.samples < 4 * 22050
    player.play(3, chunks(0.1))  # the player goes on after a cut
    await player.wait_idle()
    await player.close()
    assert events.kinds(3) == [PlaybackKind.STARTED, PlaybackKind.FINISHED]


async def test_cancel_stops_the_synthesis_stream() -> None:
    produced: list[int] = []
    closed = asyncio.Event()

    async def slow_synthesis() -> AsyncIterator[AudioChunk]:
        try:
            for i in range(10):
                await asyncio.sleep(0.05)
                produced.append(i)
                yield tone(0.5)
        finally:
            closed.set()

    sink, events = RecordingSink(), Events()
    player = Player(sink, PlayerConfig(queue_blocks=4), events)
    player.start()
    player.play(1, slow_synthesis())
    await events.wait_for(PlaybackKind.STARTED)
    player.cancel()
    await asyncio.wait_for(closed.wait(), 5)
    await player.close()
    assert len(produced) < 10


async def test_a_synthesis_error_ends_the_utterance_not_the_player() -> None:
    async def broken() -> AsyncIterator[AudioChunk]:
        yield tone(0.05)
        raise RuntimeError("voice exploded")

    sink, events = RecordingSink(), Events()
    player = Player(sink, PlayerConfig(realtime=False), events)
    player.start()
    player.play(1, broken())
    player.play(2, chunks(0.05))
    await player.wait_idle()
    await player.close()
    assert events.kinds(1) == [PlaybackKind.STARTED, PlaybackKind.CUT]
    assert "voice exploded" in events.items[1].error
    assert events.kinds(2) == [PlaybackKind.STARTED, PlaybackKind.FINISHED]


class FakeSoundCard:
    """A blocking sink like a sound card: each write takes the block's duration in real
    time, and ``abort`` releases a write in progress at once."""

    blocking = True
    latency = 0.05

    def __init__(self) -> None:
        self.aborted = threading.Event()
        self.written: list[AudioChunk] = []
        self.ended = 0

    def begin(self, fmt: object) -> None:
        self.aborted.clear()

    def write(self, block: AudioChunk) -> None:
        if self.aborted.is_set():
            return
        self.written.append(block)
        self.aborted.wait(block.seconds)

    def end(self) -> None:
        self.ended += 1

    def abort(self) -> None:
        self.aborted.set()

    def close(self) -> None:
        pass


async def test_blocking_sink_is_written_off_the_loop_and_cut_mid_write() -> None:
    card, events = FakeSoundCard(), Events()
    player = Player(card, PlayerConfig(), events)
    player.start()
    player.play(1, chunks(2.0))
    started = await events.wait_for(PlaybackKind.STARTED)
    ticks = 0
    while len(card.written) < 5:  # the loop keeps running while the card plays
        await asyncio.sleep(0.01)
        ticks += 1
    written = len(card.written)
    player.cancel()
    await player.wait_idle()
    await player.close()
    assert ticks > 5
    assert len(card.written) == written
    assert events.kinds() == [PlaybackKind.STARTED, PlaybackKind.CUT]
    assert events.items[-1].t >= started.t - card.latency
    assert card.ended == 0


async def test_full_queue_raises() -> None:
    player = Player(RecordingSink(), PlayerConfig(queue_utterances=1))
    player.play(1, chunks(0.1))
    with pytest.raises(asyncio.QueueFull):
        player.play(2, chunks(0.1))
    await player.close()
