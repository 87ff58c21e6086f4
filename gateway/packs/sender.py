"""Gateway side of pack transfer, sans-I/O apart from reading the pack's files.

:class:`PackSender` turns a :class:`protocol.PackRequest` into the chunks to
send, in priority order (safety, procedure, reference), each file from the
requested offset. :class:`Pacer` turns a bandwidth cap into the delay the caller
sleeps before each send.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import BinaryIO

from gateway.packs.build import BuiltPack
from gateway.packs.derive import PRIORITY_ORDER
from protocol import PackChunk, PackFile, PackManifest, PackRequest, PackWant, limits


class PackRequestError(ValueError):
    """The glasses asked for a version, file or offset this pack does not have."""


@dataclass(frozen=True)
class Want:
    """One file to send, from ``offset``."""

    file: PackFile
    offset: int


class PackSender:
    """Plans and reads the chunks of one built pack."""

    def __init__(self, pack: BuiltPack, chunk_size: int = 256 * 1024) -> None:
        if not 1 <= chunk_size <= limits.MAX_PACK_CHUNK_BYTES:
            raise ValueError(
                f"chunk_size must be 1..{limits.MAX_PACK_CHUNK_BYTES}, got {chunk_size}"
            )
        self.pack = pack
        self.chunk_size = chunk_size
        self._files = {f.path: f for f in pack.manifest.files}

    @property
    def manifest(self) -> PackManifest:
        return self.pack.manifest

    @property
    def version(self) -> str:
        return self.pack.version

    def plan(self, request: PackRequest) -> list[Want]:
        """The files to send for ``request``, safety first; empty ``files`` means all."""
        if request.pack_version != self.version:
            raise PackRequestError(
                f"pack {request.pack_version} requested, this gateway serves {self.version}"
            )
        wants: tuple[PackWant, ...] = request.files or tuple(
            PackWant(f.path) for f in self.pack.manifest.files
        )
        plan: dict[str, Want] = {}
        for want in wants:
            file = self._files.get(want.path)
            if file is None:
                raise PackRequestError(f"pack {self.version} has no file {want.path!r}")
            if want.offset > file.size:
                raise PackRequestError(
                    f"{want.path}: offset {want.offset} is past its size {file.size}"
                )
            if want.offset < file.size:
                plan[want.path] = Want(file, want.offset)
        return sorted(plan.values(), key=lambda w: (PRIORITY_ORDER[w.file.priority], w.file.path))

    def reader(self, plan: list[Want]) -> ChunkReader:
        """A reader of the chunks of ``plan``, in order (blocking file reads)."""
        return ChunkReader(self, plan)


class ChunkReader:
    """Reads the chunks of a plan one by one; safe to close from another thread."""

    def __init__(self, sender: PackSender, plan: list[Want]) -> None:
        self._sender = sender
        self._plan = list(plan)
        self._index = 0
        self._offset = plan[0].offset if plan else 0
        self._fh: BinaryIO | None = None
        self._lock = threading.Lock()
        self._closed = False

    def read_next(self) -> PackChunk | None:
        """The next chunk, or None when the plan is done (or the reader closed)."""
        with self._lock:
            while not self._closed and self._index < len(self._plan):
                file = self._plan[self._index].file
                if self._offset < file.size:
                    return self._read(file)
                self._next_file()
            return None

    def read_batch(self, max_bytes: int, max_chunks: int) -> list[PackChunk]:
        """The next chunks, at least one and until ``max_bytes`` of payload or
        ``max_chunks`` chunks (small files go many to one call); empty when done."""
        batch: list[PackChunk] = []
        size = 0
        while size < max_bytes and len(batch) < max_chunks:
            chunk = self.read_next()
            if chunk is None:
                break
            batch.append(chunk)
            size += len(chunk.payload)
        return batch

    def _read(self, file: PackFile) -> PackChunk:
        if self._fh is None:
            self._fh = open(self._sender.pack.file_path(file.path), "rb")
            self._fh.seek(self._offset)
        payload = self._fh.read(min(self._sender.chunk_size, file.size - self._offset))
        if not payload:
            raise PackRequestError(f"{file.path}: file on disk is shorter than its manifest")
        chunk = PackChunk.build(self._sender.version, file.path, self._offset, file.size, payload)
        self._offset += len(payload)
        return chunk

    def _next_file(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self._index += 1
        if self._index < len(self._plan):
            self._offset = self._plan[self._index].offset

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._fh is not None:
                self._fh.close()
                self._fh = None


class Pacer:
    """Token bucket for a bandwidth cap: how long to wait before sending ``n`` bytes."""

    def __init__(self, bytes_per_s: int, burst: int | None = None) -> None:
        self.rate = float(bytes_per_s)
        self.burst = float(burst if burst is not None else max(bytes_per_s // 4, 1))
        self._tokens = self.burst
        self._last: float | None = None

    def delay(self, nbytes: int, now: float) -> float:
        """Seconds to sleep before sending ``nbytes`` at time ``now`` (0 without a cap)."""
        if self.rate <= 0:
            return 0.0
        if self._last is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        self._tokens -= nbytes
        if self._tokens >= 0:
            return 0.0
        return -self._tokens / self.rate
