"""``gateway ingest [DIR]``: index the site's documents (only what changed)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

from gateway.config import from_args
from protocol.cli import ExitCode
from protocol.configtree import ConfigError
from protocol.models import MissingModelError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "ingest",
        help="index the site's documents for retrieval (re-embeds only changed ones)",
        description="Parse every document under DIR, cut it into sections and steps, embed "
        "the changed ones into the vector store, rebuild the BM25 index and print the "
        "knowledge-base version. Documents gone from DIR are removed from the index.",
        epilog="Example: gateway ingest gateway/sample_site/docs --data-dir var/gateway/knowledge",
    )
    p.add_argument("dir", nargs="?", type=Path, default=None,
                   help="documents directory (default: the bundled sample site)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="index directory (default: knowledge.data_dir or <data_dir>/knowledge)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def knowledge_settings(args: argparse.Namespace) -> tuple[Any, Path, Any]:
    """(knowledge config, index dir, gateway config) from the config file and flags."""
    from gateway.knowledge.config import KnowledgeConfig

    config, _ = from_args(args)
    knowledge = getattr(config, "knowledge", None) or KnowledgeConfig()
    data_dir = args.data_dir or knowledge.resolve_data_dir(Path(config.data_dir))
    return knowledge, data_dir, config


def _progress_bar() -> Any:
    from tqdm import tqdm

    bar = tqdm(total=0, unit="chunk", desc="embedding", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.reset(total=total)
        bar.n = done
        bar.refresh()

    update.close = bar.close  # type: ignore[attr-defined]
    return update


def run(args: argparse.Namespace) -> int:
    from gateway.knowledge.base import KnowledgeBase, default_docs_dir
    from gateway.knowledge.errors import KnowledgeError
    from protocol.procedure import DocumentError

    try:
        knowledge, data_dir, config = knowledge_settings(args)
    except ConfigError as exc:
        print(f"gateway: config error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    docs_dir = args.dir or default_docs_dir()
    # this process only embeds: let torch use every core
    knowledge = dataclasses.replace(knowledge, embed_threads=max(knowledge.embed_threads,
                                                                 os.cpu_count() or 1))
    try:
        kb = KnowledgeBase.open(knowledge, data_dir, embedder_override=config.models.embedder)
    except MissingModelError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.MISSING_MODEL)
    except KnowledgeError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    progress = _progress_bar()
    try:
        report = kb.ingest_dir(docs_dir, progress)
    except (DocumentError, NotADirectoryError, ValueError, KnowledgeError) as exc:
        print(f"gateway: ingest failed: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    finally:
        progress.close()
        kb.close()
    if args.json:
        out = {
            "version": report.version, "documents": report.documents,
            "added": report.added, "updated": report.updated, "removed": report.removed,
            "unchanged": report.unchanged, "chunks_embedded": report.chunks_embedded,
            "chunks_total": report.chunks_total, "seconds": round(report.seconds, 2),
            "data_dir": str(data_dir),
        }
        print(json.dumps(out, indent=2))
    else:
        print(report.summary())
        print(f"index: {data_dir}")
    return int(ExitCode.OK)
