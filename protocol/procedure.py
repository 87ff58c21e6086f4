"""Knowledge documents (procedures, safety, reference): parse and load.

The format is specified in PROCEDURE_FORMAT.md. Shared by glasses and gateway;
sans-I/O apart from ``load_*`` reading files. Every invalid input raises
:class:`DocumentError` whose message is ``"path:line: what is wrong"``; nothing
half-parsed is ever returned.

>>> doc = load_document("docs/procedures/crac-hp-trip-recovery.md")  # doctest: +SKIP
>>> doc.steps[1].hold  # doctest: +SKIP
'Confirm the disconnect is locked and tagged and zero energy is verified.'
"""

from __future__ import annotations

import hashlib
from os import PathLike
from pathlib import Path

from protocol import procedure_body, procedure_front
from protocol.procedure_reading import (
    UNITS,
    ExpectedReading,
    ReadingVerdict,
    Verdict,
    convert,
    normalize_unit,
)
from protocol.procedure_types import (
    EQUIPMENT_TYPES,
    Document,
    DocumentError,
    Kind,
    SafetyLevel,
    Section,
    Step,
)

__all__ = [
    "EQUIPMENT_TYPES",
    "UNITS",
    "Document",
    "DocumentError",
    "ExpectedReading",
    "Kind",
    "ReadingVerdict",
    "SafetyLevel",
    "Section",
    "Step",
    "Verdict",
    "convert",
    "load_document",
    "load_documents",
    "normalize_unit",
    "parse_document",
]

StrPath = str | PathLike[str]


def _parse(text: str, path: str) -> tuple[Document, int]:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    front = procedure_front.parse(lines, path)
    body = procedure_body.parse(lines, front.body_start, front.kind, path)
    document = Document(
        id=front.id,
        title=front.title,
        kind=front.kind,
        equipment_types=front.equipment_types,
        equipment_tags=front.equipment_tags,
        safety_level=front.safety_level,
        ppe=front.ppe,
        estimated_minutes=front.estimated_minutes,
        alarm_codes=front.alarm_codes,
        keywords=front.keywords,
        sources=front.sources,
        warnings=body.warnings,
        tools=body.tools,
        steps=body.steps,
        sections=body.sections,
        sha256=digest,
        path=path,
    )
    return document, front.id_line


def parse_document(text: str, path: str = "<string>") -> Document:
    """Parse one document's text; ``path`` only names it in errors and ``Document.path``."""
    return _parse(text, path)[0]


def _read(path: StrPath) -> tuple[str, str]:
    name = str(path)
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(name, line, f"not valid UTF-8 ({exc.reason})") from None


def load_document(path: StrPath) -> Document:
    """Read and parse one document file (UTF-8)."""
    text, name = _read(path)
    return parse_document(text, name)


def load_documents(directory: StrPath) -> tuple[Document, ...]:
    """Every ``*.md`` under ``directory`` (recursive), sorted by path; ids must be unique."""
    root = Path(directory)
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: not a directory of documents")
    documents: list[Document] = []
    first: dict[str, Document] = {}
    for file in sorted(root.rglob("*.md")):
        text, name = _read(file)
        document, id_line = _parse(text, name)
        if document.id in first:
            other = first[document.id].path
            raise DocumentError(name, id_line, f"duplicate id '{document.id}' (also in {other})")
        first[document.id] = document
        documents.append(document)
    return tuple(documents)
