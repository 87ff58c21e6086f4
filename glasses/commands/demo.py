"""``glasses demo``: the whole story on this machine, with the embedded models."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from protocol.cli import ExitCode
from protocol.models import MissingModelError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help="run the full demo: gateway + glasses replaying a repair session",
        description="Starts a gateway with the sample site, then glasses that replay a "
        "scripted session (audio_fixtures/demo) through the real pipeline, filmed over a "
        "tagged CRAC unit: wake word, procedure, hold point, reading, a question answered by "
        "the gateway, the gateway stopped (offline mode, local answer), the gateway back "
        "(handoff, outbox delivered). Writes overlay.mp4, keyframes/*.png, replies.wav, "
        "events.jsonl, worklog.md and summary.json.",
        epilog="Example: glasses demo --out out/demo",
    )
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder")
    p.add_argument("--fast", action="store_true", help="film fewer frames (for tests)")
    p.set_defaults(func=run)


def _print_transcript(result) -> None:  # type: ignore[no-untyped-def]
    print("\nTranscript")
    for beat, seconds, events in result.beats:
        print(f"\n[{seconds:5.1f} s] {beat.title}")
        for e in events:
            if e["event"] == "transcript":
                print(f"   technician: {e['text']}   (ASR {e['asr_ms']:.0f} ms)")
            elif e["event"] == "say":
                print(f"   glasses ({e['source']}): {e['text'][:160]}")
            elif e["event"] == "link":
                print(f"   link: {e['state']} {e.get('gateway', '')} {e.get('reason', '')}")
            elif e["event"] == "answer" and e.get("citations"):
                cites = "; ".join(f"{c.get('title')} ({c.get('section')})" for c in e["citations"])
                print(f"   cited: {cites}")


def run(args: argparse.Namespace) -> int:
    from glasses.demo.runner import run_demo

    try:
        result = asyncio.run(run_demo(args.out, args.fast, lambda s: print(s, flush=True)))
    except MissingModelError as exc:
        print(f"glasses: {exc}", file=sys.stderr)
        return int(ExitCode.MISSING_MODEL)
    _print_transcript(result)
    print(f"\nOutbox records delivered to the gateway: {result.records_at_gateway}")
    print(f"Outputs in {args.out}: overlay.mp4, keyframes/, replies.wav, events.jsonl, worklog.md")
    if result.missing:
        print("\nThe story did not go as scripted:", *result.missing, sep="\n  ", file=sys.stderr)
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)
