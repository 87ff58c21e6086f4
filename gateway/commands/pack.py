"""``gateway pack``: build the site's knowledge pack, export it for air-gapped sites,
print the public key the glasses must trust (and write it as a PEM file)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from protocol.cli import ExitCode
from protocol.configtree import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "pack",
        help="build, export and show the signed knowledge pack for the glasses",
        description="build: pack the site's documents, equipment registry and derived indexes "
        "into a signed, versioned pack (reused when nothing changed). export FILE: write the "
        "pack as one file for sites without a network (built first if needed). key: print the "
        "public key the glasses must list in pack.trusted_keys (hex, and a .pub.pem file).",
        epilog="Example: gateway pack export /media/usb/site-pack.tar",
    )
    p.add_argument("action", choices=("build", "export", "key"), help="what to do")
    p.add_argument("file", nargs="?", type=Path, help="export: the file to write")
    p.add_argument(
        "--site",
        type=Path,
        default=None,
        metavar="DIR",
        help="site folder (default: packs.site_dir, else the bundled sample site)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _fail(message: str, code: ExitCode) -> int:
    print(f"gateway pack: {message}", file=sys.stderr)
    return int(code)


def _settings(args: argparse.Namespace) -> tuple[Any, Path]:
    from gateway.config import from_args
    from gateway.packs.config import PacksConfig

    config, _ = from_args(args)
    packs = getattr(config, "packs", None) or PacksConfig()
    if args.site is not None:
        packs = dataclasses.replace(packs, site_dir=str(args.site))
    return packs, Path(config.data_dir)


def run(args: argparse.Namespace) -> int:
    from gateway.packs.build import PackBuildError, build_pack
    from gateway.packs.export import export_pack
    from gateway.packs.signing import (
        SigningKeyError,
        load_or_create_signing_key,
        public_key_hex,
        public_key_pem,
    )

    if args.action == "export" and args.file is None:
        return _fail("export needs the FILE to write", ExitCode.USAGE)
    try:
        packs, data_dir = _settings(args)
        key = load_or_create_signing_key(packs.key_path(data_dir))
    except (ConfigError, SigningKeyError) as exc:
        return _fail(str(exc), ExitCode.USAGE)
    out: dict[str, Any] = {
        "public_key": public_key_hex(key),
        "key_file": str(packs.key_path(data_dir)),
    }
    if args.action == "key":
        pem = packs.key_path(data_dir).with_suffix(".pub.pem")
        pem.write_bytes(public_key_pem(key))
        out["public_pem"] = str(pem)
    else:
        try:
            pack = build_pack(packs.site_path(), packs.packs_path(data_dir), key, keep=packs.keep)
        except (PackBuildError, OSError) as exc:
            return _fail(str(exc), ExitCode.FAILED)
        out.update(
            version=pack.version,
            directory=str(pack.directory),
            files=len(pack.manifest.files),
            bytes=pack.total_bytes,
        )
        if args.action == "export":
            try:
                out.update(export=str(args.file), export_bytes=export_pack(pack, args.file))
            except (OSError, ValueError) as exc:
                return _fail(f"cannot export to {args.file}: {exc}", ExitCode.FAILED)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for name, value in out.items():
            print(f"{name:13} {value}")
    return int(ExitCode.OK)
