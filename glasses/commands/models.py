"""``glasses models``: list every model, its path and size, and load each for real."""

from __future__ import annotations

import argparse
import sys

from glasses import models
from glasses.config import from_args
from protocol.cli import list_models


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "models",
        help="list the glasses' models and check that each one loads",
        description="Resolve every model the glasses use (ASR, TTS, wake word, intent), "
        "print its path and size, and load it for real.",
        epilog="Example: glasses models --set models.asr=/opt/whisper-base.en",
    )
    p.add_argument("--no-load", action="store_true", help="only resolve paths, do not load")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    specs = tqdm(models.SPECS, desc="loading models", unit="model", file=sys.stderr,
                 disable=args.json or args.no_load, leave=False)  # fmt: skip
    return list_models("glasses", specs, models.LOADERS, lambda: from_args(args),
                       load=not args.no_load, as_json=args.json)  # fmt: skip
