"""Check a pack folder against its manifest and load what the glasses use from it.

A pack folder holds ``manifest.json`` and the files at their pack paths.
:func:`verify_files` proves every file is there with the right size and SHA-256
(and nothing else is); :func:`load_pack` parses every document, the equipment
registry and ``procedures.json``. Both raise :class:`PackInvalid` naming the problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from glasses.pack.errors import PackInvalid
from glasses.pack.verify import read_manifest, verify_manifest
from protocol import PackManifest
from protocol.equipment import EquipmentRegistry, load_registry
from protocol.procedure import Document, DocumentError, load_documents

MANIFEST = "manifest.json"

ProcedureName = tuple[str, str, tuple[str, ...]]
"""(id, title, keywords): what ``IntentRecognizer.load(procedures=...)`` takes."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify_files(directory: Path, manifest: PackManifest) -> None:
    """Every manifest file present with its size and hash, and no other file."""
    listed = {f.path for f in manifest.files}
    for file in manifest.files:
        path = directory / file.path
        if not path.is_file() or path.is_symlink():
            raise PackInvalid(f"{directory.name}: {file.path} is missing")
        size = path.stat().st_size
        if size != file.size:
            raise PackInvalid(
                f"{directory.name}: {file.path} is {size} bytes, manifest says {file.size}"
            )
        if file_sha256(path) != file.sha256:
            raise PackInvalid(f"{directory.name}: {file.path} SHA-256 differs from the manifest")
    extra = sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.name != MANIFEST and p.relative_to(directory).as_posix() not in listed
    )
    if extra:
        raise PackInvalid(f"{directory.name}: files not in the manifest: {extra[:5]}")


@dataclass(frozen=True)
class LoadedPack:
    """An active pack, parsed: what the glasses run from when offline."""

    directory: Path
    manifest: PackManifest
    documents: tuple[Document, ...]
    registry: EquipmentRegistry | None
    procedures: tuple[ProcedureName, ...]

    @property
    def version(self) -> str:
        return self.manifest.pack_version

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def search_chunks(self) -> list[dict[str, Any]]:
        """The retrieval units of ``search.json`` (empty when the pack has none)."""
        path = self.directory / "search.json"
        if not path.is_file():
            return []
        data = json.loads(path.read_text("utf-8"))
        return list(data.get("chunks", []))


def _procedure_names(directory: Path, documents: Iterable[Document]) -> tuple[ProcedureName, ...]:
    path = directory / "procedures.json"
    if not path.is_file():
        return tuple((d.id, d.title, tuple(d.keywords)) for d in documents if d.is_procedure)
    try:
        data = json.loads(path.read_text("utf-8"))
        return tuple(
            (str(p["id"]), str(p["title"]), tuple(str(k) for k in p.get("keywords", ())))
            for p in data["procedures"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PackInvalid(f"{path}: not a valid procedure list ({exc})") from None


def load_pack(
    directory: Path,
    keys: Iterable[Ed25519PublicKey] | None = None,
    *,
    check_hashes: bool = True,
) -> LoadedPack:
    """Parse the pack in ``directory``; with ``keys`` its signature is checked too."""
    manifest = read_manifest(directory / MANIFEST)
    if keys is not None:
        verify_manifest(manifest, keys)
    if check_hashes:
        verify_files(directory, manifest)
    try:
        docs_dir = directory / "docs"
        documents = load_documents(docs_dir) if docs_dir.is_dir() else ()
        registry = None
        if (directory / "equipment.toml").is_file():
            registry = load_registry(directory / "equipment.toml")
            registry.validate(documents)
    except (DocumentError, OSError) as exc:
        raise PackInvalid(f"pack {manifest.pack_version} does not load: {exc}") from None
    names = _procedure_names(directory, documents)
    return LoadedPack(directory, manifest, tuple(documents), registry, names)
