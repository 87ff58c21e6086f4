"""``glasses pair``: pair with a gateway from its QR code or its URI and code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glasses.config import from_args
from glasses.pairing import (
    GatewayUnreachable,
    PairingFailed,
    PairingPayload,
    decode_qr,
    load_pairings,
    pair_with_gateway,
    parse_payload,
    save_pairing,
)
from protocol.cli import ExitCode
from protocol.configtree import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "pair",
        help="pair these glasses with a gateway (QR code image, or URI and code)",
        description="Spend a one-time code from 'gateway pair' over HTTPS. The gateway's "
        "certificate must match the fingerprint in the QR code (or --fingerprint, at least "
        "16 hex digits); the URI, full fingerprint and this device's token are then kept "
        "in data_dir/pairing.json (mode 0600). With --list, show current pairings.",
        epilog="Example: glasses pair --image pairing-qr.png   |   "
        "glasses pair wss://10.0.4.20:8765 1234-5678 --fingerprint 3f2a9c0d11e4b7a8",
    )
    p.add_argument("uri", nargs="?", help="gateway URI, wss://HOST:PORT")
    p.add_argument("code", nargs="?", help="the 8-digit pairing code")
    p.add_argument("--image", metavar="FILE", type=Path, help="photo or PNG of the pairing QR code")
    p.add_argument(
        "--fingerprint", metavar="HEX", default="", help="gateway certificate fingerprint"
    )
    p.add_argument("--list", action="store_true", help="list pairings and exit")
    p.set_defaults(func=run)


def _payload(args: argparse.Namespace) -> PairingPayload:
    if args.image is not None:
        if args.uri or args.code:
            raise PairingFailed("give either --image or URI CODE, not both")
        return parse_payload(decode_qr(args.image))
    if not (args.uri and args.code and args.fingerprint):
        raise PairingFailed("give --image FILE, or URI CODE --fingerprint HEX")
    return PairingPayload(args.uri, args.fingerprint, args.code)


def run(args: argparse.Namespace) -> int:
    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        print(f"glasses: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        if args.list:
            for p in load_pairings(config.data_dir):
                name = p.gateway_name or p.gateway_id or "?"
                print(f"{p.uri}  {name}  fingerprint {p.fingerprint[:16]}…")
            return int(ExitCode.OK)
        payload = _payload(args)
    except PairingFailed as exc:
        print(f"glasses: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        pairing = pair_with_gateway(payload.uri, payload.code, payload.fingerprint,
                                    config.device_id, config.device_name)  # fmt: skip
        path = save_pairing(config.data_dir, pairing)
    except GatewayUnreachable as exc:
        print(f"glasses: {exc}", file=sys.stderr)
        return int(ExitCode.UNREACHABLE)
    except PairingFailed as exc:
        print(f"glasses: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    except OSError as exc:
        print(f"glasses: cannot save the pairing: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    name = pairing.gateway_name or pairing.gateway_id or pairing.uri
    print(f"Paired {config.device_id} with {name} ({pairing.uri}); saved in {path}")
    return int(ExitCode.OK)
