"""The durable outbox: work log, notes, readings and telemetry waiting for the gateway.

SQLite in WAL mode with ``synchronous=FULL``: once :meth:`Outbox.add` returns,
the record survives the process being killed or the power failing. Records
leave the outbox only when the gateway acknowledges their id, and the gateway
stores each id once, so delivery is exactly once across crashes and handoffs.
The blocking methods have ``a*`` twins that run in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from glasses.outbox.ids import new_ulid
from protocol import Record, RecordKind

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    timestamp REAL NOT NULL,
    payload TEXT NOT NULL
);
"""


class OutboxError(RuntimeError):
    """The outbox file cannot be opened or written."""


class Outbox:
    """One SQLite outbox; safe to share between threads and with other processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=10.0
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise OutboxError(f"{path}: cannot open the outbox ({exc})") from None
        self._lock = threading.Lock()

    def add(
        self,
        kind: RecordKind,
        payload: Mapping[str, Any] | None = None,
        timestamp: float | None = None,
    ) -> Record:
        """Store a new record durably and return it (with its new unique id)."""
        now = time.time() if timestamp is None else timestamp
        record = Record(new_ulid(now), kind, now, dict(payload or {}))
        data = json.dumps(dict(record.payload), ensure_ascii=False, allow_nan=False)
        with self._lock:
            self._db.execute(
                "INSERT INTO outbox(record_id, kind, timestamp, payload) VALUES (?, ?, ?, ?)",
                (record.record_id, record.kind, record.timestamp, data),
            )
        return record

    def pending(self, limit: int = 100) -> list[Record]:
        """The oldest records not yet acknowledged, in the order they were added."""
        with self._lock:
            rows = self._db.execute(
                "SELECT record_id, kind, timestamp, payload FROM outbox ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [Record(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def acknowledge(self, record_ids: Iterable[str]) -> int:
        """Drop delivered records; return how many were still here."""
        ids = list(record_ids)
        if not ids:
            return 0
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                removed = sum(
                    self._db.execute("DELETE FROM outbox WHERE record_id = ?", (i,)).rowcount
                    for i in ids
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return removed

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    async def aadd(
        self,
        kind: RecordKind,
        payload: Mapping[str, Any] | None = None,
        timestamp: float | None = None,
    ) -> Record:
        return await asyncio.to_thread(self.add, kind, payload, timestamp)

    async def apending(self, limit: int = 100) -> list[Record]:
        return await asyncio.to_thread(self.pending, limit)

    async def aacknowledge(self, record_ids: Iterable[str]) -> int:
        return await asyncio.to_thread(self.acknowledge, list(record_ids))
