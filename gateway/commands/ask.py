"""``gateway ask "question"``: a grounded, cited answer from the indexed documents."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import aclosing
from pathlib import Path
from typing import Any

from gateway.commands.ingest import knowledge_settings
from protocol.cli import ExitCode
from protocol.configtree import ConfigError
from protocol.models import MissingModelError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "ask",
        help="answer a question from the site's documents, with citations",
        description="Retrieve the best passages (vector + BM25), let the language model answer "
        "from them only, check the answer against them and fall back to the passage itself "
        "when it is not supported. Safety answers read the cited document's warnings first.",
        epilog='Example: gateway ask "what is the max head pressure on this unit?" --tag CRAC-01',
    )
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--tag", default="", help="equipment tag in view, e.g. CRAC-01")
    p.add_argument("--procedure", default="", help="id of the procedure being run")
    p.add_argument("--step", type=int, default=0, help="current step of that procedure")
    p.add_argument("--json", action="store_true",
                   help="print {answer, citations, source, timings, warnings} as JSON")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="index directory (default: knowledge.data_dir or <data_dir>/knowledge)")
    p.add_argument("--equipment", type=Path, default=None,
                   help="equipment registry for tag -> type (default: the sample site's)")
    p.set_defaults(func=run)


def answer_json(answer: Any) -> dict[str, Any]:
    """The JSON shape of ``gateway ask --json``."""
    return {
        "answer": answer.text,
        "citations": [
            {"doc_id": c.doc_id, "title": c.title, "section": c.section} for c in answer.citations
        ],
        "source": str(answer.source),
        "warnings": list(answer.warnings),
        "timings": answer.timings(),
    }


def _tag_types(path: Path | None) -> dict[str, str]:
    from gateway.knowledge.base import default_docs_dir, load_tag_types

    registry = path or default_docs_dir().parent / "equipment.toml"
    if path is None and not registry.exists():
        return {}
    return load_tag_types(registry)


async def _ask(kb: Any, args: argparse.Namespace, llm_override: str) -> Any:
    from gateway.knowledge.events import Answer, Sentence
    from gateway.knowledge.retrieval import QueryContext

    context = QueryContext(args.tag, args.procedure, args.step)
    engine = kb.engine(llm_override=llm_override)
    final = None
    try:
        async with aclosing(engine.answer(args.question, context)) as events:
            async for event in events:
                if isinstance(event, Sentence) and not args.json:
                    prefix = "WARNING: " if event.kind == "warning" else ""
                    print(prefix + event.text, flush=True)
                elif isinstance(event, Answer):
                    final = event
    finally:
        await kb.aclose()
    return final


def _print_footer(answer: Any) -> None:
    print()
    for c in answer.citations:
        print(f"  [{c.doc_id}] {c.title}: {c.section}")
    t = answer.timings()
    print(f"source: {answer.source}; retrieval {t['retrieval_ms']:.0f} ms, first token "
          f"{t['first_token_ms']:.0f} ms, total {t['total_ms']:.0f} ms", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from gateway.knowledge.base import KnowledgeBase
    from gateway.knowledge.errors import KnowledgeError
    from protocol.equipment import EquipmentError

    try:
        knowledge, data_dir, config = knowledge_settings(args)
        tag_types = _tag_types(args.equipment)
    except (ConfigError, EquipmentError) as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    if not args.question.strip():
        print("gateway: the question is empty", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        kb = KnowledgeBase.open(knowledge, data_dir, embedder_override=config.models.embedder,
                                tag_types=tag_types)
        answer = asyncio.run(_ask(kb, args, config.models.llm))
    except MissingModelError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.MISSING_MODEL)
    except KnowledgeError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    if answer is None:
        return int(ExitCode.FAILED)
    if args.json:
        print(json.dumps(answer_json(answer), indent=2, ensure_ascii=False))
    else:
        _print_footer(answer)
    return int(ExitCode.OK)
