#!/usr/bin/env python
"""Benchmark the whole voice loop with the real models, in one run.

Sections (one function each, so scripts/bench_voice.py can call them):
  loop.intent    intent accuracy per SNR (clean, 20, 10, 5 dB): VAD/wake/endpoint ->
                 Whisper -> recognizer against the manifest. The goal figure counts an
                 utterance right when the intent (and the wake word, if it had one) and the
                 command's parameters (procedure, step number, reading value and unit) are
                 right; the free-text slots (a question, a note) are transcripts and are
                 scored by word error rate next to it, and exact-match as a third column
  loop.latency   navigation commands: end of speech -> first reply sample (player STARTED),
                 next to endpoint silence + raw Whisper + raw Piper of the same clip and reply
  loop.barge_in  while a long reply plays: wake detection / "stop" transcript -> CUT event
  loop.rss       peak RSS (VmHWM) of a glasses process with every model loaded

Example: python scripts/bench_voice_loop.py            (everything, ~15 min on 2 cores)
         python scripts/bench_voice_loop.py --quick    (speed-1.0 fixtures for accuracy)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glasses.audio import events as vev
from glasses.audio.fixtures import Fixture, load_manifest
from glasses.audio.pipeline import VoiceInput
from glasses.audio.sources import ReplaySource
from glasses.audio.textnorm import normalize, strip_wake_phrase, wer
from glasses.audio.wav import RATE, pcm_to_chunks
from glasses.config import GlassesConfig
from glasses.intent.procedures import ProcedureTuple, best_match
from glasses.intent.recognizer import IntentRecognizer
from glasses.machine.events import IntentRecognized
from glasses.runtime.app import GlassesApp, RunOptions
from glasses.runtime.voice import run_voice

SNRS: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0)
GOALS = {"intent_clean": 0.95, "intent_10db": 0.90, "latency_ratio_p50": 0.6, "rss_mb": 600.0}
NAV_INTENTS = ("next_step", "previous_step", "repeat_step", "go_to_step")


def snr_label(snr: float | None) -> str:
    return "clean" if snr is None else f"{snr:g} dB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


# -- loop.intent ------------------------------------------------------------------------
def slots_match(
    expected: dict[str, Any], got: dict[str, Any], procs: Sequence[ProcedureTuple]
) -> bool:
    """Numbers equal, texts equal after normalisation, a procedure name resolved to its id."""
    for key, want in expected.items():
        have = got.get(key)
        if key == "procedure":
            found = best_match(str(want), list(procs))
            if found is None or have != found.id:
                return False
        elif isinstance(want, int | float) and not isinstance(want, bool):
            if not isinstance(have, int | float) or abs(float(have) - float(want)) > 1e-6:
                return False
        elif normalize(str(want)) != normalize(str(have or "")):
            return False
    return True


async def _transcribe(voice: VoiceInput, pcm: np.ndarray, listen: bool) -> tuple[bool, str]:
    """(woken, text) as run_voice would see them; the wake phrase stripped as it strips it."""
    if listen:
        voice.listen()
    woken, texts = False, []
    async for event in voice.events(ReplaySource(pcm_to_chunks(pcm))):
        if isinstance(event, vev.Transcript):
            woken = woken or event.woken
            texts.append(event.text)
    text = " ".join(texts)
    if not woken and voice.wake is not None:
        stripped = strip_wake_phrase(text, voice.wake.name)
        woken, text = (True, stripped) if stripped != text.strip() else (False, text)
    return woken, text


COMMAND_MODE = ("next_step", "previous_step", "repeat_step", "confirm", "stop")


@dataclass(frozen=True)
class Heard:
    """One fixture at one SNR: what the loop understood."""

    fixture: Fixture
    text: str
    intent_ok: bool
    """The intent (and, for wake fixtures, the wake word) was right."""
    slots_ok: bool
    """The command's parameters (procedure, number, value, unit) are right."""
    command_mode_ok: bool | None
    """Non-wake navigation fixtures: accepted without the wake word (strict)."""
    exact_ok: bool = False
    """Every slot right, free text equal after normalisation."""
    free_text: tuple[tuple[str, str], ...] = ()
    """(expected, heard) for the free-text slots."""


