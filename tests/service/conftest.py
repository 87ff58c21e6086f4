"""A real gateway on localhost:0 with a scripted answer engine (fast, deterministic)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.service.answerer import AnswerEvent, Delta, Final
from gateway.service.audit import AuditLog
from gateway.service.config import ServiceConfig
from gateway.service.fairqueue import FairQueue
from gateway.service.hub import Hub
from gateway.service.records import RecordStore
from gateway.service.server import GatewayServer
from protocol.messages import AskContext, Citation
from protocol.procedure import load_documents

SITE_DOCS = Path(__file__).resolve().parents[2] / "gateway" / "sample_site" / "docs"


class ScriptedAnswerer:
    """Streams a fixed answer word by word, ``delay`` seconds per word."""

    kb_version = "test-kb-1"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.started: list[str] = []
        self.finished: list[str] = []

    async def answer(self, question: str, context: AskContext) -> AsyncIterator[AnswerEvent]:
        self.started.append(question)
        words = f"Answer to: {question}".split()
        for word in words:
            if self.delay:
                await asyncio.sleep(self.delay)
            yield Delta(word + " ")
        self.finished.append(question)
        yield Final(
            " ".join(words), (Citation("crac-hp-trip-recovery", "HP trip", "step 1"),),
            "llm", 1.0, 2.0,
        )  # fmt: skip


def make_hub(tmp_path: Path, answerer: object, **config: object) -> Hub:
    settings: dict[str, object] = {"host": "127.0.0.1", "port": 0, "advertise": False, **config}
    cfg = ServiceConfig(**settings)  # type: ignore[arg-type]
    docs = {d.id: d for d in load_documents(SITE_DOCS)} if SITE_DOCS.exists() else {}
    return Hub(
        config=cfg, gateway_id="gw-test", gateway_name="Test gateway",
        answerer=answerer,  # type: ignore[arg-type]
        audit=AuditLog(tmp_path / "audit.jsonl"), records=RecordStore(tmp_path / "records.db"),
        documents=docs, queue=FairQueue(cfg.queue_capacity),
    )  # fmt: skip


@pytest.fixture
async def gateway_factory(tmp_path):
    servers: list[GatewayServer] = []

    async def start(answerer: object | None = None, **config: object) -> GatewayServer:
        hub = make_hub(tmp_path / f"gw{len(servers)}", answerer or ScriptedAnswerer(), **config)
        server = GatewayServer(hub)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()
