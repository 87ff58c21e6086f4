"""The record of the last pack sync (``<pack dir>/sync.json``), read by status and overlay."""

from __future__ import annotations

import json
import time
from pathlib import Path

from glasses.pack.verify import write_atomic

SYNC_FILE = "sync.json"


def read_sync(root: Path) -> dict[str, object]:
    """The last sync record of the store in ``root`` (empty when there is none)."""
    try:
        data = json.loads((root / SYNC_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_sync(
    root: Path, result: str, version: str | None, error: str | None, synced: bool
) -> None:
    """Record an outcome; ``synced`` sets the last-sync time to now (else it is kept)."""
    update_sync(
        root,
        last_result=result,
        last_version=version,
        last_error=error,
        **({"last_sync": time.time()} if synced else {}),
    )


def update_sync(root: Path, **fields: object) -> None:
    """Change some fields of the record, keeping the others."""
    data = read_sync(root)
    data.update(fields)
    write_atomic(root / SYNC_FILE, json.dumps(data, indent=1).encode())


def declined_version(root: Path) -> str | None:
    """A version rolled back from (by hand or because it did not load): not taken again."""
    value = read_sync(root).get("declined")
    return value if isinstance(value, str) else None


def last_sync_time(data_dir: Path, pack_dir: str = "") -> float | None:
    """When the glasses last synced their pack (Unix time), or None: for the overlay.

    ``pack_dir`` is ``PackConfig.dir`` (empty: ``<data_dir>/pack``)."""
    root = Path(pack_dir).expanduser() if pack_dir else data_dir / "pack"
    value = read_sync(root).get("last_sync")
    return float(value) if isinstance(value, int | float) else None