FREE_TEXT = ("question", "text")
"""Slots that are transcripts rather than command parameters."""


async def hear_fixture(
    voice: VoiceInput, recognizer: IntentRecognizer, fx: Fixture, snr: float | None
) -> Heard:
    woken, text = await _transcribe(voice, fx.pcm(snr), listen=not fx.wake)
    result = recognizer.recognize(text, strict=False) if text else None
    intent_ok = result is not None and (woken or not fx.wake) and result.intent.value == fx.intent
    got = dict(result.slots) if result is not None else {}
    params = {k: v for k, v in fx.slots.items() if k not in FREE_TEXT}
    free = [(str(v), str(got.get(k, ""))) for k, v in fx.slots.items() if k in FREE_TEXT]
    slots_ok = result is not None and slots_match(params, got, recognizer.procedures)
    exact_ok = result is not None and slots_match(fx.slots, got, recognizer.procedures)
    strict = None
    if not fx.wake and fx.intent in COMMAND_MODE:
        found = recognizer.recognize(text, strict=True) if text else None
        strict = found is not None and found.intent.value == fx.intent
    return Heard(fx, text, intent_ok, slots_ok, strict, exact_ok, tuple(free))


async def section_intent(
    voice: VoiceInput, recognizer: IntentRecognizer, fixtures: Sequence[Fixture]
) -> dict[str, float]:
    """Accuracy per SNR; wake fixtures must wake, the others are heard with listening armed."""
    print("\n== loop.intent: intent + slots through the real pipeline ==")
    out: dict[str, float] = {}
    for snr in SNRS:
        began = time.perf_counter()
        heard = [await hear_fixture(voice, recognizer, fx, snr) for fx in fixtures]
        right = sum(h.intent_ok and h.slots_ok for h in heard)
        exact = sum(h.intent_ok and h.exact_ok for h in heard)
        free = [pair for h in heard if h.intent_ok for pair in h.free_text]
        nav = [h.command_mode_ok for h in heard if h.command_mode_ok is not None]
        out[snr_label(snr)] = right / len(heard)
        print(
            f"  {snr_label(snr):>7}: intent {right}/{len(heard)} = {right / len(heard):.1%}  "
            f"free-text slots WER {wer(free):.1%}  all slots exact {exact / len(heard):.1%}  "
            f"command mode (no wake word) navigation {sum(nav)}/{len(nav)}  "
            f"({time.perf_counter() - began:.0f} s)"
        )
        wrong = [h for h in heard if not (h.intent_ok and h.slots_ok)]
        for h in wrong[: len(wrong) if snr is None else 4]:
            print(f"           wrong: {h.fixture.file[:48]} -> {h.text!r}")
        if snr is not None and len(wrong) > 4:
            print(f"           ... and {len(wrong) - 4} more")
    return out


# -- the running glasses ----------------------------------------------------------------
@dataclass
class Timeline:
    """Monotonic times of the voice stage's events and the glasses' event-log lines."""

    voice: list[tuple[float, object]] = field(default_factory=list)
    log: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    origin: float = 0.0
    """Monotonic time of stream second 0 of the latest replay."""

    def since(self, t0: float, name: str, **match: Any) -> float | None:
        for t, rec in self.log:
            if t >= t0 and rec["event"] == name and all(rec.get(k) == v for k, v in match.items()):
                return t
        return None

    async def wait(self, t0: float, name: str, within: float = 10.0) -> float | None:
        """The time of the first ``name`` line since ``t0``, waiting up to ``within`` s.
        Times are taken when the line is emitted, so polling here costs no precision."""
        deadline = time.monotonic() + within
        while (t := self.since(t0, name)) is None and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        return t

    def records(self, t0: float, name: str) -> list[dict[str, Any]]:
        return [rec for t, rec in self.log if t >= t0 and rec["event"] == name]


