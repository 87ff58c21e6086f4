"""Import a pack exported as one file (``gateway pack export``) on an air-gapped site.

Only the members the signed manifest names are read (never extracted by their
own names), each checked for size and SHA-256, then installed like a synced pack.
"""

from __future__ import annotations

import hashlib
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from glasses.pack.errors import PackError, PackInvalid
from glasses.pack.store import ActivationResult, PackStore
from glasses.pack.verify import parse_manifest, verify_manifest
from protocol import PackFile, PackManifest, limits

MANIFEST = "manifest.json"
FILES_PREFIX = "files/"


def _read_manifest(tar: tarfile.TarFile, where: str) -> PackManifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise PackInvalid(f"{where}: no {MANIFEST} (not a pack export)") from None
    if not member.isfile() or member.size > limits.MAX_TEXT_FRAME_BYTES:
        raise PackInvalid(f"{where}: {MANIFEST} is not a manifest file")
    fh = tar.extractfile(member)
    assert fh is not None
    try:
        text = fh.read().decode("utf-8")
    except UnicodeDecodeError:
        raise PackInvalid(f"{where}: {MANIFEST} is not UTF-8") from None
    return parse_manifest(text, f"{where}:{MANIFEST}")


def _extract(tar: tarfile.TarFile, file: PackFile, target: Path, where: str) -> None:
    try:
        member = tar.getmember(FILES_PREFIX + file.path)
    except KeyError:
        raise PackInvalid(f"{where}: {file.path} is missing") from None
    if not member.isfile() or member.size != file.size:
        raise PackInvalid(f"{where}: {file.path} is not a {file.size}-byte file")
    source = tar.extractfile(member)
    assert source is not None
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        while block := source.read(1 << 20):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != file.sha256:
        raise PackInvalid(f"{where}: {file.path} SHA-256 differs from the manifest")


def import_pack(
    archive: Path, store: PackStore, keys: Iterable[Ed25519PublicKey]
) -> ActivationResult:
    """Verify and activate the pack in ``archive``; the result says what is active."""
    keys = tuple(keys)
    where = archive.name
    before = store.active_version()
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=store.root))
    try:
        with tarfile.open(archive, "r:*") as tar:
            manifest = _read_manifest(tar, where)
            verify_manifest(manifest, keys)
            sources: dict[str, Path] = {}
            for file in manifest.files:
                if file.sha256 not in sources:
                    target = tmp / file.sha256
                    _extract(tar, file, target, where)
                    sources[file.sha256] = target
        result = store.install(manifest, sources, keys)
    except (PackError, tarfile.TarError, OSError) as exc:
        error = f"{where}: {exc}" if not str(exc).startswith(where) else str(exc)
        store.record_sync("import_failed", before, error, synced=False)
        return ActivationResult(False, before, store.previous_version(), error)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if result.ok:
        store.record_sync("imported", result.version)
    else:
        store.record_sync("import_failed", manifest.pack_version, result.error, synced=False)
    return result
