"""Work-log and telemetry records from the glasses, stored once each (SQLite).

A record id seen before is acknowledged again but not stored twice, so the
glasses' outbox can resend after a crash or a handoff without duplicates.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from protocol.messages import Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    timestamp REAL NOT NULL,
    payload TEXT NOT NULL,
    received REAL NOT NULL DEFAULT (julianday('now'))
);
CREATE INDEX IF NOT EXISTS records_device ON records(device_id, timestamp);
"""


class RecordStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def store(self, device_id: str, records: Iterable[Record]) -> tuple[int, int]:
        """Insert new records; return (new, duplicates)."""
        new = dup = 0
        with self._lock:
            self._db.execute("BEGIN")
            for r in records:
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO records(record_id, device_id, kind, timestamp, payload)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (r.record_id, device_id, r.kind, r.timestamp, json.dumps(dict(r.payload))),
                )
                new += cur.rowcount
                dup += 1 - cur.rowcount
            self._db.execute("COMMIT")
        return new, dup

    async def astore(self, device_id: str, records: Iterable[Record]) -> tuple[int, int]:
        return await asyncio.to_thread(self.store, device_id, list(records))

    def for_device(self, device_id: str, limit: int = 200) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT record_id, kind, timestamp, payload FROM records WHERE device_id=?"
                " ORDER BY timestamp DESC LIMIT ?",
                (device_id, limit),
            ).fetchall()
        return [
            {"record_id": r[0], "kind": r[1], "timestamp": r[2], "payload": json.loads(r[3])}
            for r in rows
        ]

    def count(self, device_id: str | None = None) -> int:
        with self._lock:
            if device_id is None:
                return int(self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0])
            return int(
                self._db.execute(
                    "SELECT COUNT(*) FROM records WHERE device_id=?", (device_id,)
                ).fetchone()[0]
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
