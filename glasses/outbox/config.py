"""Configuration of the glasses' durable outbox."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutboxConfig:
    """Where undelivered records wait and how they are delivered."""

    path: str = ""
    """SQLite file; empty: ``<data_dir>/outbox.sqlite3``."""
    window: int = 32
    """Records sent ahead of the gateway's acks."""
    resend_after: float = 10.0
    """Seconds before an unacknowledged record is sent again on the same link."""
    poll_interval: float = 0.25
    """Seconds between looks for new records while idle."""

    def file(self, data_dir: Path) -> Path:
        return Path(self.path).expanduser() if self.path else data_dir / "outbox.sqlite3"
