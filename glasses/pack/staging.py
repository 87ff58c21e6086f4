"""Partial downloads of a pack, kept on disk so a cut link resumes where it stopped.

Files are staged by content: ``staging/parts/<sha256>.part`` while arriving,
renamed to ``<sha256>`` once whole, fsynced and verified. The resume offset of a
file is the size of its part, so a sync resumes with any gateway offering the
same content, whatever its pack version. ``staging/manifest.json`` is the
manifest being staged. Chunks are appended strictly in order; the whole file's
SHA-256 is checked before it counts as complete (a damaged part starts over).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from glasses.pack.errors import PackError
from glasses.pack.verify import read_manifest
from protocol import PackFile, PackManifest, encode

log = logging.getLogger(__name__)


class Staging:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.parts = directory / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)

    def manifest(self) -> PackManifest | None:
        path = self.directory / "manifest.json"
        if not path.is_file():
            return None
        try:
            return read_manifest(path)
        except PackError:
            return None

    def begin(self, manifest: PackManifest) -> None:
        """Stage ``manifest``: keep the parts it can use, drop the others."""
        self.parts.mkdir(parents=True, exist_ok=True)
        if self.manifest() != manifest:
            self._write_manifest(manifest)
        wanted = {f.sha256 for f in manifest.files}
        for part in self.parts.iterdir():
            if part.name.removesuffix(".part") not in wanted:
                part.unlink(missing_ok=True)

    def _write_manifest(self, manifest: PackManifest) -> None:
        """Atomic but not fsynced: it only tells :meth:`begin` the same manifest is staged
        already (parts are kept by content either way), and a copy lost to a power cut
        is written again; two fsyncs would delay the pack request by milliseconds."""
        path = self.directory / "manifest.json"
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(str(encode(manifest)), "utf-8")
        os.replace(tmp, path)

    def complete(self, sha256: str) -> Path | None:
        path = self.parts / sha256
        return path if path.is_file() else None

    def scan(self) -> dict[str, int]:
        """Name -> size of every staged file (complete or part), in one directory read."""
        with os.scandir(self.parts) as entries:
            return {e.name: e.stat().st_size for e in entries if e.is_file()}

    def offset(self, file: PackFile, staged: Mapping[str, int] | None = None) -> int:
        """Bytes of ``file`` already staged (its size once complete); ``staged`` is a
        :meth:`scan` taken since the last change, to spare a lookup per file."""
        if staged is None:
            staged = self.scan()
        if file.sha256 in staged:
            return file.size
        part = self.parts / f"{file.sha256}.part"
        size = staged.get(part.name, 0)
        if size > file.size:
            log.warning("staged %s is longer than the file; starting it over", file.path)
            part.unlink()
            return 0
        return size

    def mark_empty(self, file: PackFile) -> None:
        """A zero-byte file needs no transfer."""
        path = self.parts / file.sha256
        path.touch()

    def writer(self, file: PackFile) -> PartWriter:
        return PartWriter(self.parts, file)

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class PartWriter:
    """Appends the chunks of one file and checks its SHA-256 when it is whole."""

    def __init__(self, parts: Path, file: PackFile) -> None:
        self.file = file
        self._parts = parts
        self.path = parts / f"{file.sha256}.part"
        self._hash = hashlib.sha256()
        # unbuffered: once append() returns, the bytes are in the kernel (survive a crash)
        self._fh: BinaryIO = open(self.path, "ab", buffering=0)
        self.offset = self._fh.tell()
        if self.offset:
            with open(self.path, "rb") as fh:
                while block := fh.read(1 << 20):
                    self._hash.update(block)

    def append(self, data: bytes | memoryview) -> int:
        """Append ``data`` at the current offset; return the new offset."""
        view = memoryview(data)
        while view:
            written = self._fh.write(view) or 0
            view = view[written:]
        self._hash.update(data)
        self.offset += len(data)
        return self.offset

    @property
    def whole(self) -> bool:
        return self.offset >= self.file.size

    def finish(self) -> bool:
        """Verify the whole file; True if it is right (then it is complete).

        Not fsynced here: the store fsyncs new files before it activates them, and
        hashes them again, so a part damaged by a power cut is never activated."""
        self._fh.close()
        if self._hash.hexdigest() != self.file.sha256:
            log.warning("%s: SHA-256 of the whole file differs; fetching it again", self.file.path)
            self.path.unlink(missing_ok=True)
            return False
        os.replace(self.path, self._parts / self.file.sha256)
        return True

    def close(self) -> None:
        self._fh.close()
