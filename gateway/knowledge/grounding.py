"""Is an answer sentence supported by the passages? And the extract fallback.

A sentence is supported when enough of its content words occur in the passages
(``threshold``), enough of its word pairs do too (half the threshold: this
catches word salad made of passage words), and every number in it occurs there.
A sentence with no content words ("Sure!") is neutral. A refusal ("I don't
know") or a copy of the prompt's layout is unsupported, so the passage itself
is returned instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.text import (
    STOPWORDS,
    bigrams,
    content_tokens,
    numbers,
    raw_tokens,
    split_sentences,
    stem,
)

_REFUSAL = re.compile(
    r"\b(i (?:do not|don'?t|cannot|can'?t) (?:know|find|answer|say)|not (?:mentioned|provided|"
    r"specified|stated|available|given)|no information|unable to|as an ai|i'?m sorry)\b",
    re.IGNORECASE,
)
_FILLER = frozenset(stem(w) for w in (
    "sure certainly okay ok yes great answer answers question questions following follows "
    "here help hope summary summarize based provided according information text note"
).split())
_PROMPT_COPY = re.compile(
    r"\(step \d+\)|\[\d+\]|\bpassages?\b|\bquestion:|\b(?:the|this|above) text\b|"
    r"\btext (?:above|below|provided|says|states|suggests)\b",
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
        texts = [f"{p.title}. {p.section}. {p.text}" for p in passages]
        self._tokens = [content_tokens(t) for t in texts]
        self._all_tokens: set[str] = set().union(*self._tokens)
        self._pairs: set[tuple[str, str]] = set().union(*(bigrams(t) for t in texts))
        self._numbers: set[str] = set().union(*(numbers(t) for t in texts))

    def _unsupported(self, reason: str, overlap: float = 0.0, best: int = -1,
                     missing: tuple[str, ...] = ()) -> SentenceCheck:
        return SentenceCheck(False, False, overlap, missing, best, reason)

    def check(self, sentence: str) -> SentenceCheck:
        if _REFUSAL.search(sentence):
            return self._unsupported("the model did not answer")
        if _PROMPT_COPY.search(sentence):
            return self._unsupported("the model copied the prompt layout")
        if _repeats(sentence):
            return self._unsupported("the model repeated itself")
        words = content_tokens(sentence) - _FILLER
        if not words:
            return SentenceCheck(True, True, 1.0, (), -1)
        overlap = len(words & self._all_tokens) / len(words)
        best = max(range(len(self._tokens)), key=lambda i: len(words & self._tokens[i]),
                   default=-1)
        missing = tuple(sorted(numbers(sentence) - self._numbers))
        if missing:
            return self._unsupported(f"numbers not in the passages: {', '.join(missing)}",
                                     overlap, best, missing)
        if overlap < self.threshold:
            return self._unsupported(f"only {overlap:.0%} of its words are in the passages",
                                     overlap, best)
        pairs = bigrams(sentence)
        if len(pairs) >= 2:
            pair_share = len(pairs & self._pairs) / len(pairs)
            if pair_share < self.threshold / 2:
                return self._unsupported(
                    f"only {pair_share:.0%} of its word pairs are in the passages", overlap, best)
        return SentenceCheck(True, False, overlap, (), best)


def _repeats(sentence: str) -> bool:
    """Degenerate output: the same three words (or one number) come back in one sentence."""
    words = [w for w in raw_tokens(sentence) if w not in STOPWORDS]
    if any(len(w) > 30 for w in words):
        return True
    triples = list(zip(words, words[1:], words[2:], strict=False))
    if len(set(triples)) < len(triples):
        return True
    figures = [w for w in words if w[0].isdigit()]
    return len(figures) - len(set(figures)) >= 2


_LEAD_IN = re.compile(r"^\s*(?:the )?(?:answer|response)(?: is)?\s*[:\-]\s*", re.IGNORECASE)


def strip_lead_in(sentence: str) -> str:
    """ "The answer is: 4BW400" -> "4BW400"."""
    return _LEAD_IN.sub("", sentence).strip()


def addresses(question: str, sentence: str) -> bool:
    """The sentence shares at least one content word with the question (when it has any)."""
    wanted = content_tokens(question) - _FILLER
    return not wanted or bool(wanted & content_tokens(sentence))


def similar(a: str, b: str, limit: float = 0.8) -> bool:
    """Two sentences say nearly the same (Jaccard of content words >= ``limit``)."""
    x, y = content_tokens(a), content_tokens(b)
    return bool(x and y) and len(x & y) / len(x | y) >= limit


def extract_sentences(question: str, chunk: Chunk, max_sentences: int) -> list[str]:
    """The ``max_sentences`` consecutive sentences of ``chunk`` that best match the question."""
    sentences = split_sentences(chunk.text)
    if len(sentences) <= max_sentences:
        return sentences
    wanted = content_tokens(question)
    figures = {w for w in wanted if any(ch.isdigit() for ch in w)}  # codes, numbers: weigh more

    def score(sentence: str) -> int:
        words = content_tokens(sentence)
        return len(wanted & words) + 2 * len(figures & words)

    scores = [score(s) for s in sentences]
    best_start = max(range(len(sentences) - max_sentences + 1),
                     key=lambda i: (sum(scores[i : i + max_sentences]), -i))
    return sentences[best_start : best_start + max_sentences]
