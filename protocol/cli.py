"""The shared shape of the ``glasses`` and ``gateway`` command lines.

Each subcommand lives in its own module under ``<side>/commands/`` and exposes
``add_parser(subparsers) -> None``, which registers itself and sets
``func=callable(args) -> int``. Exit codes are the same on both sides.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any

from protocol.configtree import ConfigError, describe
from protocol.models import ModelSpec, check, format_table


class ExitCode(IntEnum):
    """Exit codes of every command (documented in README)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    MISSING_MODEL = 3
    UNREACHABLE = 4
    INTERRUPTED = 130


def build_parser(
    prog: str, description: str, package: str, commands: Sequence[str]
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 ok, 1 failed, 2 bad usage or config, 3 missing model, "
        "4 gateway unreachable, 130 interrupted.",
    )
    parser.add_argument("--config", metavar="FILE", help="TOML config file")
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one config value, e.g. --set asr.beam_size=2 (repeatable)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in commands:
        module = importlib.import_module(f"{package}.commands.{name}")
        module.add_parser(sub)
    return parser


def configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse, set up logging, run the chosen command, map errors to exit codes."""
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return int(func(args))
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)


def show_config(prog: str, load: Callable[[], tuple[Any, dict[str, str]]]) -> int:
    """``<prog> config show``: every key with its value and where the value came from."""
    try:
        config, sources = load()
    except ConfigError as exc:
        print(f"{prog}: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    print(describe(config, sources))
    return int(ExitCode.OK)


def list_models(
    prog: str,
    specs: Iterable[ModelSpec],
    loaders: Mapping[str, tuple[Callable[[str | None], Path], Callable[[Path], object]]],
    load_config: Callable[[], tuple[Any, dict[str, str]]],
    *,
    load: bool = True,
    as_json: bool = False,
) -> int:
    """``<prog> models``: resolve each model (overrides from ``config.models``), load it."""
    try:
        config, _ = load_config()
    except ConfigError as exc:
        print(f"{prog}: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    rows = []
    for spec in specs:
        resolver, loader = loaders[spec.name]
        override = getattr(config.models, spec.name) or None
        rows.append(check(spec, resolver, loader if load else None, override))
    if as_json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], default=str, indent=2))
    else:
        print(format_table(rows))
    missing = [r for r in rows if r.path is None]
    for row in missing:
        print(f"{prog}: {row.error}", file=sys.stderr)
    if missing:
        return int(ExitCode.MISSING_MODEL)
    return int(ExitCode.OK if all(r.loaded or not load for r in rows) else ExitCode.FAILED)
