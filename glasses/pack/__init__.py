"""The knowledge pack on the glasses: store, verification, sync and import.

- :class:`glasses.pack.store.PackStore`: active/previous packs, atomic switch, rollback,
  sync record; :func:`last_sync_time` for the overlay
- :func:`glasses.pack.check.load_pack` / ``PackStore.load_active``: the parsed pack
- :class:`glasses.pack.sync.PackClient` (the link's side of sync) and :func:`sync_pack`
- :func:`glasses.pack.importer.import_pack` (air-gapped sites)
"""

from glasses.pack.check import LoadedPack, load_pack
from glasses.pack.config import PackConfig
from glasses.pack.errors import PackError, PackInvalid, SignatureError, TrustedKeyError
from glasses.pack.importer import import_pack
from glasses.pack.outcome import SyncResult, SyncState, SyncStats
from glasses.pack.receiver import PackReceiver
from glasses.pack.store import ActivationResult, PackStatus, PackStore, last_sync_time
from glasses.pack.sync import PackClient, sync_pack
from glasses.pack.verify import load_trusted_keys, verify_manifest

__all__ = [
    "ActivationResult",
    "LoadedPack",
    "PackClient",
    "PackConfig",
    "PackError",
    "PackInvalid",
    "PackReceiver",
    "PackStatus",
    "PackStore",
    "SignatureError",
    "SyncResult",
    "SyncState",
    "SyncStats",
    "TrustedKeyError",
    "import_pack",
    "last_sync_time",
    "load_pack",
    "load_trusted_keys",
    "sync_pack",
    "verify_manifest",
]
