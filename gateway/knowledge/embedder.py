"""The sentence embedder (all-MiniLM-L6-v2 on CPU) with a query-embedding cache.

Calls are serialised by a lock (the Hugging Face fast tokenizer is not safe to
share between threads); run them in a worker thread from async code.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]


class Embedder:
    """Unit-length float32 embeddings; ``embed_query`` results are cached (LRU)."""

    def __init__(self, path: Path, *, cache_size: int = 512, threads: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        # torch's thread count is process-wide; one thread keeps query latency steady while
        # the language model keeps the other cores busy (two threads were ~10x worse at p95
        # on a loaded 2-core box)
        torch.set_num_threads(threads)

        self.path = path
        self._model = SentenceTransformer(str(path), device="cpu")
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"embedder {path} does not report an embedding dimension")
        self.dim = int(dim)
        self.name = path.name if path.name != "model" else path.parent.name
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._cache_size = cache_size

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Embed many texts in batches; ``progress(n)`` is called after each batch.

        Texts are batched by length (less padding), results come back in input order.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(texts), batch_size):
            ids = order[start : start + batch_size]
            batch = [texts[i] for i in ids]
            with self._lock:
                vecs = self._model.encode(
                    batch, batch_size=batch_size, normalize_embeddings=True,
                    convert_to_numpy=True, show_progress_bar=False,
                )
            out[ids] = vecs
            if progress is not None:
                progress(len(batch))
        return out

    def embed_query(self, text: str) -> Vector:
        """One query's embedding, from the cache when the same text was asked before."""
        key = " ".join(text.lower().split())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            vec: Vector = np.asarray(self._model.encode(
                [key], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )[0], dtype=np.float32)
            self._cache[key] = vec
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return vec


def load_embedder(override: str | None = None, *, cache_size: int = 512,
                  threads: int = 1) -> Embedder:
    """Resolve the embedder (config override, env var, bundled package) and load it."""
    from gateway.models import resolve_embedder

    return Embedder(resolve_embedder(override or None), cache_size=cache_size, threads=threads)
