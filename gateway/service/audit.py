"""Append-only, hash-chained audit log: one JSON object per line.

Each record carries ``prev`` (the previous record's hash) and ``hash`` (SHA-256
of the record's canonical JSON without ``hash``), so editing, deleting or
reordering a line breaks the chain from that line on. ``verify`` reports the
first broken record.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def _digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _last_hash(path: Path) -> tuple[str, int]:
    if not path.exists():
        return GENESIS, 0
    last, count = GENESIS, 0
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                count += 1
                try:
                    last = json.loads(line).get("hash", last)
                except json.JSONDecodeError:
                    continue
    return last, count


class AuditLog:
    """Thread-safe appender; call ``write`` from the event loop (it runs in a worker thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._prev, self.count = _last_hash(path)

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            record: dict[str, Any] = {"ts": round(time.time(), 3), "event": event, **fields}
            record["seq"] = self.count + 1
            record["prev"] = self._prev
            record["hash"] = _digest(record)
            line = json.dumps(record, ensure_ascii=False, default=str)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)
            self._prev = record["hash"]
            self.count += 1
            return record

    async def write(self, event: str, **fields: Any) -> dict[str, Any]:
        return await asyncio.to_thread(self.append, event, **fields)

    def tail(self, n: int = 50) -> list[dict[str, Any]]:
        """The last ``n`` records (for the dashboard)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()[-n:]
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return out


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    records: int
    first_broken: int | None
    """1-based line number of the first record that does not verify."""
    reason: str


def verify(path: Path) -> VerifyResult:
    """Walk the chain; report the first line whose hash or link is wrong."""
    prev, count = GENESIS, 0
    if not path.exists():
        return VerifyResult(True, 0, None, "no audit log yet")
    with path.open("r", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                return VerifyResult(False, count, lineno, "not valid JSON")
            if not isinstance(record, dict) or record.get("prev") != prev:
                return VerifyResult(False, count, lineno, "chain broken: prev does not match")
            if _digest(record) != record.get("hash"):
                return VerifyResult(False, count, lineno, "record was modified: hash mismatch")
            prev = record["hash"]
            count += 1
    return VerifyResult(True, count, None, "intact")
