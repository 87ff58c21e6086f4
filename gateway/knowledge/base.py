"""The knowledge service in one object: index, embedder, retriever, answer engine.

    kb = KnowledgeBase.open(config, data_dir)
    kb.ingest_dir(docs_dir)                  # or: await kb.aingest_dir(docs_dir)
    async with aclosing(kb.engine().answer("max head pressure?", QueryContext("CRAC-01"))) as ev:
        async for event in ev: ...
    kb.close()
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gateway.knowledge.answer import AnswerEngine
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.embedder import Embedder, load_embedder
from gateway.knowledge.index import KnowledgeIndex
from gateway.knowledge.ingest import IngestReport, ProgressCallback, ingest
from gateway.knowledge.llm import LLMBackend, load_backend
from gateway.knowledge.retrieval import Retriever

log = logging.getLogger(__name__)


def default_docs_dir() -> Path:
    """The bundled sample site's documents."""
    import gateway

    return Path(gateway.__file__).parent / "sample_site" / "docs"


def load_tag_types(equipment_toml: Path) -> dict[str, str]:
    """Tag -> equipment type from the site's equipment registry (``equipment.toml``).

    Raises ``protocol.equipment.EquipmentError`` naming the file and line when invalid.
    """
    from protocol.equipment import load_registry

    return {e.tag: e.type for e in load_registry(equipment_toml).equipment}


class KnowledgeBase:
    """Owns the index and the models; close it when done (the embedded store is locked)."""

    def __init__(self, index: KnowledgeIndex, embedder: Embedder, config: KnowledgeConfig,
                 tag_types: Mapping[str, str] | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config
        self.retriever = Retriever(index, embedder, config, tag_types)
        self._backend: LLMBackend | None = None
        self._ingest_lock = threading.Lock()

    @classmethod
    def open(cls, config: KnowledgeConfig, data_dir: Path, *, embedder_override: str = "",
             tag_types: Mapping[str, str] | None = None) -> KnowledgeBase:
        """Load the embedder and open the index in ``data_dir``."""
        embedder = load_embedder(config.embedder or embedder_override or None,
                                 cache_size=config.query_cache_size,
                                 threads=config.embed_threads)
        index = KnowledgeIndex.open(data_dir, config)
        return cls(index, embedder, config, tag_types)

    @property
    def version(self) -> str:
        """Knowledge-base version for the status page (changes when any document changes)."""
        return self.index.version

    def status(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "documents": len(self.index.documents),
            "chunks": len(self.index.chunks),
            "store": self.index.store.location,
            "embedder": self.embedder.name,
            "llm": self._backend.name if self._backend else "",
        }

    def ingest_documents(self, documents: Any, progress: ProgressCallback | None = None
                         ) -> IngestReport:
        """Ingest ``documents`` (the whole site); one ingest at a time, retrieval goes on."""
        with self._ingest_lock:
            return ingest(self.index, documents, self.embedder, progress=progress)

    def ingest_dir(self, directory: Path, progress: ProgressCallback | None = None
                   ) -> IngestReport:
        """Load every document under ``directory`` and ingest what changed (blocking)."""
        from protocol.procedure import load_documents

        return self.ingest_documents(load_documents(directory), progress)

    async def aingest_dir(self, directory: Path) -> IngestReport:
        return await asyncio.to_thread(self.ingest_dir, directory)

    def engine(self, backend: LLMBackend | None = None, *, llm_override: str = ""
               ) -> AnswerEngine:
        """An answer engine on ``backend``, or on the configured model (loaded once)."""
        if backend is None:
            if self._backend is None:
                self._backend = load_backend(self.config.llm, llm_override)
            backend = self._backend
        return AnswerEngine(self.retriever, backend, self.config)

    async def aclose(self) -> None:
        if self._backend is not None:
            await self._backend.aclose()
            self._backend = None
        self.index.close()

    def close(self) -> None:
        """Close the model and the store from synchronous code (async code: ``aclose``)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError("KnowledgeBase.close() inside an event loop: await aclose()")
        if self._backend is not None:
            asyncio.run(self._backend.aclose())
            self._backend = None
        self.index.close()
