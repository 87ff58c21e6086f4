"""What every session shares: config, answer engine, queue, audit, records, documents."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gateway.service.answerer import Answerer
from gateway.service.audit import AuditLog
from gateway.service.config import ServiceConfig
from gateway.service.fairqueue import FairQueue
from gateway.service.records import RecordStore
from protocol.procedure import Document

if TYPE_CHECKING:
    from gateway.service.session import Session


@dataclass
class Hub:
    """Shared state of one running gateway (owned by GatewayServer)."""

    config: ServiceConfig
    gateway_id: str
    gateway_name: str
    answerer: Answerer
    audit: AuditLog
    records: RecordStore
    documents: dict[str, Document]
    queue: FairQueue
    started: float = field(default_factory=time.time)
    sessions: dict[str, Session] = field(default_factory=dict)
    telemetry: Any = None
    """A TelemetryService, when the site has a point list."""
    packs: Any = None
    """A PackServer, when knowledge packs are enabled."""
    devices: Any = None
    """A DeviceRegistry, when pairing is required (security)."""
    fingerprint: str = ""
    pack_version: str | None = None
    http_routes: dict[str, Any] = field(default_factory=dict)
    """Extra HTTP paths on the gateway's port (dashboard, pairing): path -> handler."""
    feed: list[dict[str, Any]] = field(default_factory=list)
    """Recent questions and answers for the dashboard (bounded)."""

    def remember(self, item: dict[str, Any]) -> None:
        self.feed.append(item)
        del self.feed[:-100]

    def document_markdown(self, doc_id: str) -> str | None:
        doc = self.documents.get(doc_id)
        if doc is None:
            return None
        try:
            with open(doc.path, encoding="utf-8") as fh:
                return fh.read()
        except OSError:
            return None
