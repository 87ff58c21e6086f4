"""``gateway models``: list every model, its path and size, and load each for real."""

from __future__ import annotations

import argparse
import sys

from gateway import models
from gateway.config import from_args
from protocol.cli import list_models


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "models",
        help="list the gateway's models and check that each one loads",
        description="Resolve every model the gateway uses (LLM, embedder), "
        "print its path and size, and load it for real.",
        epilog="Example: gateway models --set models.llm=/opt/models/qwen2.5-3b-instruct-q4_k_m.gguf",
    )
    p.add_argument("--no-load", action="store_true", help="only resolve paths, do not load")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    specs = tqdm(models.SPECS, desc="loading models", unit="model", file=sys.stderr,
                 disable=args.json or args.no_load, leave=False)  # fmt: skip
    return list_models("gateway", specs, models.LOADERS, lambda: from_args(args),
                       load=not args.no_load, as_json=args.json)  # fmt: skip
