"""Glasses side of pack transfer: a state machine fed with messages, returning replies.

Sans-I/O apart from the store and staging files (call it from a worker thread).
On a manifest it checks the signature, compares with the active pack and asks
only for content it has neither in a kept pack nor staged, each file from its
staged offset. Chunks are appended strictly in order and acked; a chunk that
does not fit (a gap after a refused or lost chunk, a corrupt frame) makes it ask
again from its offsets. When every file is whole it installs the pack.

Every request is answered by exactly one ``pack_complete`` (a superseded request
ends early), so ``_outstanding`` tells chunks of the latest request from those
of older ones still in flight.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from glasses.pack.errors import SignatureError
from glasses.pack.outcome import FINAL_STATES, SyncResult, SyncState, SyncStats
from glasses.pack.staging import PartWriter, Staging
from glasses.pack.store import ActivationResult, PackStore
from glasses.pack.verify import verify_manifest
from protocol import (
    Message,
    PackAck,
    PackChunk,
    PackComplete,
    PackFile,
    PackManifest,
    PackRequest,
    PackWant,
)

log = logging.getLogger(__name__)

MAX_FILE_RESTARTS = 2
"""A file whose whole SHA-256 is wrong this many times is served damaged: give up."""


class PackReceiver:
    def __init__(
        self, store: PackStore, keys: Iterable[Ed25519PublicKey], max_stalls: int = 5
    ) -> None:
        self.store = store
        self.keys = tuple(keys)
        self.max_stalls = max_stalls
        self.staging = Staging(store.staging_dir)
        self.state = SyncState.IDLE
        self.manifest: PackManifest | None = None
        self.result: SyncResult | None = None
        self.stats = SyncStats()
        self._pending: dict[str, PackFile] = {}
        self._offsets: dict[str, int] = {}
        self._writer: PartWriter | None = None
        self._outstanding = 0
        self._progress = False
        self._stalls = 0
        self._restarts: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES

    def handle(self, message: Message) -> list[Message]:
        """Replies to one pack message (others are ignored). Thread-safe."""
        with self._lock:
            return self._handle(message)

    def _handle(self, message: Message) -> list[Message]:
        if isinstance(message, PackChunk):
            return self.on_chunk(message)
        if isinstance(message, PackManifest):
            return self.on_manifest(message)
        if isinstance(message, PackComplete):
            return self.on_complete(message)
        return []

    # -- manifest ------------------------------------------------------------
    def on_manifest(self, manifest: PackManifest) -> list[Message]:
        self._close_writer()
        self.manifest = manifest
        try:
            verify_manifest(manifest, self.keys)
        except SignatureError as exc:
            log.error("pack refused: %s", exc)
            self.store.record_sync("refused", manifest.pack_version, str(exc), synced=False)
            return self._finish(SyncState.REFUSED, str(exc))
        active = self.store.active_manifest()
        if (
            active is not None
            and active.pack_version == manifest.pack_version
            and active.files == manifest.files
        ):
            self.store.record_sync("up_to_date", manifest.pack_version)
            return self._finish(SyncState.UP_TO_DATE)
        if manifest.pack_version == self.store.declined_version():
            log.info("pack %s was rolled back from; not taking it again", manifest.pack_version)
            self.store.record_sync("declined", manifest.pack_version)
            return self._finish(SyncState.DECLINED)
        self.staging.begin(manifest)
        self._pending, self._offsets = self._wanted(manifest)
        self._outstanding, self._stalls = 0, 0
        if not self._pending:
            return self._activate()
        self.state = SyncState.RECEIVING
        log.info("pack %s: fetching %d files", manifest.pack_version, len(self._pending))
        return [self._request()]

    def _wanted(self, manifest: PackManifest) -> tuple[dict[str, PackFile], dict[str, int]]:
        pending: dict[str, PackFile] = {}
        offsets: dict[str, int] = {}
        seen: set[str] = set(self.store.kept_content())  # content the glasses have already
        staged = self.staging.scan()
        for file in manifest.files:
            if file.sha256 in seen:
                continue
            seen.add(file.sha256)
            if file.sha256 in staged:  # complete
                continue
            if file.size == 0:
                self.staging.mark_empty(file)
                continue
            offset = self.staging.offset(file, staged)
            if offset == file.size:  # whole but never verified (cut before the check)
                if self.staging.writer(file).finish():
                    continue
                offset = 0
            pending[file.path], offsets[file.path] = file, offset
        return pending, offsets

    def _request(self) -> PackRequest:
        assert self.manifest is not None
        self._outstanding += 1
        self._progress = False
        self.stats.requests += 1
        wants = tuple(PackWant(p, self._offsets[p]) for p in self._pending)
        return PackRequest(self.manifest.pack_version, wants)

    # -- chunks --------------------------------------------------------------
    def on_chunk(self, chunk: PackChunk) -> list[Message]:
        if (
            self.state is not SyncState.RECEIVING
            or self.manifest is None
            or chunk.pack_version != self.manifest.pack_version
        ):
            return []
        file = self._pending.get(chunk.path)
        if file is None:
            return []
        expected = self._offsets[chunk.path]
        end = chunk.offset + len(chunk.payload)
        if chunk.total_size != file.size or chunk.offset > expected:
            return self._refuse(f"{chunk.path}@{chunk.offset}: expected offset {expected}")
        if end <= expected:
            self.stats.duplicates += 1
            return [PackAck(chunk.pack_version, chunk.path, expected)]
        writer = self._writer_for(file)
        writer.append(memoryview(chunk.payload)[expected - chunk.offset :])
        self._offsets[chunk.path] = writer.offset
        self._progress = True
        self.stats.chunks += 1
        self.stats.bytes += end - expected
        out: list[Message] = [PackAck(chunk.pack_version, chunk.path, writer.offset)]
        if writer.whole:
            self._finish_file(writer)
            if self._restarts[chunk.path] > MAX_FILE_RESTARTS:
                error = f"{chunk.path} arrived whole but wrong {self._restarts[chunk.path]} times"
                self.store.record_sync("failed", chunk.pack_version, error, synced=False)
                return self._finish(SyncState.FAILED, error)
            if not self._pending:
                out += self._activate()
        return out

    def _writer_for(self, file: PackFile) -> PartWriter:
        if self._writer is not None and self._writer.file.path != file.path:
            self._writer.close()
            self._writer = None
        if self._writer is None:
            self._writer = self.staging.writer(file)
        return self._writer

    def _finish_file(self, writer: PartWriter) -> None:
        self._writer = None
        path = writer.file.path
        if writer.finish():
            del self._pending[path], self._offsets[path]
            self.stats.files_done += 1
        else:
            self._offsets[path] = 0
            self._restarts[path] += 1
            self.stats.files_restarted += 1

    def on_corrupt(self, reason: str = "corrupt pack chunk") -> list[Message]:
        """A pack_chunk frame failed to decode (bad hash, truncated): ask again. Thread-safe."""
        with self._lock:
            if self.state is not SyncState.RECEIVING:
                return []
            return self._refuse(reason)

    def _refuse(self, reason: str) -> list[Message]:
        self.stats.refused += 1
        if self._outstanding >= 2:  # from an older request; the latest one is on its way
            return []
        log.info("pack chunk refused (%s); asking again", reason)
        return [self._request()]

    # -- end of a request ----------------------------------------------------
    def on_complete(self, complete: PackComplete) -> list[Message]:
        if (
            self.state is not SyncState.RECEIVING
            or self.manifest is None
            or complete.pack_version != self.manifest.pack_version
        ):
            return []
        self._outstanding = max(0, self._outstanding - 1)
        if self._outstanding > 0:
            return []
        if not self._pending:
            return self._activate()
        if self._progress:
            self._stalls = 0
        else:
            self._stalls += 1
            if self._stalls > self.max_stalls:
                error = f"no progress after {self._stalls} requests"
                self.store.record_sync("failed", self.manifest.pack_version, error, synced=False)
                return self._finish(SyncState.FAILED, error)
        return [self._request()]

    # -- activation ----------------------------------------------------------
    def _activate(self) -> list[Message]:
        assert self.manifest is not None
        self._close_writer()
        sources = {}
        for file in self.manifest.files:
            part = self.staging.complete(file.sha256)
            if part is not None:
                sources[file.sha256] = part
        result = self.store.install(self.manifest, sources, self.keys)
        self.staging.clear()
        version = self.manifest.pack_version
        if result.ok:
            self.store.record_sync("activated", version)
            return self._finish(SyncState.ACTIVATED, activation=result)
        self.store.record_sync("failed", version, result.error, synced=False)
        return self._finish(SyncState.FAILED, result.error, activation=result)

    def _finish(
        self, state: SyncState, error: str | None = None, activation: ActivationResult | None = None
    ) -> list[Message]:
        self.state = state
        version = self.manifest.pack_version if self.manifest else None
        stats = dataclasses.replace(self.stats)  # a copy: the result does not change later
        self.result = SyncResult(state, version, error, activation, stats)
        return []

    def close(self) -> None:
        """Close the open part file (thread-safe; waits for a chunk being written)."""
        with self._lock:
            self._close_writer()

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
