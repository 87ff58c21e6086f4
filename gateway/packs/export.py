"""Export a built pack as one file for air-gapped sites (``gateway pack export``).

The file is an uncompressed POSIX tar: ``manifest.json`` (the signed manifest)
first, then every file under ``files/<pack path>``, in manifest order. Members
carry fixed owner, mode and time, so the same pack always exports the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from pathlib import Path

from gateway.packs.build import MANIFEST, BuiltPack
from protocol import encode

FILES_PREFIX = "files/"


def _info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = int(mtime)
    info.uname = info.gname = ""
    return info


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def export_pack(pack: BuiltPack, target: Path) -> int:
    """Write ``pack`` to ``target`` (atomically); return the file's size in bytes."""
    manifest = str(encode(pack.manifest)).encode("utf-8")
    created = pack.manifest.created
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(_info(MANIFEST, len(manifest), created), io.BytesIO(manifest))
            for file in pack.manifest.files:
                source = pack.file_path(file.path)
                if _file_sha256(source) != file.sha256:
                    raise ValueError(f"{source}: contents differ from the pack manifest")
                with open(source, "rb") as fh:
                    tar.addfile(_info(FILES_PREFIX + file.path, file.size, created), fh)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target.stat().st_size
