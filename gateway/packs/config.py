"""Configuration of knowledge-pack building and serving on the gateway."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PacksConfig:
    """Where packs come from and go, how they are signed and how fast they are sent."""

    site_dir: str = ""
    """Site folder (site.toml, equipment.toml, docs/); empty: the bundled sample site."""
    packs_dir: str = ""
    """Where built packs are kept; empty: ``<data_dir>/packs``."""
    signing_key: str = ""
    """Ed25519 private key (PEM); empty: ``<data_dir>/pack_signing_key.pem``.
    Created (mode 0600) on first use."""
    chunk_size: int = 256 * 1024
    """Bytes per pack_chunk (at most protocol.limits.MAX_PACK_CHUNK_BYTES)."""
    window_chunks: int = 4
    """Bytes sent ahead of the glasses' acks, in full chunks: at most
    ``window_chunks * chunk_size`` payload bytes are unacknowledged (small files' chunks
    share that budget; a chunk alone always goes). After a cut at most that many bytes
    that were in flight are sent again; 1 gives stop-and-wait for full chunks."""
    bandwidth: int = 0
    """Cap on pack bytes per second per connection; 0: no cap."""
    keep: int = 3
    """Built packs kept in packs_dir (oldest removed first)."""

    def site_path(self) -> Path:
        if self.site_dir:
            return Path(self.site_dir).expanduser()
        import gateway

        return Path(gateway.__file__).parent / "sample_site"

    def packs_path(self, data_dir: Path) -> Path:
        return Path(self.packs_dir).expanduser() if self.packs_dir else data_dir / "packs"

    def key_path(self, data_dir: Path) -> Path:
        if self.signing_key:
            return Path(self.signing_key).expanduser()
        return data_dir / "pack_signing_key.pem"
