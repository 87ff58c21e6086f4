"""``gateway``: the command line of the control-room gateway."""

from __future__ import annotations

from collections.abc import Sequence

from protocol.cli import build_parser, run

COMMANDS: tuple[str, ...] = ("models", "serve", "ingest", "ask", "pair", "devices", "audit", "config", "pack", "telemetry")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(
        "gateway",
        "Control-room gateway: grounded answers, knowledge packs, telemetry, sessions.",
        "gateway",
        COMMANDS,
    )
    return run(parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
