"""Chunking by section and step, and the BM25 index (no models needed)."""

from __future__ import annotations

from pathlib import Path

from gateway.knowledge.bm25 import BM25Index
from gateway.knowledge.chunks import chunk_document
from protocol.procedure import load_documents

from .conftest import DATA


def _docs() -> dict[str, object]:
    return {d.id: d for d in load_documents(DATA)}


def test_procedure_is_cut_into_warnings_steps_and_sections() -> None:
    chunks = chunk_document(_docs()["pump-restart"])  # type: ignore[arg-type]
    sections = [c.citation_section for c in chunks]
    assert sections == ["Warnings", "step 1", "step 2", "step 3", "step 4", "Notes"]
    step2 = chunks[2]
    assert step2.doc_id == "pump-restart" and step2.step == 2
    assert "strainer dp 2 to 8 psig" in step2.text
    assert "Caution: The motor casing can reach 70 °C after a trip." in chunks[3].text
    assert step2.equipment_tags == ("PUMP-01", "PUMP-02") and step2.equipment_types == ("pump",)
    assert not step2.safety and "P-17" in step2.search_text()


def test_safety_document_chunks_carry_the_safety_flag() -> None:
    chunks = chunk_document(_docs()["arc-flash-safety"])  # type: ignore[arg-type]
    assert all(c.safety for c in chunks)
    assert [c.section for c in chunks] == ["Warnings", "Boundaries", "PPE categories"]


def test_tables_are_indexed_as_sentences() -> None:
    (chunk,) = chunk_document(_docs()["ups-alarm-table"])  # type: ignore[arg-type]
    row = "Code: U-311; Meaning: Inverter fan failure; Action: Replace fan module FM-9."
    assert row in chunk.text


def test_bm25_finds_codes_and_part_numbers(tmp_path: Path) -> None:
    texts = [
        "Inverter fan failure U-311: replace fan module FM-9",
        "Battery temperature alarm U-204 in the battery room",
        "Compressor high pressure trip on circuit 1",
    ]
    index = BM25Index.build(texts)
    assert index.top("u311", 3)[0][0] == 0
    assert index.top("what does U-204 mean", 3)[0][0] == 1
    assert index.top("FM-9 module", 3)[0][0] == 0
    assert index.top("nothing matches zebra", 3) == []
    path = tmp_path / "bm25.npz"
    index.save(path)
    again = BM25Index.load(path)
    assert again.top("compressor trip", 2) == index.top("compressor trip", 2)
