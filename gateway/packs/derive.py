"""What a pack holds beyond the site's own files: priority classes and derived indexes.

``procedures.json`` lists every document (id, title, kind, path) and, for
procedures, the names the intent grammar matches (title, keywords, alarm codes,
equipment). ``search.json`` holds the retrieval units (one per section and per
step, as the gateway indexes them) for the glasses' local BM25 fallback.
Both are written with sorted keys so the same site always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

from gateway.knowledge.chunks import chunk_document
from protocol.procedure import Document, Kind, SafetyLevel

Priority = Literal["safety", "procedure", "reference"]
PRIORITY_ORDER: dict[str, int] = {"safety": 0, "procedure": 1, "reference": 2}
"""Transfer order of the priority classes: safety content first."""
FORMAT = 1


def document_priority(doc: Document) -> Priority:
    """SAFETY docs and any high-safety doc first, then SOP/MOP/EOP, then reference."""
    if doc.kind is Kind.SAFETY or doc.safety_level is SafetyLevel.HIGH:
        return "safety"
    if doc.is_procedure:
        return "procedure"
    return "reference"


def _dumps(data: Any, indent: int | None = None) -> bytes:
    seps = (",", ": ") if indent else (",", ":")
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, indent=indent, separators=seps)
    return (text + "\n").encode()


def procedures_json(documents: Iterable[tuple[str, Document]]) -> bytes:
    """The document list and the procedure names; ``documents`` is (pack path, doc)."""
    docs: list[dict[str, Any]] = []
    procs: list[dict[str, Any]] = []
    for path, doc in documents:
        docs.append(
            {
                "id": doc.id,
                "title": doc.title,
                "kind": str(doc.kind),
                "path": path,
                "safety_level": str(doc.safety_level),
            }
        )
        if doc.is_procedure:
            procs.append(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "kind": str(doc.kind),
                    "keywords": list(doc.keywords),
                    "alarm_codes": list(doc.alarm_codes),
                    "equipment_tags": list(doc.equipment_tags),
                    "equipment_types": [str(t) for t in doc.equipment_types],
                    "steps": len(doc.steps),
                    "path": path,
                }
            )
    return _dumps({"format": FORMAT, "documents": docs, "procedures": procs}, indent=1)


def search_json(documents: Iterable[Document]) -> bytes:
    """Every retrieval unit with the text BM25 indexes (``search_text``)."""
    chunks: list[dict[str, Any]] = []
    for doc in documents:
        for chunk in chunk_document(doc):
            payload = chunk.to_payload()
            payload["search_text"] = chunk.search_text()
            chunks.append(payload)
    return _dumps({"format": FORMAT, "chunks": chunks})
