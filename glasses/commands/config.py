"""``glasses config show``: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import sys

from glasses.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError, describe


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "config",
        help="show the effective configuration",
        description="Print every config key with its value and its source "
        "(default, the --config file, or --set).",
        epilog="Example: glasses --config glasses.toml config show",
    )
    p.add_argument("action", choices=["show"], help="what to do")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config, sources = from_args(args)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    print(describe(config, sources))
    return int(ExitCode.OK)
