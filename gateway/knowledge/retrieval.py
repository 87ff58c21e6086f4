"""Hybrid retrieval: vector and BM25 results fused by reciprocal rank, then boosted.

Boosts favour documents written for the equipment in view (by tag, else by
type), the procedure the technician is running (and its current step), and
troubleshooting passages when the question describes a symptom.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.embedder import Embedder
from gateway.knowledge.errors import EmptyIndexError
from gateway.knowledge.index import KnowledgeIndex
from gateway.knowledge.question import is_symptom_question, lists_causes

log = logging.getLogger(__name__)

SYMPTOM_BOOST = 1.15
STEP_BOOST = 1.1


@dataclass(frozen=True)
class QueryContext:
    """What the glasses know when the question is asked."""

    equipment_tag: str = ""
    """Tag of the equipment in view (e.g. "CRAC-01"), empty when none."""
    procedure_id: str = ""
    """Id of the procedure being run, empty when none."""
    step: int = 0
    """Current step of that procedure (1-based), 0 when none."""


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score and the ranks that produced it."""

    chunk: Chunk
    score: float
    vector_rank: int | None
    bm25_rank: int | None


@dataclass(frozen=True)
class Retrieval:
    """The result of one retrieval and how long it took."""

    query: str
    hits: tuple[Hit, ...]
    ms: float
    symptom: bool


class Retriever:
    """Fuses vector and BM25 rankings; thread-safe, so many requests may run at once."""

    def __init__(
        self,
        index: KnowledgeIndex,
        embedder: Embedder,
        config: KnowledgeConfig,
        tag_types: Mapping[str, str] | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config
        self.tag_types = {k.upper(): v for k, v in (tag_types or {}).items()}

    def retrieve(self, query: str, context: QueryContext | None = None,
                 top_k: int | None = None) -> Retrieval:
        """The ``top_k`` best chunks for ``query`` (blocking: call from a worker thread)."""
        start = time.perf_counter()
        snap = self.index.snapshot
        if not snap.chunks:
            raise EmptyIndexError("the knowledge base is empty: run 'gateway ingest' first")
        context = context or QueryContext()
        n = self.config.candidates
        vector = self.embedder.embed_query(query)
        vec_hits = self.index.store.search(vector, n)
        bm_hits = snap.bm25.top(query, n)
        positions = snap.point_positions
        vec_ranks = {positions[pid]: r for r, (pid, _) in enumerate(vec_hits) if pid in positions}
        bm_ranks = {pos: r for r, (pos, _) in enumerate(bm_hits)}
        symptom = is_symptom_question(query)
        hits = []
        for pos in vec_ranks.keys() | bm_ranks.keys():
            chunk = snap.chunks[pos]
            vr, br = vec_ranks.get(pos), bm_ranks.get(pos)
            score = sum(1.0 / (self.config.rrf_k + r + 1) for r in (vr, br) if r is not None)
            score *= self._boost(chunk, context, symptom)
            hits.append(Hit(chunk, score, vr, br))
        hits.sort(key=lambda h: (-h.score, h.chunk.id))
        k = top_k or self.config.top_k
        ms = (time.perf_counter() - start) * 1000.0
        return Retrieval(query, tuple(hits[:k]), ms, symptom)

    async def aretrieve(self, query: str, context: QueryContext | None = None,
                        top_k: int | None = None) -> Retrieval:
        """``retrieve`` in a worker thread, for the event loop."""
        return await asyncio.to_thread(self.retrieve, query, context, top_k)

    def _boost(self, chunk: Chunk, context: QueryContext, symptom: bool) -> float:
        factor = 1.0
        tag = context.equipment_tag.upper()
        if tag:
            if tag in (t.upper() for t in chunk.equipment_tags):
                factor *= self.config.tag_boost
            elif self.tag_types.get(tag) in chunk.equipment_types:
                factor *= self.config.type_boost
        if context.procedure_id and chunk.doc_id == context.procedure_id:
            factor *= self.config.procedure_boost
            if context.step and chunk.step == context.step:
                factor *= STEP_BOOST
        if symptom and lists_causes(chunk):
            factor *= SYMPTOM_BOOST
        return factor
