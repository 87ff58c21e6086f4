"""The sample site's documents and equipment registry are valid and consistent."""

from __future__ import annotations

import pytest

from protocol.equipment import load_registry
from protocol.procedure import DocumentError, load_document, load_documents

from .helpers import SAMPLE_SITE

DOCS = SAMPLE_SITE / "docs"
EQUIPMENT = SAMPLE_SITE / "equipment.toml"

pytestmark = pytest.mark.skipif(
    not DOCS.is_dir(), reason="gateway/sample_site/docs not written yet"
)


def test_every_document_parses() -> None:
    errors: list[str] = []
    for path in sorted(DOCS.rglob("*.md")):
        try:
            load_document(path)
        except DocumentError as exc:
            errors.append(str(exc))
    assert not errors, "invalid sample documents:\n" + "\n".join(errors)


def test_ids_unique_and_kinds_match_folders() -> None:
    documents = load_documents(DOCS)
    assert documents
    folders = {"procedures": {"SOP", "MOP", "EOP"}, "safety": {"SAFETY"}, "reference": {"REF"}}
    misplaced = [
        f"{d.path}: kind {d.kind.value} in {folder}/"
        for d in documents
        for folder, kinds in folders.items()
        if f"/{folder}/" in d.path and d.kind.value not in kinds
    ]
    assert not misplaced


@pytest.mark.skipif(not EQUIPMENT.is_file(), reason="equipment.toml not written yet")
def test_registry_matches_documents() -> None:
    documents = load_documents(DOCS)
    registry = load_registry(EQUIPMENT)
    registry.validate(documents)
    unknown = [
        f"{d.path}: equipment tag '{tag}' is not in equipment.toml"
        for d in documents
        for tag in d.equipment_tags
        if tag not in registry
    ]
    assert not unknown, "\n".join(unknown)
    mismatched = [
        f"{d.path}: {tag} is a {unit.type}, document covers {', '.join(d.equipment_types)}"
        for d in documents
        for tag in d.equipment_tags
        if (unit := registry.find(tag)) is not None
        and d.equipment_types
        and unit.type not in d.equipment_types
    ]
    assert not mismatched, "\n".join(mismatched)
