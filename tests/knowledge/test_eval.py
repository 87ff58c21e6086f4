"""Retrieval quality over the public evaluation set, with the real embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.knowledge.base import KnowledgeBase, default_docs_dir, load_tag_types
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.embedder import Embedder
from gateway.knowledge.evalset import evaluate, hit_rate, load_eval_questions
from gateway.knowledge.index import KnowledgeIndex

pytestmark = [pytest.mark.models, pytest.mark.slow]  # embeds the whole sample site (~30-80 s)

EVAL_SET = Path(__file__).parents[1] / "data" / "eval_questions.toml"


def test_hit_at_3_over_the_evaluation_set(tmp_path: Path, embedder: Embedder) -> None:
    questions = load_eval_questions(EVAL_SET)
    assert len(questions) >= 45
    config = KnowledgeConfig()
    tag_types = load_tag_types(default_docs_dir().parent / "equipment.toml")
    kb = KnowledgeBase(KnowledgeIndex.open(tmp_path, config), embedder, config, tag_types)
    try:
        kb.ingest_dir(default_docs_dir())
        results = evaluate(kb.retriever, questions)
    finally:
        kb.index.close()
    misses = [(r.question.text, r.question.expected, r.retrieved[:3]) for r in results
              if not r.hit(3)]
    assert hit_rate(results, 3) >= 0.9, misses
