"""Cut documents into retrieval units: one per section, one per procedure step.

Every chunk keeps what a citation and a boost need: document id, title, kind,
section heading or step number, equipment tags and types, and a safety flag.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gateway.knowledge.text import table_to_lines

if TYPE_CHECKING:
    from protocol.procedure import Document, Step

CHUNKER_VERSION = 2
"""Bump when chunk text or ids change: the next ingest then rebuilds every document."""

MAX_CHUNK_WORDS = 180
"""Longer sections are split at paragraph breaks (the embedder reads ~256 word pieces)."""

WARNINGS_SECTION = "Warnings"
_SKIPPED_SECTIONS = frozenset({"steps"})


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage and the document facts it carries."""

    id: str
    doc_id: str
    title: str
    kind: str
    section: str
    """Section heading, or "Step N" for a procedure step."""
    step: int
    """Step number, 0 when the chunk is not a step."""
    text: str
    """Passage text as given to the model and read out in an extract."""
    equipment_tags: tuple[str, ...]
    equipment_types: tuple[str, ...]
    safety: bool
    """The document is SAFETY kind or its safety level is high."""
    keywords: tuple[str, ...] = ()
    """Alarm codes and keywords of the document (searchable, not read out)."""

    @property
    def citation_section(self) -> str:
        return f"step {self.step}" if self.step else self.section

    def search_text(self) -> str:
        """What BM25 indexes: the passage plus title, section, codes and tags."""
        extra = " ".join((*self.keywords, *self.equipment_tags, *self.equipment_types))
        return f"{self.title}\n{self.section}\n{self.text}\n{extra}"

    def embed_text(self) -> str:
        """What the embedder reads: title and section give the passage its context."""
        return f"{self.title}. {self.section}. {self.text}"

    def to_payload(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("equipment_tags", "equipment_types", "keywords"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Chunk:
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in fields}
        for key in ("equipment_tags", "equipment_types", "keywords"):
            values[key] = tuple(values.get(key, ()))
        return cls(**values)


def document_kind(doc: Document) -> str:
    """SOP, MOP, EOP, SAFETY or REF (whether the parser gives an enum or a string)."""
    kind = doc.kind
    return str(getattr(kind, "value", kind)).upper()


def is_safety_document(doc: Document) -> bool:
    level = str(getattr(doc.safety_level, "value", doc.safety_level))
    return document_kind(doc) == "SAFETY" or level.lower() == "high"


def step_text(step: Step) -> str:
    """A step as one passage: text, then expected reading, hold point and cautions."""
    parts = [f"Step {step.number}. {step.text.strip()}"]
    expected = getattr(step, "expected", None)
    if expected:
        parts.append(f"Expected reading: {_expected_text(expected)}.")
    if step.hold:
        parts.append(f"Hold point: {step.hold.strip()}")
    parts.extend(f"Caution: {c.strip()}" for c in step.cautions)
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts)


def _expected_text(expected: Any) -> str:
    """Expected reading(s) in words: "discharge pressure 250 to 450 psig"."""
    items = expected if isinstance(expected, list | tuple) else (expected,)
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        name = str(getattr(item, "name", "")).replace("_", " ")
        low, high = getattr(item, "low", None), getattr(item, "high", None)
        unit = getattr(item, "unit", "")
        out.append(f"{name} {_num(low)} to {_num(high)} {unit}".strip())
    return "; ".join(out)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split_long(text: str) -> list[str]:
    """Split at paragraph breaks into pieces of at most ~MAX_CHUNK_WORDS words."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    pieces: list[str] = []
    current: list[str] = []
    words = 0
    for para in paragraphs:
        n = len(para.split())
        if current and words + n > MAX_CHUNK_WORDS:
            pieces.append("\n\n".join(current))
            current, words = [], 0
        current.append(para)
        words += n
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def chunk_document(doc: Document) -> list[Chunk]:
    """All chunks of one document, in document order."""
    base = Chunk(
        id=doc.id, doc_id=doc.id, title=doc.title, kind=document_kind(doc), section="", step=0,
        text="", equipment_tags=tuple(doc.equipment_tags),
        equipment_types=tuple(str(t) for t in doc.equipment_types),
        safety=is_safety_document(doc), keywords=tuple((*doc.alarm_codes, *doc.keywords)),
    )
    chunks: list[Chunk] = []
    if doc.warnings:
        text = "\n".join(f"- {w}" for w in doc.warnings)
        chunks.append(replace(base, id=f"{doc.id}#warnings", section=WARNINGS_SECTION, text=text))
    for step in doc.steps:
        chunks.append(replace(base, id=f"{doc.id}#step-{step.number}",
                              section=f"Step {step.number}", step=step.number,
                              text=step_text(step)))
    for s_index, section in enumerate(doc.sections):
        heading = section.heading.strip() or "Overview"
        if heading.lower() in _SKIPPED_SECTIONS:
            continue
        if heading.lower() == WARNINGS_SECTION.lower() and doc.warnings:
            continue
        body = table_to_lines(section.text).strip()
        if not body:
            continue
        for p_index, piece in enumerate(_split_long(body)):
            chunks.append(replace(base, id=f"{doc.id}#sec-{s_index}-{p_index}", section=heading,
                                  text=piece))
    return chunks
