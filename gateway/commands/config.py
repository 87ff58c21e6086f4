"""``gateway config show``: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse

from gateway.config import from_args
from protocol.cli import show_config


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "config",
        help="show the effective configuration",
        description="Print every config key with its value and its source "
        "(default, the --config file, or --set).",
        epilog="Example: gateway --config gateway.toml config show",
    )
    p.add_argument("action", choices=["show"], help="what to do")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return show_config("gateway", lambda: from_args(args))
