"""``glasses pack``: show, import or roll back the knowledge pack on the glasses."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from protocol.cli import ExitCode
from protocol.configtree import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "pack",
        help="show, import or roll back the offline knowledge pack",
        description="status: the active and previous pack versions and the last sync. "
        "import FILE: verify a pack exported with 'gateway pack export' (signature by a "
        "trusted key, every file's SHA-256, every document loads) and activate it; the old "
        "pack stays if anything fails. rollback: make the previous pack active again.",
        epilog="Example: glasses pack import /media/usb/site-pack.tar --trusted-key "
        "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
    )
    p.add_argument("action", choices=("status", "import", "rollback"), help="what to do")
    p.add_argument("file", nargs="?", type=Path, help="import: the exported pack file")
    p.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="KEY",
        help="gateway public key (64 hex digits or a PEM file), added to "
        "pack.trusted_keys (repeatable)",
    )
    p.add_argument(
        "--pack-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="pack store folder (default: pack.dir, else <data_dir>/pack)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _fail(message: str, code: ExitCode) -> int:
    print(f"glasses pack: {message}", file=sys.stderr)
    return int(code)


def _settings(args: argparse.Namespace) -> tuple[Path, tuple[str, ...]]:
    from glasses.config import from_args
    from glasses.pack.config import PackConfig

    config, _ = from_args(args)
    pack = getattr(config, "pack", None) or PackConfig()
    root = args.pack_dir if args.pack_dir is not None else pack.path(Path(config.data_dir))
    return root, (*pack.trusted_keys, *args.trusted_key)


def _when(stamp: float | None) -> str:
    return "never" if stamp is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def _print(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(out, indent=2))
        return
    for name, value in out.items():
        shown = _when(value) if name == "last_sync" else ("none" if value is None else value)
        print(f"{name:12} {shown}")


def run(args: argparse.Namespace) -> int:
    from glasses.pack.errors import TrustedKeyError
    from glasses.pack.importer import import_pack
    from glasses.pack.store import PackStore
    from glasses.pack.verify import load_trusted_keys

    if args.action == "import" and args.file is None:
        return _fail("import needs the FILE to read", ExitCode.USAGE)
    try:
        root, key_entries = _settings(args)
        keys = load_trusted_keys(key_entries)
    except (ConfigError, TrustedKeyError) as exc:
        return _fail(str(exc), ExitCode.USAGE)
    store = PackStore(root)
    if args.action == "status":
        _print(store.status_dict(), args.json)
        return int(ExitCode.OK)
    if args.action == "import":
        if not args.file.is_file():
            return _fail(f"{args.file}: no such file", ExitCode.USAGE)
        if not keys:
            return _fail(
                "no trusted keys: give --trusted-key or set pack.trusted_keys", ExitCode.USAGE
            )
        result = import_pack(args.file, store, keys)
    else:
        result = store.rollback(keys or None)
    _print(
        {
            "ok": result.ok,
            "active": result.version,
            "previous": store.previous_version(),
            "error": result.error,
        },
        args.json,
    )
    return int(ExitCode.OK if result.ok else ExitCode.FAILED)
