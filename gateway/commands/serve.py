"""``gateway serve``: run the gateway until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from gateway.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError
from protocol.models import MissingModelError

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve",
        help="run the gateway: websocket sessions, answers, status page, zeroconf",
        description="Serve glasses over websockets on one port (HTTP /status on the same "
        "port), advertise on the LAN with zeroconf, answer questions from the site's "
        "documents. Config keys: [service] host, port, advertise, heartbeat_interval, "
        "idle_timeout, queue_capacity, max_sessions, asks_per_minute; [knowledge] ...; "
        "site_dir, data_dir, gateway_id, name.",
        epilog="Example: gateway serve --set service.port=8765 --set site_dir=/srv/site",
    )
    p.add_argument("--port", type=int, help="shortcut for --set service.port=N")
    p.add_argument("--no-advertise", action="store_true", help="do not announce on zeroconf")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.port is not None:
        args.set = [*args.set, f"service.port={args.port}"]
    if args.no_advertise:
        args.set = [*args.set, "service.advertise=false"]
    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        print(f"gateway: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        asyncio.run(_serve(config))
    except MissingModelError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.MISSING_MODEL)
    except OSError as exc:
        print(f"gateway: cannot serve: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)


async def _serve(config) -> None:  # type: ignore[no-untyped-def]
    from gateway.service.app import running_gateway

    # pymodbus warns on every failed connect; our poller says it once (then at DEBUG)
    logging.getLogger("pymodbus").setLevel(logging.ERROR)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with running_gateway(config) as server:
        print(
            f"gateway {config.gateway_id} serving on {server.uri} (status: "
            f"{server.uri.replace('ws', 'http', 1)}/status)",
            flush=True,
        )
        await stop.wait()
        print("gateway: shutting down", flush=True)