class TimedVoice:
    """The voice stage as run_voice uses it, noting when each of its events came out."""

    def __init__(self, voice: VoiceInput, timeline: Timeline) -> None:
        self._voice, self._timeline = voice, timeline

    def listen(self) -> None:
        self._voice.listen()

    async def events(self, source: Any) -> AsyncIterator[object]:
        async for event in self._voice.events(source):
            self._timeline.voice.append((time.monotonic(), event))
            yield event


async def _replay(
    pcm: np.ndarray, timeline: Timeline, lead_s: float, tail_s: float
) -> AsyncIterator[Any]:
    audio = np.concatenate(
        [np.zeros(int(lead_s * RATE), np.int16), pcm, np.zeros(int(tail_s * RATE), np.int16)]
    )
    first = True
    async for chunk in ReplaySource(pcm_to_chunks(audio), realtime=True):
        if first:  # the replay yields a chunk once its end is "recorded"
            timeline.origin, first = time.monotonic() - chunk.end, False
        yield chunk


async def open_app(data_dir: Path) -> tuple[GlassesApp, Timeline]:
    """The glasses with real models, speaking (paced in real time) into a WAV file."""
    config = GlassesConfig(data_dir=data_dir)
    app = GlassesApp(config, RunOptions(speak=str(data_dir / "replies.wav"), gateway="off"))
    timeline = Timeline()
    app.events.subscribe(lambda rec: timeline.log.append((time.monotonic(), rec)))
    await app.start()
    return app, timeline


async def say_into(
    app: GlassesApp, timeline: Timeline, fx: Fixture, lead_s: float = 0.5, tail_s: float = 1.5
) -> float:
    """Replay one fixture in real time through the running glasses; its end of speech
    (monotonic) is returned."""
    voice = TimedVoice(app.voice, timeline)
    source = _replay(fx.pcm(), timeline, lead_s, tail_s)
    await run_voice(
        voice,  # type: ignore[arg-type]
        app.recognizer,
        app.core,
        source,
        app.config.command_mode,
        app.config.models.wake,
    )
    await app.core.settle(60.0)
    return timeline.origin + lead_s + fx.speech_end_s


async def quiet(app: GlassesApp) -> None:
    """Cut what is playing, let pending synthesis and prefetching finish."""
    app.tts.cancel()
    await app.tts.wait_idle()
    piper = app.tts.tts
    while piper.speech_pending:  # noqa: ASYNC110 (a flag of the synthesis thread)
        await asyncio.sleep(0.02)
    await asyncio.to_thread(piper.wait_prefetched, 60.0)
    await app.core.settle(60.0)


def pick(fixtures: Sequence[Fixture], intent: str, wake: bool) -> list[Fixture]:
    return [f for f in fixtures if f.intent == intent and f.wake == wake]


# -- loop.latency -----------------------------------------------------------------------
@dataclass(frozen=True)
class Reply:
    fixture: Fixture
    intent: str
    text: str
    ours_s: float
    raw_asr_s: float
    """WhisperModel.transcribe of the same clip, alone."""
    raw_tts_s: float
    """PiperVoice.synthesize of the whole reply text, alone."""


def heard(tl: Timeline, t0: float) -> str:
    """What the glasses made of the audio since ``t0`` (for skip messages)."""
    keep = ("wake", "transcript", "ignored", "intent", "say", "speech_started", "speech_finished")
    return "; ".join(
        f"{r['event']} {r.get('text', r.get('name', ''))!r}"[:70]
        for t, r in tl.log
        if t >= t0 and r["event"] in keep
    )


