"""Small builders for test documents."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
SAMPLE_SITE = Path(__file__).resolve().parents[2] / "gateway" / "sample_site"

FRONT = """+++
id = "test-proc"
title = "Test procedure"
kind = "SOP"
safety_level = "low"
+++
"""


def doc(body: str, front: str = FRONT) -> str:
    """A document: front matter plus ``body``."""
    return front + body


def steps(*lines: str) -> str:
    """A procedure document whose ``## Steps`` section holds ``lines``."""
    return doc("## Steps\n" + "\n".join(lines) + "\n")
