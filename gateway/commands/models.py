"""``gateway models``: list every model, its path and size, and load each for real."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from gateway import models
from gateway.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError
from protocol.models import check, format_table


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
    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        print(f"gateway: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    rows = []
    from tqdm import tqdm

    bar = tqdm(models.SPECS, desc="loading models", unit="model", file=sys.stderr,
               disable=args.json or args.no_load, leave=False)  # fmt: skip
    for spec in bar:
        bar.set_postfix_str(spec.name)
        resolver, loader = models.LOADERS[spec.name]
        override = getattr(config.models, spec.name) or None
        rows.append(check(spec, resolver, None if args.no_load else loader, override))
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], default=str, indent=2))
    else:
        print(format_table(rows))
    missing = [r for r in rows if r.path is None]
    for row in missing:
        print(f"gateway: {row.error}", file=sys.stderr)
    if missing:
        return int(ExitCode.MISSING_MODEL)
    return int(ExitCode.OK if all(r.loaded or args.no_load for r in rows) else ExitCode.FAILED)
