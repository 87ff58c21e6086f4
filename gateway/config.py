"""The gateway's configuration tree: defaults < TOML file < ``--set`` flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from gateway.knowledge.config import KnowledgeConfig
from gateway.packs.config import PacksConfig
from gateway.security.config import SecurityConfig
from gateway.service.config import ServiceConfig
from gateway.telemetry.config import TelemetryConfig
from protocol.configtree import load


def sample_site() -> Path:
    return Path(__file__).resolve().parent / "sample_site"


@dataclass(frozen=True)
class ModelsConfig:
    """Model paths; empty means the bundled default package."""

    llm: str = ""
    """GGUF answer model (e.g. a 3B instruct model for a bigger box)."""
    embedder: str = ""
    """sentence-transformers model directory."""


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway reads at start-up."""

    gateway_id: str = "gateway-01"
    """Stable id (zeroconf instance name, audit log)."""
    name: str = "Control room gateway"
    """Shown to the wearer ("Connected to ...")."""
    data_dir: Path = Path("var/gateway")
    """Vector store, audit log, records, keys."""
    site_dir: Path = field(default_factory=sample_site)
    """The site's documents (docs/), equipment.toml and points.toml."""
    models: ModelsConfig = field(default_factory=ModelsConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    telemetry: TelemetryConfig = field(default_factory=TelemetryConfig)
    packs: PacksConfig = field(default_factory=PacksConfig)


def from_args(args: argparse.Namespace) -> tuple[GatewayConfig, dict[str, str]]:
    return load(GatewayConfig, getattr(args, "config", None), getattr(args, "set", ()))
