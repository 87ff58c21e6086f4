"""Build a signed knowledge pack from a site folder, and open packs already built.

A built pack is a folder ``<packs_dir>/<version>/`` holding ``manifest.json``
(the signed :class:`protocol.PackManifest` as its JSON frame) and the files at
their pack paths. The version is ``<site version>+<12 hex of the content hash>``,
so the same site content always gives the same version.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.packs.derive import (
    PRIORITY_ORDER,
    Priority,
    document_priority,
    procedures_json,
    search_json,
)
from gateway.packs.signing import sign_manifest, verify_signature
from protocol import PackFile, PackManifest, ProtocolError, decode, encode, sha256_hex
from protocol.equipment import load_registry
from protocol.procedure import DocumentError, load_documents

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LATEST = "latest"
_PATH = re.compile(r"[A-Za-z0-9_+-][A-Za-z0-9._+-]*(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*")


class PackBuildError(ValueError):
    """The site cannot be packed (a document or the registry is invalid, a name is bad)."""


@dataclass(frozen=True)
class BuiltPack:
    """A signed pack on disk."""

    directory: Path
    manifest: PackManifest

    @property
    def version(self) -> str:
        return self.manifest.pack_version

    def file_path(self, pack_path: str) -> Path:
        return self.directory / pack_path

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.manifest.files)


def site_version(site_dir: Path) -> str:
    """``version`` from site.toml as a version label ("0" when absent)."""
    toml = site_dir / "site.toml"
    if not toml.is_file():
        return "0"
    try:
        raw = str(tomllib.loads(toml.read_text("utf-8")).get("version", "0"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackBuildError(f"{toml}: {exc}") from None
    label = re.sub(r"[^A-Za-z0-9._:-]", "-", raw).lstrip("._:-")
    return label[:40] or "0"


def collect_site(site_dir: Path) -> dict[str, tuple[bytes, Priority]]:
    """Every pack file of ``site_dir``: pack path -> (bytes, priority). Checks the site loads."""
    if not site_dir.is_dir():
        raise PackBuildError(f"{site_dir}: not a site folder")
    files: dict[str, tuple[bytes, Priority]] = {}
    docs_dir = site_dir / "docs"
    try:
        documents = load_documents(docs_dir) if docs_dir.is_dir() else ()
        registry = None
        if (site_dir / "equipment.toml").is_file():
            registry = load_registry(site_dir / "equipment.toml")
            registry.validate(documents)
    except (DocumentError, OSError) as exc:
        raise PackBuildError(f"site does not load: {exc}") from None
    named: list[tuple[str, object]] = []
    for doc in documents:
        rel = Path(doc.path).resolve().relative_to(site_dir.resolve()).as_posix()
        files[rel] = (Path(doc.path).read_bytes(), document_priority(doc))
        named.append((rel, doc))
    if registry is not None:
        files["equipment.toml"] = ((site_dir / "equipment.toml").read_bytes(), "reference")
    if (site_dir / "site.toml").is_file():
        files["site.toml"] = ((site_dir / "site.toml").read_bytes(), "reference")
    files["procedures.json"] = (procedures_json(named), "reference")  # type: ignore[arg-type]
    files["search.json"] = (search_json(documents), "reference")
    bad = [p for p in files if not _PATH.fullmatch(p) or len(p) > 255]
    if bad:
        raise PackBuildError(f"file names not allowed in a pack (use A-Z a-z 0-9 . _ + -): {bad}")
    return files


def _manifest(
    site_dir: Path, files: dict[str, tuple[bytes, Priority]], created: float
) -> PackManifest:
    entries = [
        PackFile(path, sha256_hex(data), len(data), prio)
        for path, (data, prio) in sorted(
            files.items(), key=lambda kv: (PRIORITY_ORDER[kv[1][1]], kv[0])
        )
    ]
    digest = hashlib.sha256()
    for f in sorted(entries, key=lambda f: f.path):
        digest.update(f"{f.path}\0{f.sha256}\n".encode())
    version = f"{site_version(site_dir)}+{digest.hexdigest()[:12]}"
    return PackManifest(version, created, tuple(entries), "00")


def build_pack(
    site_dir: Path,
    packs_dir: Path,
    key: Ed25519PrivateKey,
    *,
    created: float | None = None,
    keep: int = 3,
) -> BuiltPack:
    """Build (or reuse, when the same content is already built and signed) the site's pack."""
    files = collect_site(site_dir)
    manifest = _manifest(site_dir, files, time.time() if created is None else created)
    packs_dir.mkdir(parents=True, exist_ok=True)
    final = packs_dir / manifest.pack_version
    existing = _reusable(final, manifest, key)
    if existing is not None:
        _set_latest(packs_dir, existing.version)
        return existing
    signed = sign_manifest(manifest, key)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=packs_dir))
    try:
        for path, (data, _) in files.items():
            target = tmp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (tmp / MANIFEST).write_text(str(encode(signed)), "utf-8")
        _replace_dir(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _set_latest(packs_dir, signed.pack_version)
    prune(packs_dir, keep)
    log.info("built pack %s (%d files)", signed.pack_version, len(signed.files))
    return BuiltPack(final, signed)


def _reusable(final: Path, manifest: PackManifest, key: Ed25519PrivateKey) -> BuiltPack | None:
    try:
        built = open_pack(final)
    except PackBuildError:
        return None
    if built.manifest.files != manifest.files or not verify_signature(built.manifest, key):
        return None
    return built


def _replace_dir(tmp: Path, final: Path) -> None:
    if final.exists():
        trash = final.with_name(f".old-{final.name}-{os.getpid()}")
        os.replace(final, trash)
        os.replace(tmp, final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(tmp, final)


def _set_latest(packs_dir: Path, version: str) -> None:
    tmp = packs_dir / f".{LATEST}.{os.getpid()}.tmp"
    tmp.write_text(version + "\n", "utf-8")
    os.replace(tmp, packs_dir / LATEST)


def open_pack(directory: Path) -> BuiltPack:
    """A built pack from its folder; the files are checked when they are sent."""
    path = directory / MANIFEST
    try:
        message = decode(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ProtocolError) as exc:
        raise PackBuildError(f"{path}: no readable pack manifest ({exc})") from None
    if not isinstance(message, PackManifest):
        raise PackBuildError(f"{path}: holds a {message.TYPE}, not a pack_manifest")
    return BuiltPack(directory, message)


def verify_built(pack: BuiltPack) -> None:
    """Raise :class:`PackBuildError` if a file on disk no longer matches the manifest."""
    for file in pack.manifest.files:
        path = pack.file_path(file.path)
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
        except OSError as exc:
            raise PackBuildError(f"{path}: {exc}") from None
        if digest.hexdigest() != file.sha256:
            raise PackBuildError(f"{path}: contents differ from the pack manifest; rebuild")


def latest_pack(packs_dir: Path) -> BuiltPack | None:
    """The pack built last in ``packs_dir``, or None when none was built."""
    try:
        version = (packs_dir / LATEST).read_text("utf-8").strip()
    except OSError:
        return None
    return open_pack(packs_dir / version) if version else None


def prune(packs_dir: Path, keep: int) -> None:
    """Remove the oldest built packs beyond ``keep`` (never the latest)."""
    latest = latest_pack(packs_dir)
    built: list[BuiltPack] = []
    for child in packs_dir.iterdir():
        if child.is_dir() and not child.name.startswith("."):
            try:
                built.append(open_pack(child))
            except PackBuildError:
                continue
    built.sort(key=lambda b: b.manifest.created, reverse=True)
    for old in built[max(keep, 1) :]:
        if latest is None or old.directory != latest.directory:
            shutil.rmtree(old.directory, ignore_errors=True)
