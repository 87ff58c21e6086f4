"""Is an answer sentence supported by the passages? And the extract fallback.

A sentence is supported when enough of its content words occur in the passages
(``threshold``) and every number in it occurs there too. A sentence with no
content words ("Sure!") is neutral. A refusal ("I don't know") is unsupported,
so the passage itself is returned instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.text import content_tokens, numbers, split_sentences

_REFUSAL = re.compile(
    r"\b(i (?:do not|don'?t|cannot|can'?t) (?:know|find|answer|say)|not (?:mentioned|provided|"
    r"specified|stated|available|given)|no information|unable to|as an ai|i'?m sorry)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one sentence."""

    supported: bool
    neutral: bool
    """No content words: neither evidence for nor against."""
    overlap: float
    """Share of the sentence's content words found in the passages."""
    missing_numbers: tuple[str, ...]
    best_passage: int
    """Index of the passage sharing the most words with the sentence (-1 if none)."""
    reason: str = ""


class GroundingChecker:
    """Checks sentences against a fixed set of passages."""

    def __init__(self, passages: Sequence[Chunk], threshold: float) -> None:
        self.threshold = threshold
        self._tokens = [content_tokens(f"{p.title} {p.section} {p.text}") for p in passages]
        self._all_tokens: set[str] = set().union(*self._tokens) if self._tokens else set()
        self._numbers: set[str] = set()
        for p in passages:
            self._numbers |= numbers(f"{p.section} {p.text}")

    def check(self, sentence: str) -> SentenceCheck:
        if _REFUSAL.search(sentence):
            return SentenceCheck(False, False, 0.0, (), -1, "the model did not answer")
        words = content_tokens(sentence)
        missing = tuple(sorted(numbers(sentence) - self._numbers))
        if not words:
            return SentenceCheck(True, True, 1.0, (), -1)
        overlap = len(words & self._all_tokens) / len(words)
        best = max(range(len(self._tokens)), key=lambda i: len(words & self._tokens[i]),
                   default=-1)
        if missing:
            reason = f"numbers not in the passages: {', '.join(missing)}"
            return SentenceCheck(False, False, overlap, missing, best, reason)
        if overlap < self.threshold:
            reason = f"only {overlap:.0%} of its words are in the passages"
            return SentenceCheck(False, False, overlap, (), best, reason)
        return SentenceCheck(True, False, overlap, (), best)


def extract_sentences(question: str, chunk: Chunk, max_sentences: int) -> list[str]:
    """The ``max_sentences`` consecutive sentences of ``chunk`` that best match the question."""
    sentences = split_sentences(chunk.text)
    if len(sentences) <= max_sentences:
        return sentences
    wanted = content_tokens(question)
    scores = [len(wanted & content_tokens(s)) for s in sentences]
    best_start = max(range(len(sentences) - max_sentences + 1),
                     key=lambda i: (sum(scores[i : i + max_sentences]), -i))
    return sentences[best_start : best_start + max_sentences]
