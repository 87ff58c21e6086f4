"""The knowledge index on disk: vector store, BM25, chunk table and manifest.

Layout of the data directory::

    manifest.json   documents (id -> sha256, title, chunks), embedder, version
    chunks.json     every chunk's payload, in index order (BM25 ids = positions)
    bm25.npz        the BM25 postings
    qdrant/         embedded Qdrant (absent when a Qdrant server URL is configured)

The manifest is written last, so an interrupted ingest is redone next time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.knowledge.bm25 import BM25Index
from gateway.knowledge.chunks import Chunk
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.errors import IndexCorruptError
from gateway.knowledge.store import VectorStore, point_id

log = logging.getLogger(__name__)

FORMAT = 1


@dataclass(frozen=True)
class DocEntry:
    """What the manifest remembers of one ingested document."""

    sha256: str
    title: str
    kind: str
    chunks: int
    warnings: tuple[str, ...] = ()
    """The document's warnings, verbatim, in document order."""


def kb_version(docs: Mapping[str, DocEntry], embedder: str) -> str:
    """Knowledge-base version: a short hash of every document hash and the embedder."""
    h = hashlib.sha256(f"embedder={embedder}\n".encode())
    for doc_id in sorted(docs):
        h.update(f"{doc_id}:{docs[doc_id].sha256}\n".encode())
    return h.hexdigest()[:16]


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class Snapshot:
    """Chunks and BM25 of one index state; replaced whole, so retrieval stays consistent."""

    chunks: tuple[Chunk, ...]
    bm25: BM25Index
    positions: Mapping[str, int]
    """Chunk id -> position (= BM25 id)."""
    point_positions: Mapping[str, int]
    """Qdrant point id -> position."""

    @classmethod
    def of(cls, chunks: Sequence[Chunk], bm25: BM25Index | None = None) -> Snapshot:
        chunks = tuple(chunks)
        return cls(
            chunks,
            bm25 if bm25 is not None else BM25Index.build([c.search_text() for c in chunks]),
            {c.id: i for i, c in enumerate(chunks)},
            {point_id(c.id): i for i, c in enumerate(chunks)},
        )


class KnowledgeIndex:
    """Chunks, BM25 and vectors of one site's documents, kept consistent together."""

    def __init__(self, data_dir: Path, config: KnowledgeConfig, store: VectorStore) -> None:
        self.data_dir = data_dir
        self.config = config
        self.store = store
        self.embedder_name = ""
        self.documents: dict[str, DocEntry] = {}
        self.snapshot = Snapshot.of(())

    @classmethod
    def open(cls, data_dir: Path, config: KnowledgeConfig) -> KnowledgeIndex:
        """Open (or create) the index in ``data_dir``; the store per ``config.qdrant_url``."""
        data_dir.mkdir(parents=True, exist_ok=True)
        if config.qdrant_url:
            store = VectorStore(url=config.qdrant_url, collection=config.collection)
        else:
            store = VectorStore(path=data_dir / "qdrant", collection=config.collection)
        index = cls(data_dir, config, store)
        try:
            index._load()
        except BaseException:
            store.close()
            raise
        return index

    @property
    def version(self) -> str:
        return kb_version(self.documents, self.embedder_name) if self.documents else "empty"

    def _load(self) -> None:
        manifest_path = self.data_dir / "manifest.json"
        if not manifest_path.exists():
            return
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT:
                log.warning("index format changed: %s will be rebuilt", self.data_dir)
                return
            chunks_data = json.loads((self.data_dir / "chunks.json").read_text(encoding="utf-8"))
            chunks = tuple(Chunk.from_payload(c) for c in chunks_data)
            bm25 = BM25Index.load(self.data_dir / "bm25.npz")
            documents = {
                k: DocEntry(**{**v, "warnings": tuple(v.get("warnings", ()))})
                for k, v in manifest["documents"].items()
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(
                f"the knowledge index in {self.data_dir} is unreadable ({exc}); "
                "run 'gateway ingest' to rebuild it"
            ) from exc
        if bm25.size != len(chunks):
            raise IndexCorruptError(
                f"{self.data_dir}: BM25 and chunk table disagree; run 'gateway ingest'"
            )
        self.embedder_name = str(manifest.get("embedder", ""))
        self.documents = documents
        self._set_chunks(chunks, bm25)

    def _set_chunks(self, chunks: Sequence[Chunk], bm25: BM25Index | None = None) -> None:
        self.snapshot = Snapshot.of(chunks, bm25)  # one assignment: readers never see a mix

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self.snapshot.chunks

    @property
    def bm25(self) -> BM25Index:
        return self.snapshot.bm25

    def replace(
        self, documents: Mapping[str, DocEntry], chunks: Sequence[Chunk], embedder: str
    ) -> None:
        """Install a new chunk table and manifest and persist them (manifest last)."""
        self.embedder_name = embedder
        self.documents = dict(documents)
        self._set_chunks(chunks)
        _write_json(self.data_dir / "chunks.json", [c.to_payload() for c in self.chunks])
        self.bm25.save(self.data_dir / "bm25.npz")
        manifest = {
            "format": FORMAT,
            "embedder": embedder,
            "collection": self.config.collection,
            "version": self.version,
            "documents": {k: dataclasses.asdict(v) for k, v in sorted(self.documents.items())},
        }
        _write_json(self.data_dir / "manifest.json", manifest)

    def close(self) -> None:
        self.store.close()
