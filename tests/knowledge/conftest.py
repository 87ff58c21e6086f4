"""Shared fixtures: the real embedder (loaded once), small test documents, fake LLMs."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncGenerator, Iterator, Sequence
from pathlib import Path

import pytest

from gateway.knowledge.base import KnowledgeBase
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.embedder import Embedder, load_embedder
from gateway.knowledge.index import KnowledgeIndex
from gateway.knowledge.llm import ChatMessage, GenerationOptions

DATA = Path(__file__).parent / "data" / "docs"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder()


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    """A private copy of the test documents (tests may edit it)."""
    target = tmp_path / "docs"
    shutil.copytree(DATA, target)
    return target


def open_kb(data_dir: Path, embedder: Embedder, **overrides: object) -> KnowledgeBase:
    config = KnowledgeConfig(**overrides)  # type: ignore[arg-type]
    index = KnowledgeIndex.open(data_dir, config)
    return KnowledgeBase(index, embedder, config, {"PUMP-01": "pump", "UPS-A": "ups"})


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
             ) -> Iterator[KnowledgeBase]:
    """The test documents ingested once per module."""
    kb = open_kb(tmp_path_factory.mktemp("kb"), embedder)
    kb.ingest_dir(DATA)
    yield kb
    kb.index.close()


class ScriptedBackend:
    """An LLMBackend that streams a fixed reply token by token (word by word)."""

    def __init__(self, reply: str, delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay
        self.prompts: list[Sequence[ChatMessage]] = []
        self.tokens_sent = 0
        self.closed = False

    @property
    def name(self) -> str:
        return "scripted"

    async def stream(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> AsyncGenerator[str, None]:
        self.prompts.append(messages)
        words = self.reply.split(" ")
        for i, word in enumerate(words):
            await asyncio.sleep(self.delay)
            self.tokens_sent += 1
            yield word if i == 0 else " " + word

    async def aclose(self) -> None:
        self.closed = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The dead-Qdrant-server test makes qdrant-client warn from a background check; the
    warning may surface in a later test of this folder."""
    here = Path(__file__).parent
    mark = pytest.mark.filterwarnings("ignore:Failed to obtain server version")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(mark)
