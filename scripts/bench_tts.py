"""Measure speech output on this machine with the bundled Piper voice.

Prints, from one run: time to first audio when streaming sentence by sentence versus
synthesising the whole text first; the synthesis real-time factor; time to first
audio for a prefetched (cached) text; and how long a barge-in cut takes to silence
a sound card (a blocking fake card that plays in real time) and to report the cut.

Example: python scripts/bench_tts.py --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time

from glasses.tts import PiperTts, PlaybackEvent, PlaybackKind, Player, PlayerConfig, TtsConfig
from protocol.audio import AudioChunk, AudioFormat

STEP_TEXT = (
    "Step 3 of 9. Read the discharge pressure on the manifold gauge. "
    "Expected 250 to 450 psig. Caution: discharge lines can exceed 90 degrees Celsius. "
    "Say confirm when the reading is recorded."
)


class RealtimeCard:
    """A blocking sink that takes each block's duration to 'play' and aborts at once."""

    blocking = True
    latency = 0.0

    def __init__(self) -> None:
        self.abort_event = threading.Event()
        self.returned_after_abort: float | None = None

    def begin(self, fmt: AudioFormat) -> None:
        self.abort_event.clear()

    def write(self, block: AudioChunk) -> None:
        if self.abort_event.wait(block.seconds) and self.returned_after_abort is None:
            self.returned_after_abort = time.monotonic()

    def end(self) -> None:
        pass

    def abort(self) -> None:
        self.abort_event.set()

    def close(self) -> None:
        pass


async def first_audio(tts: PiperTts, text: str) -> tuple[float, float]:
    """Seconds to the first streamed chunk, and to the end of the stream."""
    started = time.perf_counter()
    first = None
    async for _chunk in tts.stream(text):
        first = first if first is not None else time.perf_counter() - started
    return first or 0.0, time.perf_counter() - started


async def cut_latency(tts: PiperTts) -> tuple[float, float]:
    """Seconds from cancel() to the card going silent, and to the CUT event."""
    card = RealtimeCard()
    started, cut_seen = asyncio.Event(), asyncio.Event()
    cut_at: list[float] = []

    def on_event(event: PlaybackEvent) -> None:
        if event.kind is PlaybackKind.STARTED:
            started.set()
        if event.kind is PlaybackKind.CUT:
            cut_at.append(time.monotonic())
            cut_seen.set()

    player = Player(card, PlayerConfig(), on_event)
    player.start()
    player.play(1, tts.stream(STEP_TEXT))
    await started.wait()
    await asyncio.sleep(1.0)
    cancelled = time.monotonic()
    player.cancel()
    await cut_seen.wait()
    await player.wait_idle()
    await player.close()
    silent = (card.returned_after_abort or cancelled) - cancelled
    return silent, cut_at[0] - cancelled


async def run(repeat: int) -> None:
    loaded = time.perf_counter()
    tts = await asyncio.to_thread(PiperTts.load, TtsConfig(cache_sentences=0))
    print(f"voice loaded in {time.perf_counter() - loaded:.2f} s, {tts.rate} Hz")
    firsts, totals = [], []
    for _ in range(repeat):
        first, total = await first_audio(tts, STEP_TEXT)
        firsts.append(first)
        totals.append(total)
    audio = await tts.synthesize_all(STEP_TEXT)
    first, total = statistics.median(firsts), statistics.median(totals)
    print(f"step text: {len(tts.sentences(STEP_TEXT))} sentences, {audio.seconds:.2f} s of speech")
    print(f"first audio streamed {first * 1000:.0f} ms vs whole text {total * 1000:.0f} ms "
          f"(ratio {total / first:.1f}x sooner)")  # fmt: skip
    print(f"synthesis real-time factor {total / audio.seconds:.3f} (synthesis s per audio s)")
    tts.close()

    cached = PiperTts(tts.voice, TtsConfig())
    cached.prefetch([STEP_TEXT])
    await asyncio.to_thread(cached.wait_prefetched, 120)
    warm = statistics.median([(await first_audio(cached, STEP_TEXT))[0] for _ in range(repeat)])
    print(
        f"first audio from prefetch cache {warm * 1000:.1f} ms (ratio {first / warm:.0f}x sooner)"
    )
    silent, reported = await cut_latency(cached)
    print(f"barge-in: card silent {silent * 1000:.1f} ms after cancel(), CUT event after "
          f"{reported * 1000:.1f} ms")  # fmt: skip
    cached.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args(argv)
    asyncio.run(run(max(1, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
