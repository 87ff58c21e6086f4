"""Assemble a running gateway from its config: knowledge base, hub, server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from gateway.config import GatewayConfig
from gateway.knowledge.base import KnowledgeBase, load_tag_types
from gateway.service.audit import AuditLog
from gateway.service.fairqueue import FairQueue
from gateway.service.hub import Hub
from gateway.service.knowledge_answerer import KnowledgeAnswerer
from gateway.service.records import RecordStore
from gateway.service.server import GatewayServer
from protocol.procedure import load_documents

log = logging.getLogger(__name__)


def docs_dir(site_dir: Path) -> Path:
    return site_dir / "docs" if (site_dir / "docs").is_dir() else site_dir


def open_knowledge(config: GatewayConfig) -> KnowledgeBase:
    """Open the index and ingest whatever changed in the site's documents (blocking)."""
    data_dir = config.knowledge.resolve_data_dir(config.data_dir)
    base = KnowledgeBase.open(
        config.knowledge, data_dir, embedder_override=config.models.embedder,
        tag_types=load_tag_types(config.site_dir / "equipment.toml"),
    )  # fmt: skip
    report = base.ingest_dir(docs_dir(config.site_dir))
    log.info("knowledge base %s: %s", base.version, report.summary())
    return base


def build_pack(hub: Hub, config: GatewayConfig) -> str:
    """Build (or reuse) the signed knowledge pack for the glasses; its public key, hex."""
    from gateway.packs import PackServer
    from gateway.packs.signing import load_or_create_signing_key, public_key_hex

    packs = replace(config.packs, site_dir=config.packs.site_dir or str(config.site_dir))
    hub.packs = PackServer.build(packs, config.data_dir)
    hub.pack_version = hub.packs.version
    return public_key_hex(load_or_create_signing_key(packs.key_path(config.data_dir)))


class _Telemetry:
    def __init__(self, service: object, bridge: object) -> None:
        self.service, self.bridge = service, bridge

    async def stop(self) -> None:
        await self.bridge.stop()  # type: ignore[attr-defined]
        await self.service.stop()  # type: ignore[attr-defined]


async def start_telemetry(hub: Hub, config: GatewayConfig) -> _Telemetry | None:
    """Poll the site's controllers when it has a point list; alerts go to every session."""
    settings = config.telemetry.resolve(config.site_dir, config.data_dir)
    if not settings.enabled or settings.points is None or not settings.points.exists():
        return None
    from gateway.service.telemetry_bridge import TelemetryBridge
    from gateway.telemetry.service import TelemetryService

    service = TelemetryService(settings)
    await service.start()
    bridge = TelemetryBridge(hub, service)
    bridge.start()
    hub.telemetry = bridge
    return _Telemetry(service, bridge)


@contextlib.asynccontextmanager
async def running_gateway(config: GatewayConfig) -> AsyncIterator[GatewayServer]:
    """Start the gateway; on exit stop it gracefully (going-away to every session)."""
    base = await asyncio.to_thread(open_knowledge, config)
    engine = await asyncio.to_thread(base.engine, None, llm_override=config.models.llm)
    documents = {d.id: d for d in load_documents(docs_dir(config.site_dir))}
    data = config.data_dir
    hub = Hub(
        config=config.service, gateway_id=config.gateway_id, gateway_name=config.name,
        answerer=KnowledgeAnswerer(base, engine), audit=AuditLog(data / "audit.jsonl"),
        records=RecordStore(data / "records.db"), documents=documents,
        queue=FairQueue(config.service.queue_capacity,
                        max_wait_s=config.service.max_queue_wait),  # fmt: skip
    )  # fmt: skip
    from gateway.dashboard import mount
    from gateway.security.setup import secure_hub

    mount(hub)
    pack_key = await asyncio.to_thread(build_pack, hub, config)
    secured = secure_hub(hub, data, config.security, {"pack_key": pack_key})
    telemetry = await start_telemetry(hub, config)
    server = GatewayServer(hub, secured.ssl_context)
    await server.start()
    secured.start()
    try:
        yield server
    finally:
        await server.stop()
        if telemetry is not None:
            await telemetry.stop()
        await secured.aclose()
        hub.records.close()
        await base.aclose()
