"""Ingest with the real embedder into embedded Qdrant; hybrid retrieval finds the right doc."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gateway.knowledge.base import KnowledgeBase
from gateway.knowledge.embedder import Embedder
from gateway.knowledge.errors import EmptyIndexError, StoreError
from gateway.knowledge.retrieval import QueryContext

from .conftest import open_kb

pytestmark = pytest.mark.models


def _top_doc(kb: KnowledgeBase, question: str, context: QueryContext | None = None) -> str:
    return kb.retriever.retrieve(question, context).hits[0].chunk.doc_id


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("the pump tripped on P-17, how do I restart it?", "pump-restart"),
        ("what does alarm U-311 mean", "ups-alarm-table"),
        ("how far is the arc flash boundary of the UPS output switchboard", "arc-flash-safety"),
        ("why is the chiller compressor knocking", "chiller-noise-troubleshooting"),
        ("VFD-7731 keypad fault", "pump-restart"),
    ],
)
def test_retrieval_finds_the_right_document(small_kb: KnowledgeBase, question: str,
                                            doc_id: str) -> None:
    assert _top_doc(small_kb, question) == doc_id


def test_hits_carry_citation_facts(small_kb: KnowledgeBase) -> None:
    hit = small_kb.retriever.retrieve("strainer differential pressure reading").hits[0]
    assert (hit.chunk.doc_id, hit.chunk.citation_section) == ("pump-restart", "step 2")
    assert hit.chunk.title == "Condenser water pump restart after a P-17 trip"


def test_equipment_in_view_and_active_procedure_boost_their_documents(
    small_kb: KnowledgeBase,
) -> None:
    question = "what temperature is too hot"
    plain = [h.chunk.doc_id for h in small_kb.retriever.retrieve(question, top_k=10).hits]
    boosted = small_kb.retriever.retrieve(question, QueryContext(equipment_tag="UPS-A"), top_k=10)
    assert boosted.hits[0].chunk.doc_id == "ups-alarm-table"
    in_proc = small_kb.retriever.retrieve(
        "what should the pressure be", QueryContext(procedure_id="pump-restart", step=4))
    assert in_proc.hits[0].chunk.id == "pump-restart#step-4"
    assert plain  # the unboosted ranking exists and is allowed to differ


def test_reingest_skips_unchanged_updates_changed_and_removes_deleted(
    tmp_path: Path, docs_dir: Path, embedder: Embedder,
) -> None:
    kb = open_kb(tmp_path / "kb", embedder)
    try:
        first = kb.ingest_dir(docs_dir)
        assert len(first.added) == 4 and first.chunks_embedded == first.chunks_total
        version = kb.version

        again = kb.ingest_dir(docs_dir)
        assert again.chunks_embedded == 0 and len(again.unchanged) == 4
        assert kb.version == version

        table = docs_dir / "ups-alarm-table.md"
        table.write_text(table.read_text().replace("Replace fan module FM-9",
                                                   "Replace fan module FM-12"))
        (docs_dir / "chiller-noise.md").unlink()
        third = kb.ingest_dir(docs_dir)
        assert third.updated == ("ups-alarm-table",)
        assert third.removed == ("chiller-noise-troubleshooting",)
        assert third.chunks_embedded == 1
        assert kb.version != version
        assert kb.index.store.count() == len(kb.index.chunks) == third.chunks_total
        assert _top_doc(kb, "fan module FM-12") == "ups-alarm-table"
        assert all(c.doc_id != "chiller-noise-troubleshooting" for c in kb.index.chunks)
    finally:
        kb.index.close()

    reopened = open_kb(tmp_path / "kb", embedder)
    try:
        assert reopened.version == kb.version
        assert reopened.ingest_dir(docs_dir).chunks_embedded == 0
    finally:
        reopened.index.close()


def test_empty_index_and_locked_store_give_clear_errors(tmp_path: Path,
                                                        embedder: Embedder) -> None:
    kb = open_kb(tmp_path / "kb", embedder)
    try:
        with pytest.raises(EmptyIndexError, match="gateway ingest"):
            kb.retriever.retrieve("anything")
        with pytest.raises(StoreError, match="cannot open the vector store"):
            open_kb(tmp_path / "kb", embedder)
    finally:
        kb.index.close()


@pytest.mark.filterwarnings("ignore:Failed to obtain server version")
def test_a_qdrant_server_url_uses_the_same_store_and_reports_a_dead_server(
    tmp_path: Path, docs_dir: Path, embedder: Embedder,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kb = open_kb(tmp_path / "kb", embedder, qdrant_url=f"qdrant+http://127.0.0.1:{port}")
    try:
        assert kb.index.store.location == f"http://127.0.0.1:{port}"
        assert not (tmp_path / "kb" / "qdrant").exists()
        with pytest.raises(StoreError, match=f"127.0.0.1:{port} failed"):
            kb.ingest_dir(docs_dir)
    finally:
        kb.index.close()
