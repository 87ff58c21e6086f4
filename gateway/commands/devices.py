"""``gateway devices``: list paired glasses, revoke one."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time

from gateway.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "devices",
        help="list paired glasses or revoke one",
        description="Show every pair of glasses paired with this gateway (data_dir/devices.db), "
        "or revoke one: its token stops working at its next connection, and it must be "
        "paired again with a new code from 'gateway pair'.",
        epilog="Example: gateway devices list   |   gateway devices revoke glasses-07",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list paired devices")
    listing.add_argument("--json", action="store_true", help="print JSON")
    revoke = actions.add_parser("revoke", help="revoke a device's token")
    revoke.add_argument("device_id", metavar="ID", help="device id (see 'gateway devices list')")
    p.set_defaults(func=run)


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "never"


def run(args: argparse.Namespace) -> int:
    from gateway.security.devices import open_registry

    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        print(f"gateway: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    registry = open_registry(config.data_dir)
    try:
        if args.action == "revoke":
            if not registry.revoke(args.device_id):
                print(f"gateway: no paired, unrevoked device {args.device_id!r}", file=sys.stderr)
                return int(ExitCode.FAILED)
            print(f"revoked {args.device_id}; it is refused from its next connection")
            return int(ExitCode.OK)
        devices = registry.list()
    finally:
        registry.close()
    if args.json:
        print(json.dumps([dataclasses.asdict(d) for d in devices], indent=2))
    elif not devices:
        print("no paired devices (pair one with 'gateway pair')")
    else:
        print(f"{'ID':<20} {'NAME':<24} {'PAIRED':<17} {'LAST SEEN':<17} STATE")
        for d in devices:
            state = "revoked" if d.revoked else "active"
            seen = _when(d.last_seen)
            print(f"{d.id:<20} {d.name[:24]:<24} {_when(d.paired_at):<17} {seen:<17} {state}")
    return int(ExitCode.OK)
