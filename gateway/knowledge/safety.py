"""Which warnings an answer must read verbatim.

An answer touches safety when the question names a hazard (lockout, arc flash,
refrigerant, fire suppression, PPE...) or a passage comes from a SAFETY document
or one whose safety level is high. Then the warnings of the documents it cites
are read first, word for word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.index import DocEntry
from gateway.knowledge.question import is_safety_question


@dataclass(frozen=True)
class WarningBlock:
    """One document's warnings."""

    doc_id: str
    title: str
    warnings: tuple[str, ...]


def touches_safety(question: str, chunks: Sequence[Chunk]) -> bool:
    return is_safety_question(question) or any(c.safety for c in chunks)


def select_warnings(
    chunks: Sequence[Chunk], documents: Mapping[str, DocEntry], max_docs: int
) -> list[WarningBlock]:
    """Warnings of the first ``max_docs`` documents (in rank order) that have any."""
    blocks: list[WarningBlock] = []
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.doc_id in seen:
            continue
        seen.add(chunk.doc_id)
        entry = documents.get(chunk.doc_id)
        if entry is not None and entry.warnings:
            blocks.append(WarningBlock(chunk.doc_id, entry.title, entry.warnings))
            if len(blocks) >= max_docs:
                break
    return blocks


def citable(
    chunks: Sequence[Chunk], documents: Mapping[str, DocEntry], blocks: Sequence[WarningBlock]
) -> list[Chunk]:
    """Passages the answer may cite: those whose document's warnings are read (or has none)."""
    warned = {b.doc_id for b in blocks}
    return [
        c for c in chunks
        if c.doc_id in warned or not (documents.get(c.doc_id) and documents[c.doc_id].warnings)
    ]
