"""The prompt: a short instruction and only the retrieved passages."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.llm import ChatMessage

SYSTEM_PROMPT = (
    "You help data-center technicians. Answer the question using only the passages. "
    "Reply in one or two short sentences of plain text. Copy numbers and units exactly "
    "as written in the passages. If the passages do not contain the answer, reply: "
    "I don't know."
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
        left -= len(text) + len(chunk.title) + len(chunk.citation_section) + 12
    return out


def build_messages(question: str, passages: Sequence[tuple[Chunk, str]]) -> list[ChatMessage]:
    """System instruction, then the numbered passages and the question."""
    blocks = [
        f"[{i}] {chunk.title} ({chunk.citation_section})\n{text}"
        for i, (chunk, text) in enumerate(passages, start=1)
    ]
    user = "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question.strip()}"
    return [ChatMessage("system", SYSTEM_PROMPT), ChatMessage("user", user)]
