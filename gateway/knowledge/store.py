"""The vector store: Qdrant embedded in a directory, or a Qdrant server by URL.

The same client code serves both: ``QdrantClient(path=...)`` for the embedded
default, ``QdrantClient(url=...)`` for ``qdrant+http://host:6333``. Calls are
serialised by a lock (embedded Qdrant is plain Python over SQLite).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.errors import StoreError

log = logging.getLogger(__name__)

_NAMESPACE = uuid.UUID("6f1d2b1e-52c4-4c1c-9f0b-1f5e8d0a7c31")
UPSERT_BATCH = 256


def point_id(chunk_id: str) -> str:
    """Qdrant point ids must be UUIDs or integers: derive a stable UUID from the chunk id."""
    return str(uuid.uuid5(_NAMESPACE, chunk_id))


def server_url(qdrant_url: str) -> str:
    """``qdrant+http://host:6333`` -> ``http://host:6333``."""
    for scheme in ("qdrant+http://", "qdrant+https://"):
        if qdrant_url.startswith(scheme):
            return qdrant_url.removeprefix("qdrant+")
    raise StoreError(f"not a Qdrant URL (expected qdrant+http:// or qdrant+https://): {qdrant_url}")


@contextmanager
def _talking_to(location: str) -> Iterator[None]:
    """Turn Qdrant client errors (server down, bad reply) into a StoreError naming the store."""
    from qdrant_client.http.exceptions import ApiException

    try:
        yield
    except ApiException as exc:
        raise StoreError(f"vector store {location} failed: {exc}") from exc


class VectorStore:
    """One Qdrant collection of chunk vectors with the chunk as payload."""

    def __init__(self, *, path: Path | None = None, url: str = "", collection: str) -> None:
        from qdrant_client import QdrantClient

        self.collection = collection
        self._lock = threading.Lock()
        if not url and path is None:
            raise StoreError("a vector store needs a directory or a server URL")
        self.location = server_url(url) if url else str(path)
        try:
            if url:
                self._client = QdrantClient(url=self.location, timeout=10)
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                self._client = QdrantClient(path=str(path), force_disable_check_same_thread=True)
        except RuntimeError as exc:  # embedded Qdrant: directory locked by another process
            raise StoreError(f"cannot open the vector store at {self.location}: {exc}") from exc

    def ensure_collection(self, dim: int) -> bool:
        """Create the collection if needed; recreate it when the vector size changed.

        Returns True when the collection was (re)created empty.
        """
        from qdrant_client import models as qm

        with self._lock, _talking_to(self.location):
            if self._client.collection_exists(self.collection):
                info = self._client.get_collection(self.collection)
                vectors = info.config.params.vectors
                size = getattr(vectors, "size", None)
                distance = getattr(vectors, "distance", None)
                if size == dim and distance == qm.Distance.DOT:
                    return False
                log.warning("vector layout changed (%s %s -> %s Dot): recreating %s", size,
                            distance, dim, self.collection)
                self._client.delete_collection(self.collection)
            # embeddings are unit length, so the dot product is the cosine similarity, and
            # embedded Qdrant skips re-normalising every stored vector on each search
            self._client.create_collection(
                self.collection,
                vectors_config=qm.VectorParams(size=dim, distance=qm.Distance.DOT),
            )
            return True

    def upsert(self, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]) -> None:
        from qdrant_client import models as qm

        for start in range(0, len(chunks), UPSERT_BATCH):
            points = [
                qm.PointStruct(id=point_id(c.id), vector=vectors[start + i].tolist(),
                               payload=c.to_payload())
                for i, c in enumerate(chunks[start : start + UPSERT_BATCH])
            ]
            with self._lock, _talking_to(self.location):
                self._client.upsert(self.collection, points=points, wait=True)

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        """Remove every point of the given documents."""
        if not doc_ids:
            return
        from qdrant_client import models as qm

        selector = qm.FilterSelector(filter=qm.Filter(must=[
            qm.FieldCondition(key="doc_id", match=qm.MatchAny(any=list(doc_ids)))
        ]))
        with self._lock, _talking_to(self.location):
            self._client.delete(self.collection, points_selector=selector, wait=True)

    def search(self, vector: npt.NDArray[np.float32], limit: int) -> list[tuple[str, float]]:
        """Nearest points as (point id, cosine similarity), best first; see :func:`point_id`."""
        with self._lock, _talking_to(self.location):
            result = self._client.query_points(
                self.collection, query=vector.tolist(), limit=limit,
                with_payload=False, with_vectors=False,
            )
        return [(str(p.id), float(p.score)) for p in result.points]

    def count(self) -> int:
        with self._lock, _talking_to(self.location):
            return int(self._client.count(self.collection, exact=True).count)

    def close(self) -> None:
        with self._lock, _talking_to(self.location):
            self._client.close()