async def _command(app: GlassesApp, tl: Timeline, fx: Fixture, replies: list[Reply]) -> None:
    await quiet(app)  # a technician works on a step far longer than prefetching takes
    t0 = time.monotonic()
    eos = await say_into(app, tl, fx)
    started, says = await tl.wait(t0, "speech_started"), tl.records(t0, "say")
    intents = [r["name"] for r in tl.records(t0, "intent")]
    if started is None or not says or intents != [fx.intent]:
        print(f"  {fx.file[:44]}: not understood as {fx.intent}: {heard(tl, t0)}")
        return
    await quiet(app)  # the baseline is measured now, under the same machine load
    asr, tts = _raw_asr_s(app.voice, fx), _raw_tts_s(app, says[0]["text"])
    replies.append(Reply(fx, fx.intent, says[0]["text"], started - eos, asr, tts))


def _raw_asr_s(voice: VoiceInput, fx: Fixture) -> float:
    pcm = fx.pcm()
    clip = pcm[max(0, int((fx.speech_start_s - 0.3) * RATE)) : int((fx.speech_end_s + 0.12) * RATE)]
    started = time.perf_counter()
    segments, _ = voice.asr.model.transcribe(
        clip.astype(np.float32) / 32768.0, **voice.asr.transcribe_kwargs()
    )
    list(segments)
    return time.perf_counter() - started


def _raw_tts_s(app: GlassesApp, text: str) -> float:
    from piper import SynthesisConfig

    tts = app.config.tts
    syn = SynthesisConfig(length_scale=1.0 / tts.speed, volume=tts.volume)
    started = time.perf_counter()
    list(app.tts.tts.voice.synthesize(text, syn))
    return time.perf_counter() - started


async def _to_step(app: GlassesApp, number: int) -> None:
    """Set-up, not measured: put the running procedure at ``number`` (holds before it confirmed)."""
    post = app.core.post
    while (app.core.state.step_index or 0) < number:
        run = app.core.state.run
        if run is not None and run.step.hold is not None and run.number not in run.confirmed:
            post(IntentRecognized("confirm", "confirm"))
        post(IntentRecognized("next step", "next_step"))
        await app.core.settle(60.0)
    if app.core.state.step_index != number:
        post(IntentRecognized(f"go to step {number}", "go_to_step", {"number": number}))
        await app.core.settle(60.0)
    await quiet(app)


async def measure_latency(
    app: GlassesApp, tl: Timeline, fixtures: Sequence[Fixture]
) -> list[Reply]:
    """Start the compressor restart procedure by voice; then, from step 3 (confirmed), each
    voice says next, next, "Hey Jarvis, go to step four", previous, repeat (command mode)."""
    await say_into(app, tl, pick(fixtures, "start_procedure", True)[0])
    cmd = {i: pick(fixtures, i, False) for i in ("next_step", "previous_step", "repeat_step")}
    go = pick(fixtures, "go_to_step", True)
    replies: list[Reply] = []
    for v in range(min(len(go), *(len(c) for c in cmd.values()))):
        await _to_step(app, 3)
        for fx in (
            cmd["next_step"][v],
            cmd["next_step"][(v + 1) % len(go)],
            go[v],
            cmd["previous_step"][v],
            cmd["repeat_step"][v],
        ):
            await _command(app, tl, fx, replies)
    await quiet(app)
    return replies


