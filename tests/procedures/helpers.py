"""Small builders for test documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).parent / "data"
SITE = DATA / "site"
CRAC_DOC = SITE / "docs" / "procedures" / "crac-hp-trip-recovery.md"
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


class FakeClock:
    """A clock that advances ``step`` seconds on every reading, from a fixed start."""

    def __init__(self, start: datetime | None = None, step: float = 10.0) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
        self.step = timedelta(seconds=step)

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now
