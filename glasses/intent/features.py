"""Hashed word and character n-gram features, shared by training and the glasses.

Deterministic (CRC-32 hashing, no vocabulary file): the same text gives the same
vector in ``scripts/train_intent.py`` and on the device. Numbers (digits and number
words) become one ``<num>`` token so "step four" and "step 17" look alike.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable

import numpy as np

from glasses.intent.normalize import command_text
from glasses.intent.numbers import NUMBER_WORDS

FEATURE_VERSION = "hash-word12-char35-v1"
"""Stored in the ONNX metadata; a model made with other features is refused."""
DIMENSIONS = 8192
"""Hash buckets (size of the feature vector)."""
CHAR_NGRAMS = (3, 4, 5)
WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 1.0
CHAR_WEIGHT = 0.5


def _words(text: str) -> list[str]:
    out: list[str] = []
    for word in command_text(text).split():
        token = "<num>" if (word in NUMBER_WORDS or word[0].isdigit()) else word
        if not (token == "<num>" and out and out[-1] == "<num>"):
            out.append(token)
    return out or ["<empty>"]


def feature_names(text: str) -> list[tuple[str, float]]:
    """The named features of ``text`` with their weights (before hashing)."""
    words = _words(text)
    named = [(f"w:{w}", WORD_WEIGHT) for w in words]
    padded = ["<s>", *words, "</s>"]
    named += [(f"b:{a}_{b}", BIGRAM_WEIGHT) for a, b in itertools.pairwise(padded)]
    for word in words:
        if word.startswith("<"):
            continue
        marked = f" {word} "
        for n in CHAR_NGRAMS:
            named += [(f"c:{marked[i : i + n]}", CHAR_WEIGHT) for i in range(len(marked) - n + 1)]
    return named


def _bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % DIMENSIONS


def featurize(text: str) -> np.ndarray:
    """The L2-normalised float32 feature vector of one utterance."""
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    for name, weight in feature_names(text):
        vector[_bucket(name)] += weight
    np.sqrt(vector, out=vector)
    norm = float(np.linalg.norm(vector))
    if norm > 0:
        vector /= norm
    return vector


def featurize_batch(texts: Iterable[str]) -> np.ndarray:
    """Feature matrix of shape (n, DIMENSIONS)."""
    rows = [featurize(t) for t in texts]
    if not rows:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack(rows)