async def section_latency(app: GlassesApp, tl: Timeline, fixtures: Sequence[Fixture]) -> float:
    print(
        "\n== loop.latency: end of speech -> first reply sample (navigation, real-time replay) =="
    )
    replies = await measure_latency(app, tl, fixtures)
    if not replies:
        return float("nan")
    silence = app.config.voice.endpoint.silence_ms / 1000
    asr = [r.raw_asr_s for r in replies]
    tts = [r.raw_tts_s for r in replies]
    ours = [r.ours_s for r in replies]
    base = [silence + a + t for a, t in zip(asr, tts, strict=True)]
    ratios = [o / b for o, b in zip(ours, base, strict=True)]
    for intent in NAV_INTENTS:
        sel = [o for r, o in zip(replies, ours, strict=True) if r.intent == intent]
        top = max(sel, default=0.0)
        print(f"  {intent:>13}: n={len(sel)}  p50 {ms(pct(sel, 50))}  max {ms(top)}")
    print(f"  ours: n={len(ours)}  p50 {ms(pct(ours, 50))}  p95 {ms(pct(ours, 95))}")
    print(
        f"  baseline = silence {ms(silence)} + raw Whisper (p50 {ms(pct(asr, 50))}) "
        f"+ raw Piper of the whole reply (p50 {ms(pct(tts, 50))}):"
        f"  p50 {ms(pct(base, 50))}  p95 {ms(pct(base, 95))}"
    )
    print(
        f"  ratio ours / baseline: p50 {statistics.median(ratios):.2f}  p95 {pct(ratios, 95):.2f}"
    )
    return statistics.median(ratios)


# -- loop.barge_in ----------------------------------------------------------------------
@dataclass(frozen=True)
class Cut:
    path: str
    """``wake`` (the wake word fired) or ``transcript`` (a command-mode capture)."""
    seconds: float
    """Trigger (wake detection or transcript) -> CUT reported."""


async def _barge(app: GlassesApp, tl: Timeline, long_reply: Fixture, fx: Fixture) -> Cut | None:
    await quiet(app)
    t_reply = time.monotonic()
    await say_into(app, tl, long_reply, tail_s=0.8)
    for _ in range(250):
        if tl.since(t_reply, "speech_started") is not None:
            break
        await asyncio.sleep(0.02)
    if (
        tl.since(t_reply, "speech_started") is None
        or tl.since(t_reply, "speech_finished") is not None
    ):
        print(f"  {long_reply.file[:44]}: no long reply playing: {heard(tl, t_reply)}")
        return None
    t0 = time.monotonic()
    await say_into(app, tl, fx, lead_s=0.3, tail_s=1.0)
    cut = tl.since(t0, "speech_finished", cut=True)
    wakes = [t for t, e in tl.voice if t >= t0 and isinstance(e, vev.WakeDetected)]
    texts = [t for t, e in tl.voice if t >= t0 and isinstance(e, vev.Transcript)]
    trigger, path = (wakes[0], "wake") if wakes else (texts[0] if texts else None, "transcript")
    if cut is None or trigger is None:
        print(f"  {fx.file[:50]}: no cut (trigger {path} at {trigger}); counted as missed")
        return None
    return Cut(path, cut - trigger)


async def section_barge_in(
    app: GlassesApp, tl: Timeline, fixtures: Sequence[Fixture], procedure_running: bool
) -> list[Cut]:
    """Without a procedure: a long status reply cut by "Hey Jarvis, next step" (wake word).
    With one (command mode): the warnings cut by "stop" and by "Hey Jarvis, next step"."""
    where = "procedure running, command mode" if procedure_running else "no procedure, wake mode"
    print(f"\n== loop.barge_in: trigger -> CUT while a long reply plays ({where}) ==")
    jarvis_next = pick(fixtures, "next_step", True)
    if procedure_running:
        long_replies = pick(fixtures, "read_warnings", True)
        stops = pick(fixtures, "stop", False)
        pairs = [
            *zip(long_replies, stops, strict=False),
            *zip(long_replies, jarvis_next, strict=False),
        ]
    else:
        status = pick(fixtures, "connection_status", True)
        pairs = list(zip(status, jarvis_next, strict=False))
    cuts = [c for reply, fx in pairs if (c := await _barge(app, tl, reply, fx)) is not None]
    for path in ("wake", "transcript"):
        sel = [c.seconds for c in cuts if c.path == path]
        if sel:
            print(
                f"  via {path:>10}: n={len(sel)}  p50 {pct(sel, 50) * 1000:.1f} ms  "
                f"p95 {pct(sel, 95) * 1000:.1f} ms  max {max(sel) * 1000:.1f} ms"
            )
    print(f"  cut {len(cuts)}/{len(pairs)} long replies")
    await quiet(app)
    return cuts


