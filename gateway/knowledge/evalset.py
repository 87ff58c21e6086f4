"""The retrieval evaluation set (``tests/data/eval_questions.toml``) and hit@k.

Each ``[[question]]`` has ``text``, ``expected`` (document ids, any one is a hit)
and optionally ``equipment_tag``. hit@k: an expected document supplies one of
the first k retrieved passages.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gateway.knowledge.retrieval import QueryContext, Retriever


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    expected: tuple[str, ...]
    equipment_tag: str = ""


@dataclass(frozen=True)
class EvalResult:
    question: EvalQuestion
    retrieved: tuple[str, ...]
    """Document ids of the retrieved passages, best first."""
    rank: int
    """1-based rank of the first passage from an expected document; 0 when none."""

    def hit(self, k: int) -> bool:
        return 0 < self.rank <= k


def load_eval_questions(path: Path) -> list[EvalQuestion]:
    """Read the set; a malformed entry raises ValueError naming its position."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read the evaluation set {path}: {exc}") from exc
    out: list[EvalQuestion] = []
    for i, item in enumerate(data.get("question", []), start=1):
        text, expected = item.get("text"), item.get("expected")
        if not isinstance(text, str) or not isinstance(expected, list) or not expected:
            raise ValueError(f"{path}: question {i} needs text and a non-empty expected list")
        tag = str(item.get("equipment_tag", ""))
        out.append(EvalQuestion(text, tuple(map(str, expected)), tag))
    return out


def evaluate(retriever: Retriever, questions: Sequence[EvalQuestion], depth: int = 10
             ) -> list[EvalResult]:
    """Retrieve ``depth`` passages per question and find where the first expected doc is."""
    results = []
    for q in questions:
        hits = retriever.retrieve(q.text, QueryContext(equipment_tag=q.equipment_tag),
                                  top_k=depth).hits
        docs = tuple(h.chunk.doc_id for h in hits)
        rank = next((i for i, d in enumerate(docs, start=1) if d in q.expected), 0)
        results.append(EvalResult(q, docs, rank))
    return results


def hit_rate(results: Sequence[EvalResult], k: int) -> float:
    return sum(r.hit(k) for r in results) / len(results) if results else 0.0
