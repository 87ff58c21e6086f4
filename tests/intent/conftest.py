"""Shared fixtures: the committed intent model and the sample site's procedure list."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from glasses.intent import IntentRecognizer
from glasses.intent.procedures import ProcedureTuple

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PROCEDURES = ROOT / "gateway" / "sample_site" / "docs" / "procedures"


def sample_procedures() -> list[ProcedureTuple]:
    """(id, title, keywords) of the sample site's procedures, read from their front matter."""
    out: list[ProcedureTuple] = []
    for path in sorted(SAMPLE_PROCEDURES.glob("*.md")):
        front = path.read_text(encoding="utf-8").split("+++")[1]
        meta = tomllib.loads(front)
        out.append((meta["id"], meta["title"], tuple(meta.get("keywords", ()))))
    return out


@pytest.fixture(scope="session")
def procedures() -> list[ProcedureTuple]:
    return sample_procedures()


@pytest.fixture(scope="session")
def recognizer(procedures: list[ProcedureTuple]) -> IntentRecognizer:
    return IntentRecognizer.load(procedures=procedures)
