"""Procedure documents and knowledge-pack transfer (manifest, resumable chunks, acks)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated, Literal

from protocol import limits
from protocol.errors import ChecksumMismatch, FieldError
from protocol.messages_base import (
    Id,
    Message,
    PackPath,
    Sha256Hex,
    Struct,
    Timestamp,
    VersionLabel,
    message,
    struct,
)
from protocol.messages_checks import Len, Match, Range

Priority = Literal["safety", "procedure", "reference"]
"""Transfer order: safety content first, then procedures, then reference."""
Markdown = Annotated[str, Len(1, limits.MAX_DOCUMENT_CHARS)]
FileSize = Annotated[int, Range(0, limits.MAX_PACK_FILE_BYTES)]
SignatureHex = Annotated[
    str,
    Len(2, limits.MAX_SIGNATURE_HEX_CHARS),
    Match(r"([0-9a-f]{2})+", "lowercase hex bytes"),
]
ChunkPayload = Annotated[bytes, Len(0, limits.MAX_PACK_CHUNK_BYTES)]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@message("procedure_request", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class ProcedureRequest(Message):
    """Fetch one procedure document that is not in the local pack."""

    procedure_id: Id


@message("procedure_response", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class ProcedureResponse(Message):
    """The whole document (protocol/PROCEDURE_FORMAT.md); ``sha256`` of its UTF-8 bytes."""

    procedure_id: Id
    markdown: Markdown
    version: VersionLabel
    sha256: Sha256Hex

    def validate(self) -> None:
        if sha256_hex(self.markdown.encode("utf-8")) != self.sha256:
            raise ChecksumMismatch("procedure_response.sha256 does not match the markdown")

    @classmethod
    def build(cls, procedure_id: str, markdown: str, version: str) -> ProcedureResponse:
        return cls(procedure_id, markdown, version, sha256_hex(markdown.encode("utf-8")))


@struct
@dataclass(frozen=True, slots=True)
class PackFile(Struct):
    path: PackPath
    sha256: Sha256Hex
    size: FileSize
    """Bytes."""
    priority: Priority


@message("pack_manifest", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class PackManifest(Message):
    """What a pack holds. ``signature``: the gateway key's signature (hex) over
    ``protocol.canonical_bytes(manifest, exclude=("signature",))``."""

    pack_version: VersionLabel
    created: Timestamp
    """Unix time the pack was built."""
    files: Annotated[tuple[PackFile, ...], Len(1, limits.MAX_PACK_FILES)]
    signature: SignatureHex

    def validate(self) -> None:
        paths = [f.path for f in self.files]
        if len(set(paths)) != len(paths):
            raise FieldError("pack_manifest.files: a path is listed twice")


@struct
@dataclass(frozen=True, slots=True)
class PackWant(Struct):
    """A file wanted from ``offset`` on (non-zero to resume after a cut)."""

    path: PackPath
    offset: FileSize = 0


@message("pack_request", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class PackRequest(Message):
    """Send these files of this pack; an empty ``files`` means all of them."""

    pack_version: VersionLabel
    files: Annotated[tuple[PackWant, ...], Len(0, limits.MAX_PACK_FILES)] = ()


@message("pack_chunk", sent_by="gateway", binary_kind=2)
@dataclass(frozen=True, slots=True)
class PackChunk(Message):
    """Bytes ``offset`` .. ``offset+len(payload)`` of one pack file; ``sha256`` of the payload."""

    pack_version: VersionLabel
    path: PackPath
    offset: FileSize
    total_size: FileSize
    sha256: Sha256Hex
    payload: ChunkPayload

    def validate(self) -> None:
        self._check_span()
        if sha256_hex(self.payload) != self.sha256:
            raise ChecksumMismatch(f"pack_chunk {self.path}@{self.offset}: payload SHA-256 differs")

    def _check_span(self) -> None:
        if self.offset + len(self.payload) > self.total_size:
            raise FieldError(
                f"pack_chunk: offset {self.offset} + {len(self.payload)} bytes "
                f"is past the file's total size {self.total_size}"
            )

    @classmethod
    def build(
        cls, pack_version: str, path: str, offset: int, total_size: int, payload: bytes
    ) -> PackChunk:
        """A chunk of ``payload`` with its SHA-256, hashed once (the constructor would
        hash it a second time to check it)."""
        chunk = cls._with_checked_fields(
            pack_version, path, offset, total_size, sha256_hex(payload), payload
        )
        chunk._check_span()
        return chunk


@message("pack_ack", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class PackAck(Message):
    """All bytes of ``path`` before ``offset`` arrived and were stored."""

    pack_version: VersionLabel
    path: PackPath
    offset: FileSize


@message("pack_complete", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class PackComplete(Message):
    """Every requested file was sent; the glasses verify the manifest and activate."""

    pack_version: VersionLabel
