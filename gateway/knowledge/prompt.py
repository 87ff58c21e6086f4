"""The prompt: only the retrieved passages, then the question with a short instruction.

One user turn, passages as plain paragraphs: small models copy whatever layout
they are shown (numbered headers, titles), so the passages carry no headers and
the instruction comes last, next to the question.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.llm import ChatMessage

INSTRUCTION = (
    "Using only the text above, answer in one or two short sentences. Copy numbers and "
    "units exactly. If the text does not say, answer: I don't know."
)


def _trim(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a sentence end when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("\n"))
    return cut[: end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0]


def select_passages(chunks: Sequence[Chunk], budget: int) -> list[tuple[Chunk, str]]:
    """Passages in rank order with their (possibly trimmed) text, within ``budget`` chars."""
    out: list[tuple[Chunk, str]] = []
    left = budget
    for chunk in chunks:
        if left < 120:
            break
        text = _trim(chunk.text, left)
        out.append((chunk, text))
        left -= len(text) + 2
    return out


def build_messages(question: str, passages: Sequence[tuple[Chunk, str]]) -> list[ChatMessage]:
    """One user turn: the passages, the instruction and the question."""
    context = "\n\n".join(text for _, text in passages)
    return [ChatMessage("user", f"{context}\n\n{INSTRUCTION}\nQuestion: {question.strip()}")]
