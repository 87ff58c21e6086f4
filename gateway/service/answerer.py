"""The answer engine as the service sees it: a question in, deltas then a final answer out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from protocol.messages import AskContext, Citation


@dataclass(frozen=True)
class Delta:
    text: str


@dataclass(frozen=True)
class Final:
    text: str
    citations: tuple[Citation, ...]
    source: str  # "llm" | "extract"
    first_token_ms: float | None
    total_ms: float
    retrieval_ms: float = 0.0


AnswerEvent = Delta | Final


class Answerer(Protocol):
    """Anything that answers questions: the knowledge engine, or a test double."""

    @property
    def kb_version(self) -> str: ...

    def answer(self, question: str, context: AskContext) -> AsyncIterator[AnswerEvent]: ...
