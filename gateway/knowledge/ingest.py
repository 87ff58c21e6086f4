"""Ingest documents: chunk, embed and index only what changed since the last run.

A document is re-embedded when its content hash changed; documents that
disappeared lose their points; unchanged ones keep theirs.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.knowledge.chunks import CHUNKER_VERSION, Chunk, chunk_document, document_kind
from gateway.knowledge.embedder import Embedder
from gateway.knowledge.index import DocEntry, KnowledgeIndex

if TYPE_CHECKING:
    from protocol.procedure import Document

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)`` in chunks embedded."""


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    chunks_embedded: int
    chunks_total: int
    seconds: float
    version: str

    @property
    def documents(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (
            f"{self.documents} documents ({len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged), "
            f"{self.chunks_embedded} of {self.chunks_total} chunks embedded in "
            f"{self.seconds:.1f} s; knowledge base version {self.version}"
        )


def _embedder_id(embedder: Embedder) -> str:
    """Identifies how vectors were made: a change re-embeds everything."""
    return f"{embedder.name}/{embedder.dim}/chunker-{CHUNKER_VERSION}"


def ingest(
    index: KnowledgeIndex,
    documents: Sequence[Document],
    embedder: Embedder,
    *,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring ``index`` in line with ``documents`` (the whole site: absent ids are removed)."""
    start = time.perf_counter()
    ids = [d.id for d in documents]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate document ids: {', '.join(duplicates)}")
    emb_id = _embedder_id(embedder)
    recreated = index.store.ensure_collection(embedder.dim)
    old = index.documents
    if recreated or index.embedder_name != emb_id or index.store.count() != len(index.chunks):
        if old:
            log.warning("vector store out of step with the manifest: re-embedding everything")
        old = {}
    changed = [d for d in documents if d.id not in old or old[d.id].sha256 != d.sha256]
    changed_ids = {d.id for d in changed}
    removed = sorted(set(index.documents) - set(ids))
    index.store.delete_documents(sorted((changed_ids & set(index.documents)) | set(removed)))

    new_chunks = {d.id: chunk_document(d) for d in changed}
    todo: list[Chunk] = [c for d in changed for c in new_chunks[d.id]]
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, len(todo))

    if progress is not None:
        progress(0, len(todo))
    vectors = embedder.embed([c.embed_text() for c in todo],
                             batch_size=index.config.embed_batch_size, progress=step)
    index.store.upsert(todo, vectors)

    kept: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in index.chunks:
        kept[chunk.doc_id].append(chunk)
    all_chunks: list[Chunk] = []
    entries: dict[str, DocEntry] = {}
    for doc in documents:
        chunks = new_chunks[doc.id] if doc.id in changed_ids else kept[doc.id]
        all_chunks.extend(chunks)
        entries[doc.id] = DocEntry(
            doc.sha256, doc.title, document_kind(doc), len(chunks), tuple(doc.warnings))
    index.replace(entries, all_chunks, emb_id)
    return IngestReport(
        added=tuple(sorted(changed_ids - set(old))),
        updated=tuple(sorted(changed_ids & set(old))),
        removed=tuple(removed),
        unchanged=tuple(sorted(set(ids) - changed_ids)),
        chunks_embedded=len(todo),
        chunks_total=len(all_chunks),
        seconds=time.perf_counter() - start,
        version=index.version,
    )
