"""Configuration of the glasses' knowledge-pack store and sync."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PackConfig:
    """Where the pack lives on the glasses and whom it trusts."""

    dir: str = ""
    """Pack store folder; empty: ``<data_dir>/pack``."""
    trusted_keys: tuple[str, ...] = ()
    """Gateway pack-signing public keys: PEM file paths or 64 hex digits (raw Ed25519).
    A pack signed by none of them is refused; with none configured every pack is refused."""
    queue_size: int = 64
    """Pack messages buffered between the link and the sync worker."""
    max_stalls: int = 5
    """Requests answered without progress before a sync gives up (it resumes next time)."""

    def path(self, data_dir: Path) -> Path:
        return Path(self.dir).expanduser() if self.dir else data_dir / "pack"
