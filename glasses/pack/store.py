"""The pack store on the glasses: versions, the active and previous pack, atomic switch.

Layout of the store folder::

    versions/<version>/     manifest.json + files, one folder per kept pack
    current -> versions/X   symlink to the active pack (replaced with os.replace)
    previous -> versions/Y  the pack active before it (kept for rollback)
    staging/                partial downloads (glasses.pack.staging)
    sync.json               last sync time and result

Installing verifies the new folder (signature and hashes) before the switch,
then loads it through ``current`` the way the runtime does; if that fails the
switch is undone. Only ``current`` and ``previous`` are kept.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from glasses.pack.assemble import assemble
from glasses.pack.check import MANIFEST, LoadedPack, load_pack
from glasses.pack.errors import PackError
from glasses.pack.record import (
    declined_version,
    last_sync_time,
    read_sync,
    update_sync,
    write_sync,
)
from glasses.pack.verify import fsync_dir, read_manifest, verify_manifest
from protocol import PackManifest

__all__ = ["ActivationResult", "PackStatus", "PackStore", "last_sync_time"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActivationResult:
    ok: bool
    version: str | None
    """The pack active afterwards."""
    previous: str | None = None
    error: str | None = None
    rolled_back: bool = False
    """A switch was made and undone because the new pack did not load."""


@dataclass(frozen=True)
class PackStatus:
    active: str | None
    previous: str | None
    last_sync: float | None
    last_result: str | None
    last_error: str | None
    declined: str | None = None
    """Rolled back from; sync does not take this version again."""


class PackStore:
    """One store folder; mutations hold an exclusive lock on ``<root>/.lock``."""

    def __init__(self, root: Path) -> None:
        (root / "versions").mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.versions = self.root / "versions"
        self.staging_dir = self.root / "staging"

    # -- reading -------------------------------------------------------------
    def _target(self, name: str) -> Path | None:
        link = self.root / name
        if not link.is_symlink():
            return None
        target = (self.root / os.readlink(link)).resolve()
        return target if (target / MANIFEST).is_file() else None

    def active_dir(self) -> Path | None:
        return self._target("current")

    def previous_dir(self) -> Path | None:
        return self._target("previous")

    def active_manifest(self) -> PackManifest | None:
        directory = self.active_dir()
        return None if directory is None else read_manifest(directory / MANIFEST)

    def active_version(self) -> str | None:
        manifest = self.active_manifest()
        return None if manifest is None else manifest.pack_version

    def previous_version(self) -> str | None:
        directory = self.previous_dir()
        return None if directory is None else read_manifest(directory / MANIFEST).pack_version

    def kept_content(self) -> dict[str, Path]:
        """SHA-256 -> a file with that content in the active or previous pack."""
        found: dict[str, Path] = {}
        for directory in (self.previous_dir(), self.active_dir()):  # active wins
            if directory is None:
                continue
            with contextlib.suppress(PackError):
                for file in read_manifest(directory / MANIFEST).files:
                    found[file.sha256] = directory / file.path
        return found

    def load_active(self, keys: Iterable[Ed25519PublicKey] | None = None) -> LoadedPack | None:
        """The active pack parsed; if it no longer loads, roll back to the previous one."""
        directory = self.active_dir()
        if directory is None:
            return None
        try:
            return load_pack(self.root / "current", keys)
        except PackError as exc:
            log.error("active pack %s does not load (%s); rolling back", directory.name, exc)
        result = self.rollback(keys)
        if not result.ok:
            log.error("rollback failed: %s", result.error)
            return None
        return load_pack(self.root / "current", keys)

    # -- switching -----------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        with open(self.root / ".lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _point(self, name: str, target: Path | None) -> None:
        link = self.root / name
        if target is None:
            link.unlink(missing_ok=True)
        else:
            tmp = self.root / f".{name}.{os.getpid()}.tmp"
            tmp.unlink(missing_ok=True)
            os.symlink(os.path.relpath(target, self.root), tmp)
            os.replace(tmp, link)
        fsync_dir(self.root)

    def _switch(self, new: Path, old: Path | None) -> None:
        if old is not None and old != new:
            self._point("previous", old)
        self._point("current", new)

    def install(
        self,
        manifest: PackManifest,
        sources: Mapping[str, Path],
        keys: Iterable[Ed25519PublicKey],
    ) -> ActivationResult:
        """Assemble ``manifest``'s files (from ``sources`` by SHA-256, else from the kept packs),
        verify, switch atomically, load; undo the switch if the new pack does not load."""
        keys = tuple(keys)
        with self.lock():
            old, old_previous = self.active_dir(), self.previous_dir()
            before = self.active_version()
            active = self.active_manifest()
            if active and (active.pack_version, active.files) == (
                manifest.pack_version,
                manifest.files,
            ):
                return ActivationResult(True, before, self.previous_version())  # already active
            try:
                verify_manifest(manifest, keys)
                incoming = assemble(self.versions, manifest, {**self.kept_content(), **sources})
            except (PackError, OSError) as exc:
                log.error("pack %s refused: %s", manifest.pack_version, exc)
                return ActivationResult(False, before, self.previous_version(), str(exc))
            final = self._place(incoming, manifest.pack_version)
            self._switch(final, old)
            try:
                load_pack(self.root / "current", keys, check_hashes=False)
            except PackError as exc:
                log.error("pack %s does not load, rolled back: %s", manifest.pack_version, exc)
                self._undo(final, old, old_previous)
                update_sync(self.root, declined=manifest.pack_version)
                return ActivationResult(False, before, self.previous_version(), str(exc), True)
            self._prune()
            update_sync(self.root, declined=None)
        log.info("pack %s active (previous %s)", manifest.pack_version, before)
        return ActivationResult(True, manifest.pack_version, before)

    def _place(self, incoming: Path, version: str) -> Path:
        keep = {self.active_dir(), self.previous_dir()}
        final, n = self.versions / version, 1
        while final in keep:
            n += 1
            final = self.versions / f"{version}~{n}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(incoming, final)
        fsync_dir(self.versions)
        return final

    def _undo(self, failed: Path, old: Path | None, old_previous: Path | None) -> None:
        self._point("current", old)
        self._point("previous", old_previous)
        shutil.rmtree(failed, ignore_errors=True)

    def _prune(self) -> None:
        keep = {self.active_dir(), self.previous_dir()}
        for child in self.versions.iterdir():
            if child.resolve() not in keep:
                shutil.rmtree(child, ignore_errors=True)

    def rollback(self, keys: Iterable[Ed25519PublicKey] | None = None) -> ActivationResult:
        """Make the previous pack active again (and the active one previous)."""
        with self.lock():
            current, previous = self.active_dir(), self.previous_dir()
            version = self.active_version()
            if previous is None:
                return ActivationResult(False, version, None, "no previous pack to roll back to")
            try:
                load_pack(previous, keys)
            except PackError as exc:
                return ActivationResult(False, version, None, f"previous pack is damaged: {exc}")
            self._point("current", previous)
            self._point("previous", current)
            update_sync(self.root, declined=version)  # do not sync it back in at once
            return ActivationResult(True, self.active_version(), version)

    # -- sync record ---------------------------------------------------------
    def record_sync(
        self, result: str, version: str | None, error: str | None = None, synced: bool = True
    ) -> None:
        """Remember the outcome of a sync; ``synced`` updates the last-sync time."""
        write_sync(self.root, result, version, error, synced)

    def status(self) -> PackStatus:
        data = read_sync(self.root)
        stamp, result, error = (data.get(k) for k in ("last_sync", "last_result", "last_error"))
        return PackStatus(
            active=self.active_version(),
            previous=self.previous_version(),
            last_sync=float(stamp) if isinstance(stamp, int | float) else None,
            last_result=str(result) if result is not None else None,
            last_error=str(error) if error is not None else None,
            declined=declined_version(self.root),
        )

    def declined_version(self) -> str | None:
        """The version rolled back from; sync does not take it again (a newer one, yes)."""
        return declined_version(self.root)

    def status_dict(self) -> dict[str, object]:
        return asdict(self.status())
