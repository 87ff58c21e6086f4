"""``gateway audit verify``: check the audit log's hash chain."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gateway.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit",
        help="verify the audit log's hash chain",
        description="Every audit record carries the hash of the one before it, so an edited, "
        "deleted or reordered line breaks the chain. 'verify' walks the log (default "
        "data_dir/audit.jsonl) and prints the first broken record. Exit code 1 if broken.",
        epilog="Example: gateway audit verify   |   gateway audit verify /backup/audit.jsonl",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the hash chain")
    verify.add_argument(
        "file", nargs="?", type=Path, help="audit log (default: data_dir/audit.jsonl)"
    )
    p.set_defaults(func=run)


def _line(path: Path, lineno: int) -> str:
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if n == lineno:
                return line.rstrip("\n")
    return ""


def run(args: argparse.Namespace) -> int:
    from gateway.service.audit import verify

    path: Path | None = args.file
    if path is None:
        try:
            config, _ = from_args(args)
        except ConfigError as exc:
            print(f"gateway: config error: {exc}", file=sys.stderr)
            return int(ExitCode.USAGE)
        path = config.data_dir / "audit.jsonl"
    if args.file is not None and not path.is_file():
        print(f"gateway: no audit log at {path}", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        result = verify(path)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"gateway: cannot read {path}: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    if result.ok:
        print(
            f"{path}: intact, {result.records} records"
            if result.records
            else f"{path}: {result.reason}"
        )
        return int(ExitCode.OK)
    lineno = result.first_broken or 0
    print(f"{path}: BROKEN at line {lineno}: {result.reason} "
          f"({result.records} records before it verify)")  # fmt: skip
    print(f"  line {lineno}: {_line(path, lineno)[:300]}")
    return int(ExitCode.FAILED)
