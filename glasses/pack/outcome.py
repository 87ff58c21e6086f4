"""States, counters and results of one pack sync on the glasses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from glasses.pack.store import ActivationResult


class SyncState(enum.StrEnum):
    IDLE = "idle"
    RECEIVING = "receiving"
    UP_TO_DATE = "up_to_date"
    ACTIVATED = "activated"
    DECLINED = "declined"
    """The offered version was rolled back from on these glasses; not taken again."""
    REFUSED = "refused"
    """The manifest is not signed by a trusted key; nothing was fetched."""
    FAILED = "failed"
    """No progress, or the pack did not install (the old one stays active)."""


FINAL_STATES = frozenset(
    {
        SyncState.UP_TO_DATE,
        SyncState.ACTIVATED,
        SyncState.DECLINED,
        SyncState.REFUSED,
        SyncState.FAILED,
    }
)


@dataclass
class SyncStats:
    requests: int = 0
    chunks: int = 0
    bytes: int = 0
    """Bytes stored (each at most once)."""
    duplicates: int = 0
    """Chunks that arrived again (already stored); only re-acked."""
    refused: int = 0
    """Chunks refused: corrupt frames and chunks past a gap."""
    files_done: int = 0
    files_restarted: int = 0
    """Whole files whose SHA-256 differed, fetched again."""


@dataclass(frozen=True)
class SyncResult:
    state: SyncState
    version: str | None
    """The pack offered."""
    error: str | None = None
    activation: ActivationResult | None = None
    stats: SyncStats = field(default_factory=SyncStats)
