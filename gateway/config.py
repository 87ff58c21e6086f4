"""The gateway's configuration tree: defaults < TOML file < ``--set`` flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from protocol.configtree import load


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
    name: str = "Control room gateway"
    data_dir: Path = Path("var/gateway")
    """Vector store, audit log, device registry, keys."""
    models: ModelsConfig = field(default_factory=ModelsConfig)


def from_args(args: argparse.Namespace) -> tuple[GatewayConfig, dict[str, str]]:
    return load(GatewayConfig, getattr(args, "config", None), getattr(args, "set", ()))