# -- loop.rss ---------------------------------------------------------------------------
def vm_hwm_mb() -> float:
    """This process's peak resident set (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmHWM line")


async def _rss_child() -> None:
    fixtures = load_manifest()
    with tempfile.TemporaryDirectory() as tmp:
        app, tl = await open_app(Path(tmp))
        try:
            for fx in (
                pick(fixtures, "start_procedure", True)[0],
                pick(fixtures, "next_step", False)[0],
            ):
                await say_into(app, tl, fx)
            await quiet(app)
        finally:
            await app.stop()
    print(f"{vm_hwm_mb():.1f}")


def section_rss() -> float:
    """Peak RSS of a fresh glasses process: models loaded, a procedure started, one step."""
    print("\n== loop.rss: glasses process peak RSS (VmHWM) ==")
    child = subprocess.run(
        [sys.executable, __file__, "--rss-child"], capture_output=True, text=True, check=True
    )
    mb = float(child.stdout.strip().splitlines()[-1])
    print(f"  GlassesApp (wake, VAD, Whisper, intent, Piper) after a procedure step: {mb:.0f} MB")
    return mb


def loadavg() -> str:
    """The machine's 1/5/15-minute load averages (other work skews every figure here)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- main -------------------------------------------------------------------------------
async def run_sections(quick: bool) -> list[tuple[str, bool]]:
    """Every section on one running GlassesApp; returns (goal, met) pairs."""
    fixtures = load_manifest()
    chosen = [f for f in fixtures if not quick or f.speed == 1.0]
    print(f"load average before: {loadavg()}")
    rss = section_rss()
    with tempfile.TemporaryDirectory() as tmp:
        app, tl = await open_app(Path(tmp))
        try:
            acc = await section_intent(app.voice, app.recognizer, chosen)
            cuts = await section_barge_in(app, tl, fixtures, procedure_running=False)
            ratio = await section_latency(app, tl, fixtures)
            cuts += await section_barge_in(app, tl, fixtures, procedure_running=True)
        finally:
            await app.stop()
    all_cuts = [c.seconds for c in cuts]
    print(f"\n  barge-in overall: n={len(all_cuts)}  p95 {pct(all_cuts, 95) * 1000:.0f} ms")
    print(f"  this benchmark process's own VmHWM: {vm_hwm_mb():.0f} MB")
    print(f"load average after: {loadavg()}")
    return [
        (
            f"intent clean >= {GOALS['intent_clean']:.0%}",
            acc.get("clean", 0) >= GOALS["intent_clean"],
        ),
        (
            f"intent 10 dB >= {GOALS['intent_10db']:.0%}",
            acc.get("10 dB", 0) >= GOALS["intent_10db"],
        ),
        (f"latency ratio p50 <= {GOALS['latency_ratio_p50']}", ratio <= GOALS["latency_ratio_p50"]),
        (f"peak RSS <= {GOALS['rss_mb']:.0f} MB", rss <= GOALS["rss_mb"]),
    ]


def print_goals(goals: Sequence[tuple[str, bool]]) -> None:
    """The goals of the sections run, met or missed (shared with scripts/bench_voice.py)."""
    print("\n== goals ==")
    for name, met in goals:
        print(f"  [{'met' if met else 'MISSED'}] {name}")


def loop_sections(args: argparse.Namespace) -> list[tuple[str, bool]]:
    """Entry for scripts/bench_voice.py's SECTIONS (reads ``args.quick``)."""
    return asyncio.run(run_sections(getattr(args, "quick", False)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only speed-1.0 fixtures for accuracy")
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.rss_child:
        asyncio.run(_rss_child())
        return 0
    print_goals(loop_sections(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
