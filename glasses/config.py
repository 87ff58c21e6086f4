"""The glasses' configuration tree: defaults < TOML file < ``--set`` flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from protocol.configtree import load


@dataclass(frozen=True)
class ModelsConfig:
    """Model paths; empty means the bundled default package."""

    asr: str = ""
    """Whisper CTranslate2 directory (e.g. a base.en conversion)."""
    tts: str = ""
    """Piper voice .onnx (its .onnx.json must sit beside it)."""
    wake: str = "hey_jarvis"
    """Bundled openWakeWord model name or a custom .tflite path."""
    intent: str = ""
    """Intent classifier .onnx."""


@dataclass(frozen=True)
class GlassesConfig:
    """Everything the glasses read at start-up."""

    device_id: str = "glasses-01"
    """Stable id of this pair of glasses (audit log, outbox)."""
    data_dir: Path = Path("var/glasses")
    """Pack cache, outbox, pairing secrets."""
    models: ModelsConfig = field(default_factory=ModelsConfig)


def from_args(args: argparse.Namespace) -> tuple[GlassesConfig, dict[str, str]]:
    """The effective config for a CLI invocation and where each value came from."""
    return load(GlassesConfig, getattr(args, "config", None), getattr(args, "set", ()))
