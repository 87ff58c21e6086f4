#!/usr/bin/env python
"""Benchmark the glasses' voice pipeline with the real models, in one run.

Sections (one function each, listed in SECTIONS; the loop.* sections live in
scripts/bench_voice_loop.py, see its docstring):
  input.wake      wake detection rate per SNR (clean, 20, 10, 5 dB)
  input.false     false wakes per hour over >= 10 min of non-wake speech in fan noise
  input.asr       WER and transcript accuracy per SNR
  input.latency   end of speech -> final transcript (real-time replay) vs silence + raw ASR
  input.cpu       CPU seconds per audio second while idle, in silence and in fan noise
  loop.intent     intent accuracy per SNR through the whole pipeline and the recognizer
  loop.latency    navigation commands: end of speech -> first reply sample vs
                  silence + raw ASR + raw TTS
  loop.barge_in   wake word / "stop" while speaking -> speech cut
  loop.rss        glasses process peak RSS with every model loaded

Example: python scripts/bench_voice.py                (everything, ~30 min on 2 cores)
         python scripts/bench_voice.py --quick        (speed-1.0 fixtures only)
         python scripts/bench_voice.py --only loop    (the voice-loop sections only)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from bench_voice_loop import loop_sections, print_goals

from glasses.audio.config import VoiceConfig
from glasses.audio.events import SpeechEnd, Transcript, VoiceEvent, WakeDetected
from glasses.audio.fixtures import Fixture, false_wake_sentences, load_manifest
from glasses.audio.noise import mix_at_snr, noise_pcm16
from glasses.audio.pipeline import VoiceInput
from glasses.audio.sources import ReplaySource
from glasses.audio.textnorm import normalize, wer
from glasses.audio.wav import RATE, pcm_to_chunks

SNRS: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0)
TITLES = ("Compressor restart procedure", "CRAC filter replacement", "UPS battery inspection")
GOALS = {
    "wake_clean": 0.95,
    "wake_10db": 0.90,
    "latency_ratio_p50": 0.65,
    "cpu_silence": 0.03,
    "cpu_fan": 0.10,
}


def snr_label(snr: float | None) -> str:
    return "clean" if snr is None else f"{snr:g} dB"


@dataclass
class Run:
    """What the pipeline did with one fixture at one SNR."""

    fixture: Fixture
    snr: float | None
    events: list[VoiceEvent] = field(default_factory=list)

    @property
    def woke(self) -> bool:
        return any(isinstance(e, WakeDetected) for e in self.events)

    @property
    def text(self) -> str:
        return " ".join(e.text for e in self.events if isinstance(e, Transcript))


async def _collect(
    voice: VoiceInput, pcm: np.ndarray, listen: bool, realtime: bool
) -> list[VoiceEvent]:
    if listen:
        voice.listen()
    return [e async for e in voice.events(ReplaySource(pcm_to_chunks(pcm), realtime=realtime))]


def run_fixture(voice: VoiceInput, fx: Fixture, snr: float | None, realtime: bool = False) -> Run:
    """Wake fixtures go through the wake word; others are heard with listening armed."""
    events = asyncio.run(_collect(voice, fx.pcm(snr), listen=not fx.wake, realtime=realtime))
    return Run(fx, snr, events)


def section_wake(runs: Sequence[Run]) -> dict[str, float]:
    print("\n== input.wake: wake-word detection ==")
    out: dict[str, float] = {}
    for snr in SNRS:
        wake = [r for r in runs if r.snr == snr and r.fixture.wake]
        if not wake:
            continue
        rate = sum(r.woke for r in wake) / len(wake)
        out[snr_label(snr)] = rate
        missed = [r.fixture.file for r in wake if not r.woke]
        print(
            f"  {snr_label(snr):>7}: detected {sum(r.woke for r in wake)}/{len(wake)} = {rate:.1%}"
            + (
                f"  missed: {', '.join(missed[:4])}{' ...' if len(missed) > 4 else ''}"
                if missed
                else ""
            )
        )
    return out


def section_asr(runs: Sequence[Run]) -> dict[str, float]:
    print("\n== input.asr: transcripts (wake fixtures: the command after the wake word) ==")
    out: dict[str, float] = {}
    for snr in SNRS:
        sel = [r for r in runs if r.snr == snr]
        if not sel:
            continue
        pairs = [(r.fixture.command_text, r.text) for r in sel]
        exact = sum(normalize(a) == normalize(b) for a, b in pairs) / len(pairs)
        out[snr_label(snr)] = wer(pairs)
        print(
            f"  {snr_label(snr):>7}: WER {wer(pairs):.1%}  "
            f"transcript accuracy {exact:.1%}  (n={len(pairs)})"
        )
        for r in sel:
            if normalize(r.fixture.command_text) != normalize(r.text) and snr is None:
                print(f"           {r.fixture.file}: {r.text!r}")
    return out


def _false_wake_audio(minutes: float, seed: int = 7) -> np.ndarray:
    """Non-wake speech (Piper sentences and non-wake fixtures) with pauses, >= ``minutes``."""
    from glasses.audio.synth import PiperSynth

    piper = PiperSynth()
    sentences = false_wake_sentences()
    commands = [f for f in load_manifest() if not f.wake]
    rng = np.random.default_rng(seed)
    parts: list[np.ndarray] = []
    total, i = 0, 0
    while total < minutes * 60 * RATE:
        if i % 3 == 2:
            speech = commands[(i // 3) % len(commands)].pcm()
        else:
            speed = (0.85, 1.0, 1.15)[i % 3]
            speech = piper.synth(sentences[(i // 3 * 2 + i % 3) % len(sentences)], speed)
            speech = (speech.astype(np.float64) * 0.4).astype(np.int16)
        gap = np.zeros(int(rng.uniform(0.3, 1.5) * RATE), np.int16)
        parts += [speech, gap]
        total += len(speech) + len(gap)
        i += 1
    return np.concatenate(parts)


def section_false_wakes(voice: VoiceInput, minutes: float) -> float:
    print(f"\n== input.false: false wakes over {minutes:g}+ min of non-wake speech ==")
    audio = _false_wake_audio(minutes)
    hours = len(audio) / RATE / 3600
    worst = 0.0
    for snr in (None, 10.0):
        pcm = audio if snr is None else mix_at_snr(audio, snr, seed=11)
        events = asyncio.run(_collect(voice, pcm, listen=False, realtime=False))
        wakes = [e for e in events if isinstance(e, WakeDetected)]
        per_hour = len(wakes) / hours
        worst = max(worst, per_hour)
        at = ", ".join(f"{w.t:.1f}s" for w in wakes[:5])
        print(
            f"  {snr_label(snr):>7}: {len(wakes)} false wakes in {hours * 60:.1f} min = "
            f"{per_hour:.1f}/hour{'  at ' + at if wakes else ''}"
        )
    return worst


def section_near_misses(voice: VoiceInput) -> None:
    """Words that sound like the wake word: reported, not counted as false wakes."""
    from glasses.audio.synth import PiperSynth

    print("\n== input.near: near misses (highest wake score; Piper 3 speeds, clean and 10 dB) ==")
    piper = PiperSynth()
    pad = np.zeros(RATE // 2, np.int16)
    threshold = voice.cfg.wake.threshold
    for sentence in false_wake_sentences(name="near_miss_sentences.txt"):
        best = 0.0
        for speed in (0.85, 1.0, 1.15):
            speech = (piper.synth(sentence, speed).astype(np.float64) * 0.4).astype(np.int16)
            clip = np.concatenate([pad, speech, pad])
            for snr in (None, 10.0):
                pcm = clip if snr is None else mix_at_snr(clip, snr, seed=3)
                assert voice.wake is not None
                voice.wake.max_score = 0.0
                asyncio.run(_collect(voice, pcm, listen=False, realtime=False))
                best = max(best, voice.wake.max_score)
        mark = "WAKES" if best >= threshold else "     "
        print(f"  {mark} {best:.2f}  {sentence}")


def _raw_asr_seconds(voice: VoiceInput, fx: Fixture) -> float:
    pcm = fx.pcm()
    a = max(0, int((fx.speech_start_s - 0.3) * RATE))
    b = int((fx.speech_end_s + 0.12) * RATE)
    x = pcm[a:b].astype(np.float32) / 32768.0
    started = time.perf_counter()
    segments, _ = voice.asr.model.transcribe(x, **voice.asr.transcribe_kwargs())
    list(segments)
    return time.perf_counter() - started


def section_latency(voice: VoiceInput, fixtures: Sequence[Fixture]) -> float:
    print("\n== input.latency: end of speech -> final transcript (real-time replay) ==")
    silence = voice.cfg.endpoint.silence_ms / 1000
    ours, base, endpoint_err = [], [], []
    for fx in fixtures:
        run = run_fixture(voice, fx, None, realtime=True)
        final = [e for e in run.events if isinstance(e, Transcript)]
        ends = [e for e in run.events if isinstance(e, SpeechEnd)]
        if not final or not ends:
            print(f"  {fx.file}: no transcript, skipped")
            continue
        ours.append(final[-1].t_final - fx.speech_end_s)
        base.append(silence + _raw_asr_seconds(voice, fx))
        endpoint_err.append(ends[-1].t - fx.speech_end_s - silence)
    if not ours:
        return float("nan")
    ratios = [o / b for o, b in zip(ours, base, strict=True)]
    p = lambda xs, q: float(np.percentile(xs, q))  # noqa: E731
    print(f"  n={len(ours)}  ours p50 {p(ours, 50) * 1000:.0f} ms  p95 {p(ours, 95) * 1000:.0f} ms")
    print(
        f"  silence {silence * 1000:.0f} ms + raw transcribe: p50 {p(base, 50) * 1000:.0f} ms  "
        f"p95 {p(base, 95) * 1000:.0f} ms"
    )
    print(
        f"  ratio ours / (silence + raw ASR): p50 {statistics.median(ratios):.2f}  "
        f"p95 {p(ratios, 95):.2f}  (p50 of ours / p50 of baseline: {p(ours, 50) / p(base, 50):.2f})"
    )
    print(
        "  endpoint - (end of speech + silence): "
        f"median {statistics.median(endpoint_err) * 1000:+.0f} ms, "
        f"range {min(endpoint_err) * 1000:+.0f} .. {max(endpoint_err) * 1000:+.0f} ms"
    )
    return statistics.median(ratios)


def _cpu_per_audio_second(voice: VoiceInput, pcm: np.ndarray) -> float:
    started = time.process_time()
    asyncio.run(_collect(voice, pcm, listen=False, realtime=False))
    return (time.process_time() - started) / (len(pcm) / RATE)


def section_cpu(voice: VoiceInput, seconds: float = 120.0) -> dict[str, float]:
    print(f"\n== input.cpu: idle listening, {seconds:g} s of audio as fast as possible ==")
    out = {
        "silence": _cpu_per_audio_second(voice, np.zeros(int(seconds * RATE), np.int16)),
        "fan noise": _cpu_per_audio_second(voice, noise_pcm16(seconds, seed=5, level_dbfs=-25.0)),
    }
    for name, value in out.items():
        print(f"  {name:>9}: {value:.4f} CPU s per audio s = {value:.2%} of one core")
    return out


def input_sections(args: argparse.Namespace) -> list[tuple[str, bool]]:
    """The voice-input part of the benchmark; returns (goal, met) pairs."""
    voice = VoiceInput.load(VoiceConfig(), TITLES)
    try:
        fixtures = load_manifest()
        chosen = [f for f in fixtures if not args.quick or f.speed == 1.0]
        runs = [run_fixture(voice, fx, snr) for snr in SNRS for fx in chosen]
        wake = section_wake(runs)
        false_rate = section_false_wakes(voice, args.false_minutes)
        section_near_misses(voice)
        section_asr(runs)
        latency_fx = [f for f in fixtures if f.speed == 1.0 and "joe" in f.voice]
        ratio = section_latency(voice, latency_fx)
        cpu = section_cpu(voice)
    finally:
        voice.close()
    return [
        (f"wake clean >= {GOALS['wake_clean']:.0%}", wake.get("clean", 0) >= GOALS["wake_clean"]),
        (f"wake 10 dB >= {GOALS['wake_10db']:.0%}", wake.get("10 dB", 0) >= GOALS["wake_10db"]),
        ("zero false wakes", false_rate == 0),
        (f"latency ratio p50 <= {GOALS['latency_ratio_p50']}", ratio <= GOALS["latency_ratio_p50"]),
        (f"idle CPU silence <= {GOALS['cpu_silence']:.0%}", cpu["silence"] <= GOALS["cpu_silence"]),
        (f"idle CPU fan <= {GOALS['cpu_fan']:.0%}", cpu["fan noise"] <= GOALS["cpu_fan"]),
    ]


SECTIONS: dict[str, Callable[[argparse.Namespace], list[tuple[str, bool]]]] = {
    "input": input_sections,
    "loop": loop_sections,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only speed-1.0 fixtures")
    parser.add_argument(
        "--false-minutes",
        type=float,
        default=10.0,
        help="minutes of non-wake speech for false wakes (default 10)",
    )
    parser.add_argument("--only", choices=sorted(SECTIONS), help="run one group of sections")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    goals: list[tuple[str, bool]] = []
    for name, section in SECTIONS.items():
        if args.only in (None, name):
            goals += section(args)
    print_goals(goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
