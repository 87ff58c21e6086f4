"""A small in-memory BM25 (Okapi) index over numpy arrays, persisted as one .npz file.

The postings are a CSR-like layout: for term t, ``doc_ids[starts[t]:starts[t+1]]``
and the matching term frequencies; a query scores only the postings of its terms.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from gateway.knowledge.text import index_tokens


class BM25Index:
    """Okapi BM25 with the usual k1/b; ids are positions in the indexed sequence."""

    def __init__(
        self,
        vocab: dict[str, int],
        starts: npt.NDArray[np.int64],
        doc_ids: npt.NDArray[np.int32],
        freqs: npt.NDArray[np.float32],
        doc_len: npt.NDArray[np.float32],
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.vocab = vocab
        self.starts = starts
        self.doc_ids = doc_ids
        self.freqs = freqs
        self.doc_len = doc_len
        self.k1 = k1
        self.b = b
        n = len(doc_len)
        df = np.diff(starts).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(doc_len.mean()) if n else 1.0
        self.norm = (k1 * (1.0 - b + b * doc_len / max(avg, 1e-9))).astype(np.float32)

    @property
    def size(self) -> int:
        return len(self.doc_len)

    @classmethod
    def build(cls, texts: Sequence[str]) -> BM25Index:
        """Index ``texts``; the id of a text is its position."""
        counts = [Counter(index_tokens(t)) for t in texts]
        vocab: dict[str, int] = {}
        for c in counts:
            for term in c:
                vocab.setdefault(term, len(vocab))
        postings: list[list[tuple[int, int]]] = [[] for _ in vocab]
        for doc, c in enumerate(counts):
            for term, tf in c.items():
                postings[vocab[term]].append((doc, tf))
        lengths = np.array([len(p) for p in postings], dtype=np.int64)
        starts = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        flat = [pair for plist in postings for pair in plist]
        doc_ids = np.array([d for d, _ in flat], dtype=np.int32)
        freqs = np.array([f for _, f in flat], dtype=np.float32)
        doc_len = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        return cls(vocab, starts, doc_ids, freqs, doc_len)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every indexed text for ``query`` (zeros where no term matches)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term, qtf in Counter(index_tokens(query)).items():
            t = self.vocab.get(term)
            if t is None:
                continue
            lo, hi = self.starts[t], self.starts[t + 1]
            ids = self.doc_ids[lo:hi]
            tf = self.freqs[lo:hi]
            out[ids] += qtf * self.idf[t] * tf * (self.k1 + 1.0) / (tf + self.norm[ids])
        return out

    def top(self, query: str, n: int) -> list[tuple[int, float]]:
        """The ``n`` best (id, score) pairs with a positive score, best first."""
        scores = self.scores(query)
        if not self.size:
            return []
        n = min(n, self.size)
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx if scores[i] > 0.0]

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            vocab=np.frombuffer(json.dumps(self.vocab).encode(), dtype=np.uint8),
            starts=self.starts,
            doc_ids=self.doc_ids,
            freqs=self.freqs,
            doc_len=self.doc_len,
            params=np.array([self.k1, self.b], dtype=np.float64),
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        with np.load(path) as data:
            vocab = json.loads(data["vocab"].tobytes().decode())
            k1, b = (float(x) for x in data["params"])
            arrays = (data["starts"], data["doc_ids"], data["freqs"], data["doc_len"])
            return cls(vocab, *arrays, k1=k1, b=b)
