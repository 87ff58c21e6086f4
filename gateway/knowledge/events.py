"""What an answer streams: provisional deltas, checked sentences, then the final Answer.

A consumer that speaks (TTS) reads :class:`Sentence` events: each one is final
(safety warnings, sentences of the model that passed the groundedness check, or
sentences of the extracted passage). :class:`Delta` events are the model's raw
tokens for a live display; a :class:`Fallback` withdraws the deltas shown so far.
The :class:`Answer` at the end is authoritative.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Source(StrEnum):
    """Where the answer text came from."""

    LLM = "llm"
    EXTRACT = "extract"


@dataclass(frozen=True)
class Citation:
    """A document section the answer rests on."""

    doc_id: str
    title: str
    section: str
    """Section heading, "step N", or "Warnings"."""


@dataclass(frozen=True)
class Delta:
    """Raw model output as it streams (provisional until its sentence is checked)."""

    text: str


@dataclass(frozen=True)
class Sentence:
    """One finished sentence, ready to speak."""

    text: str
    index: int
    kind: str = "answer"
    """"warning" (read verbatim), "answer" (model, checked) or "extract" (passage)."""


@dataclass(frozen=True)
class Fallback:
    """The model's output was not supported by the passages: discard the deltas."""

    reason: str


@dataclass(frozen=True)
class Answer:
    """The final answer with its sources and timings (milliseconds)."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    source: Source
    warnings: tuple[str, ...]
    retrieval_ms: float
    first_token_ms: float
    """Time to the model's first token; 0 when the model produced none."""
    first_sentence_ms: float
    """Time to the first spoken sentence."""
    total_ms: float
    fallback_reason: str = ""

    def timings(self) -> dict[str, float]:
        return {
            "retrieval_ms": round(self.retrieval_ms, 1),
            "first_token_ms": round(self.first_token_ms, 1),
            "first_sentence_ms": round(self.first_sentence_ms, 1),
            "total_ms": round(self.total_ms, 1),
        }


AnswerEvent = Delta | Sentence | Fallback | Answer
