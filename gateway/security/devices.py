"""Paired glasses: one-time pairing codes and per-device revocable tokens (SQLite).

Only hashes are stored: a stolen ``devices.db`` gives neither usable codes nor
tokens. ``gateway pair`` (one process) creates codes and ``gateway serve``
(another) redeems them, so the store is a file both open, not memory.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "devices.db"
CODE_DIGITS = 8
DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (
    hash TEXT PRIMARY KEY, created REAL NOT NULL, expires REAL NOT NULL,
    used_at REAL, used_by TEXT);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL,
    paired_at REAL NOT NULL, revoked_at REAL, last_seen REAL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class PairingError(ValueError):
    """A pairing request was refused; the message says why (safe to show the wearer)."""


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    paired_at: float
    revoked: bool
    last_seen: float | None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_code(code: str) -> str:
    """``1234-5678``, ``1234 5678`` and ``12345678`` are the same code."""
    return "".join(ch for ch in code if ch in "0123456789")


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class DeviceRegistry:
    """Thread-safe; ``check`` is cheap enough to call on the event loop per hello."""

    def __init__(
        self, path: Path, max_failures: int = 10, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = Path(path)
        self.max_failures = max_failures
        """Wrong codes tolerated before every outstanding code is cancelled (brute force)."""
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- codes -------------------------------------------------------------
    def create_code(self, ttl_s: float = 300.0) -> str:
        """A fresh one-time 8-digit code, valid for ``ttl_s`` seconds."""
        if ttl_s <= 0:
            raise ValueError(f"pairing code lifetime must be positive, got {ttl_s}")
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        now = self._clock()
        with self._lock:
            self._db.execute("DELETE FROM codes WHERE expires < ?", (now - 86400,))
            self._db.execute(
                "INSERT INTO codes (hash, created, expires) VALUES (?, ?, ?)",
                (_sha256(code), now, now + ttl_s),
            )
            self._set_failures(0)
        return code

    def redeem(self, code: str, device_id: str, device_name: str) -> str:
        """Spend ``code`` to pair ``device_id``; return its new token (shown once)."""
        if not DEVICE_ID.fullmatch(device_id):
            raise PairingError(
                "device id must be 1-64 letters, digits, '.', '_', ':' or '-' "
                f"starting with a letter or digit, got {device_id!r}"
            )
        name = " ".join(device_name.split())[:80] or device_id
        digits = normalize_code(code)
        now = self._clock()
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")  # one redeemer per code, across processes
            try:
                row = self._db.execute(
                    "SELECT expires, used_at FROM codes WHERE hash = ?", (_sha256(digits),)
                ).fetchone()
                refusal = self._refusal(row, digits, now)
                if not refusal:
                    self._db.execute(
                        "UPDATE codes SET used_at = ?, used_by = ? WHERE hash = ?",
                        (now, device_id, _sha256(digits)),
                    )
                    self._db.execute(
                        "INSERT OR REPLACE INTO devices (id, name, token_hash, paired_at) "
                        "VALUES (?, ?, ?, ?)",
                        (device_id, name, _sha256(token), now),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if refusal:
            raise PairingError(refusal)
        return token

    def _refusal(self, row: tuple[float, float | None] | None, digits: str, now: float) -> str:
        if row is None or len(digits) != CODE_DIGITS:
            failures = self._failures() + 1
            self._set_failures(failures)
            if failures < self.max_failures:
                return "wrong pairing code"
            self._db.execute("DELETE FROM codes WHERE used_at IS NULL")
            self._set_failures(0)
            return (
                "wrong pairing code; too many wrong codes, so every open code was "
                "cancelled: create a new one with 'gateway pair'"
            )
        expires, used_at = row
        if used_at is not None:
            return "pairing code already used: create a new one with 'gateway pair'"
        if now > expires:
            return "pairing code expired: create a new one with 'gateway pair'"
        return ""

    def _failures(self) -> int:
        """Wrong codes since the last new code, shared by every process using the file."""
        row = self._db.execute("SELECT value FROM counters WHERE name = 'failures'").fetchone()
        return int(row[0]) if row else 0

    def _set_failures(self, value: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO counters (name, value) VALUES ('failures', ?)", (value,)
        )

    # -- devices -----------------------------------------------------------
    def check(self, device_id: str, token: str) -> str:
        """The empty string when ``token`` is this device's live token, else the refusal."""
        with self._lock:
            row = self._db.execute(
                "SELECT token_hash, revoked_at FROM devices WHERE id = ?", (device_id,)
            ).fetchone()
            if row is None:
                return "unknown device: pair it with 'gateway pair'"
            token_hash, revoked_at = row
            if revoked_at is not None:
                return "revoked: this device must be paired again"
            if not hmac.compare_digest(token_hash, _sha256(token or "")):
                return "wrong token"
            self._db.execute(
                "UPDATE devices SET last_seen = ? WHERE id = ?", (self._clock(), device_id)
            )
            return ""

    def revoke(self, device_id: str) -> bool:
        """Revoke a device's token; False if no such (unrevoked) device."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (self._clock(), device_id),
            )
            return cur.rowcount > 0

    def list(self) -> builtins.list[Device]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, paired_at, revoked_at, last_seen FROM devices ORDER BY paired_at"
            ).fetchall()
        return [Device(r[0], r[1], r[2], r[3] is not None, r[4]) for r in rows]


def open_registry(data_dir: Path, max_failures: int = 10) -> DeviceRegistry:
    """The registry every gateway command shares: ``data_dir/devices.db``."""
    return DeviceRegistry(Path(data_dir) / DB_NAME, max_failures)
