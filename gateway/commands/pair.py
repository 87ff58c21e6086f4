"""``gateway pair``: make a one-time pairing code and show it as text and as a QR code."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from gateway.config import GatewayConfig, from_args
from gateway.security.config import SecurityConfig
from protocol.cli import ExitCode
from protocol.configtree import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "pair",
        help="create a one-time code that pairs a pair of glasses with this gateway",
        description="Create an 8-digit pairing code (one use, short-lived), print it with "
        "the gateway's wss:// URI and certificate fingerprint, and write the three as a QR "
        "code PNG for the glasses' camera ('glasses pair --image FILE'). The TLS "
        "certificate is created in data_dir/tls on first use. The gateway must be running "
        "(gateway serve) for the glasses to redeem the code.",
        epilog="Example: gateway pair --host 10.0.4.20 --qr /tmp/pair.png --ttl 600",
    )
    p.add_argument("--host", help="address the glasses use (default: service.advertise_address, "
                   "service.host, or this machine's primary IPv4)")  # fmt: skip
    p.add_argument(
        "--qr", metavar="FILE", type=Path, help="QR PNG path (default: data_dir/pairing-qr.png)"
    )
    p.add_argument(
        "--ttl", type=float, help="seconds the code stays valid (default: security.code_ttl_s)"
    )
    p.set_defaults(func=run)


def gateway_host(config: GatewayConfig) -> str:
    service = config.service
    if service.advertise_address:
        return service.advertise_address
    if service.host not in ("0.0.0.0", "", "::"):
        return service.host
    from gateway.service.server import primary_ipv4

    return primary_ipv4()


def run(args: argparse.Namespace) -> int:
    from gateway.security.devices import format_code, open_registry
    from gateway.security.qr import pairing_payload, write_qr_png
    from gateway.security.tls import TlsError, format_fingerprint, load_or_create_identity

    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        print(f"gateway: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    security = getattr(config, "security", None) or SecurityConfig()
    ttl = security.code_ttl_s if args.ttl is None else args.ttl
    if ttl <= 0:
        print("gateway: --ttl must be positive", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        identity = load_or_create_identity(config.data_dir, config.gateway_id)
        registry = open_registry(config.data_dir, security.max_failed_codes)
        try:
            code = registry.create_code(ttl)
        finally:
            registry.close()
        uri = f"wss://{args.host or gateway_host(config)}:{config.service.port}"
        qr_path = write_qr_png(pairing_payload(uri, identity.fingerprint, code),
                               args.qr or config.data_dir / "pairing-qr.png")  # fmt: skip
    except (TlsError, OSError, ValueError) as exc:
        print(f"gateway: cannot create a pairing code: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    expires = datetime.datetime.now() + datetime.timedelta(seconds=ttl)
    print(f"Pairing code: {format_code(code)}  (one use, valid until {expires:%H:%M:%S})")
    print(f"Gateway:      {uri}")
    print(f"Fingerprint:  {format_fingerprint(identity.fingerprint)}")
    print(f"QR code:      {qr_path}")
    print(f"On the glasses: glasses pair --image PHOTO_OF_QR   or   "
          f"glasses pair {uri} {code} --fingerprint {identity.fingerprint[:16]}")  # fmt: skip
    return int(ExitCode.OK)
