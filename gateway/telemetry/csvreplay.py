"""CSV replay source: one row per poll, for demos and tests.

The header names the columns; a point reads the column ``TAG.point`` unless
its ``column`` key says otherwise. A column named ``time`` is for people and
is ignored. An empty or non-numeric cell is a missing sample (a dropout).
Readings are stamped with the time of the poll, so a replay looks live.
"""

from __future__ import annotations

import asyncio
import csv
import math
import time
from collections.abc import Sequence
from pathlib import Path

from gateway.telemetry.model import Quality, Reading
from gateway.telemetry.points import CsvColumn, CsvSourceSpec, Point
from gateway.telemetry.source import SourceConfigError, SourceUnavailable


def read_table(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header and rows of a replay file; a clear error if unreadable or empty."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = [tuple(cell.strip() for cell in row) for row in csv.reader(fh) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceConfigError(f"{path}: cannot read replay file: {exc}") from None
    if len(rows) < 2:
        raise SourceConfigError(f"{path}: replay file needs a header and at least one row")
    header = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise SourceConfigError(f"{path}: line {i}: {len(row)} cells, header has {len(header)}")
    return header, rows[1:]


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class CsvReplaySource:
    """Replays a CSV file row by row."""

    def __init__(self, spec: CsvSourceSpec) -> None:
        self.spec = spec
        self._header: dict[str, int] | None = None
        self._rows: list[tuple[str, ...]] = []
        self._next = 0

    @property
    def name(self) -> str:
        return self.spec.name

    async def _load(self) -> dict[str, int]:
        if self._header is None:
            header, rows = await asyncio.to_thread(read_table, self.spec.path)
            self._header = {name: i for i, name in enumerate(header)}
            self._rows = rows
        return self._header

    def _column(self, header: dict[str, int], p: Point) -> int:
        assert isinstance(p.address, CsvColumn)
        index = header.get(p.address.column)
        if index is None:
            raise SourceConfigError(
                f"{self.spec.path}: no column {p.address.column!r} for {p.tag}.{p.name}"
            )
        return index

    async def read(self, points: Sequence[Point]) -> list[Reading]:
        header = await self._load()
        if self._next >= len(self._rows):
            if not self.spec.loop:
                raise SourceUnavailable(f"{self.spec.path}: replay finished")
            self._next = 0
        row = self._rows[self._next]
        self._next += 1
        ts = time.time()
        out: list[Reading] = []
        for p in points:
            value = _number(row[self._column(header, p)])
            quality = Quality.GOOD if value is not None else Quality.MISSING
            out.append(Reading(p.tag, p.name, ts, value, quality))
        return out

    async def close(self) -> None:
        """Nothing stays open between reads; the replay position is kept."""
