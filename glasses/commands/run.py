"""``glasses run``: the main loop (microphone or replayed WAV files)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from glasses.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError
from protocol.models import MissingModelError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "run",
        help="run the glasses: wake word, commands, speech, gateway link",
        description="Listen (microphone, or WAV files replayed through the same pipeline), "
        "understand commands on the device, speak replies, talk to a gateway when one is "
        "reachable. The events stream is one JSON object per line (see README: Events).",
        epilog="Example: glasses run --audio audio_fixtures/wake_start_procedure.wav "
        "--speak out/replies.wav --gateway off --events -",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--mic", action="store_true", help="listen on the microphone (default)")
    src.add_argument("--audio", nargs="+", type=Path, metavar="FILE", help="replay WAV files")
    p.add_argument(
        "--speak",
        default="speaker",
        metavar="speaker|FILE.wav|off",
        help="where replies go (default: the speaker)",
    )
    p.add_argument(
        "--gateway",
        default="auto",
        metavar="auto|off|URI",
        help="auto: discover; off: never connect; or a ws:// / wss:// URI",
    )
    p.add_argument("--events", metavar="PATH|-", help="write the events stream here (- = stdout)")
    p.add_argument("--realtime", action="store_true", help="pace replayed audio in real time")
    p.add_argument(
        "--camera",
        default="",
        metavar="SRC",
        help="camera: device index (0), video file, image folder or still image",
    )
    p.add_argument(
        "--overlay-out",
        default="",
        metavar="window|FILE.mp4|DIR",
        help="where the overlay goes (default out/overlay.mp4)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from glasses.runtime.app import RunOptions
    from glasses.runtime.app import run as run_app

    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        print(f"glasses: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    for path in args.audio or ():
        if not path.is_file():
            print(f"glasses: no such audio file: {path}", file=sys.stderr)
            return int(ExitCode.USAGE)
    options = RunOptions(tuple(args.audio or ()), args.speak, args.gateway, args.events,
                         realtime=args.realtime, camera=args.camera,
                         overlay_out=args.overlay_out)  # fmt: skip
    print("glasses: loading models (wake word, Whisper, intent, Piper)…", file=sys.stderr)
    try:
        asyncio.run(run_app(config, options))
    except MissingModelError as exc:
        print(f"glasses: {exc}", file=sys.stderr)
        return int(ExitCode.MISSING_MODEL)
    except (OSError, RuntimeError) as exc:
        print(f"glasses: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)
