"""``glasses``: the command line of the glasses software."""

from __future__ import annotations

from collections.abc import Sequence

from protocol.cli import build_parser, run

COMMANDS: tuple[str, ...] = ("models", "run", "render", "demo", "pair", "config", "pack")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(
        "glasses",
        "Hands-free assistant on the AR glasses: voice commands, step overlay, offline pack.",
        "glasses",
        COMMANDS,
    )
    return run(parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
