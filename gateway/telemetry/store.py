"""Readings and alerts in SQLite (stdlib ``sqlite3``, WAL mode), with retention.

The methods are blocking and thread-safe (one connection behind a lock); the
service calls them through ``asyncio.to_thread``. A missed sample is stored as
NULL so the learned pattern sees the gap when it is relearned at start.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from gateway.telemetry.model import Alert, AlertState, Reading

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS series (
    id INTEGER PRIMARY KEY, tag TEXT NOT NULL, point TEXT NOT NULL, UNIQUE (tag, point));
CREATE TABLE IF NOT EXISTS readings (series INTEGER NOT NULL, ts REAL NOT NULL, value REAL);
CREATE INDEX IF NOT EXISTS readings_by_series ON readings (series, ts);
CREATE INDEX IF NOT EXISTS readings_by_ts ON readings (ts);
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at REAL NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state);
"""


class StoreError(RuntimeError):
    """The database cannot be opened or is not a telemetry store."""


class TelemetryStore:
    """One SQLite file of readings and alerts."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._series: dict[tuple[str, str], int] = {}
        try:
            if readonly:
                uri = f"file:{path}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
            for sid, tag, point in self._db.execute("SELECT id, tag, point FROM series"):
                self._series[(tag, point)] = sid
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{path}: cannot open telemetry database: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- readings -------------------------------------------------------------------
    def _series_id(self, tag: str, point: str) -> int:
        sid = self._series.get((tag, point))
        if sid is None:
            cur = self._db.execute("INSERT INTO series (tag, point) VALUES (?, ?)", (tag, point))
            sid = int(cur.lastrowid or 0)
            self._series[(tag, point)] = sid
        return sid

    def write(self, readings: Sequence[Reading]) -> None:
        if not readings:
            return
        with self._lock:
            self._db.execute("BEGIN")
            try:
                rows = [(self._series_id(r.tag, r.point), r.ts, r.value) for r in readings]
                self._db.executemany("INSERT INTO readings VALUES (?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def history(self, tag: str, point: str, limit: int) -> tuple[list[float], list[float]]:
        """The last ``limit`` samples of a point, oldest first (NaN for missed ones)."""
        sid = self._series.get((tag, point))
        if sid is None:
            return [], []
        with self._lock:
            rows = self._db.execute(
                "SELECT ts, value FROM readings WHERE series = ? ORDER BY ts DESC LIMIT ?",
                (sid, limit),
            ).fetchall()
        rows.reverse()
        return [r[0] for r in rows], [float("nan") if r[1] is None else r[1] for r in rows]

    def recent_values(self, tag: str, point: str, limit: int) -> list[tuple[float, float]]:
        """The last ``limit`` good (ts, value) pairs of a point, oldest first."""
        sid = self._series.get((tag, point))
        if sid is None:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT ts, value FROM readings WHERE series = ? AND value IS NOT NULL "
                "ORDER BY ts DESC LIMIT ?",
                (sid, limit),
            ).fetchall()
        return [(float(t), float(v)) for t, v in reversed(rows)]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM readings").fetchone()[0])

    # -- alerts ----------------------------------------------------------------------------
    def save_alerts(self, alerts: Iterable[Alert]) -> None:
        rows = [(a.id, a.state.value, a.updated_at, json.dumps(a.to_dict())) for a in alerts]
        if not rows:
            return
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO alerts VALUES (?, ?, ?, ?)", rows)

    def active_alerts(self) -> list[Alert]:
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM alerts WHERE state != ? ORDER BY updated_at",
                (AlertState.CLEARED.value,),
            ).fetchall()
        out = []
        for (body,) in rows:
            try:
                out.append(Alert.from_dict(json.loads(body)))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("skipping unreadable stored alert: %s", exc)
        return out

    # -- retention -------------------------------------------------------------------------
    def prune(self, now: float, max_age_s: float, max_rows: int) -> int:
        """Delete readings older than ``max_age_s`` and beyond ``max_rows``; returns rows gone."""
        with self._lock:
            gone = self._db.execute(
                "DELETE FROM readings WHERE ts < ?", (now - max_age_s,)
            ).rowcount
            lo, hi = self._db.execute("SELECT min(rowid), max(rowid) FROM readings").fetchone()
            if lo is not None and hi - lo + 1 > max_rows:
                cut = hi - max_rows + 1
                gone += self._db.execute("DELETE FROM readings WHERE rowid < ?", (cut,)).rowcount
            self._db.execute(
                "DELETE FROM alerts WHERE state = ? AND updated_at < ?",
                (AlertState.CLEARED.value, now - max_age_s),
            )
        return gone
