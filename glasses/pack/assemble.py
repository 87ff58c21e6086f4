"""Assemble a new pack folder from staged downloads and the kept packs' files.

Each file is hard-linked (copied if links fail) from staging or from the active
or previous pack, and fsynced (a no-op for content already on disk). The folder
is then verified (every size and SHA-256) and its directories fsynced, so what
the store switches to is complete and durable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from glasses.pack.check import MANIFEST, verify_files
from glasses.pack.errors import PackInvalid
from glasses.pack.verify import fsync_dir, write_manifest
from protocol import PackManifest


def assemble(versions: Path, manifest: PackManifest, sources: Mapping[str, Path]) -> Path:
    """A verified folder ``versions/.incoming-*`` holding ``manifest``'s pack, each file
    taken from ``sources`` (SHA-256 -> path)."""
    incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=versions))
    try:
        for file in manifest.files:
            source = sources.get(file.sha256)
            if source is None:
                raise PackInvalid(f"{file.path}: not downloaded and not in a kept pack")
            target = incoming / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, target)
            _fsync_file(target)
        write_manifest(incoming / MANIFEST, manifest)
        verify_files(incoming, manifest)
        for directory in sorted({p for p in incoming.rglob("*") if p.is_dir()} | {incoming}):
            fsync_dir(directory)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return incoming


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        _fsync_file(target)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
