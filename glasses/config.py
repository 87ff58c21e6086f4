"""The glasses' configuration tree: defaults < TOML file < ``--set`` flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from glasses.audio.config import VoiceConfig
from glasses.intent.recognizer import IntentConfig
from glasses.link.config import LinkConfig
from glasses.outbox.config import OutboxConfig
from glasses.overlay.pipeline import OverlayConfig
from glasses.pack.config import PackConfig
from glasses.tts.config import PlayerConfig, SinkConfig, TtsConfig
from protocol.configtree import load


def sample_site() -> Path:
    """The sample site shipped with the gateway package (the glasses' default pack)."""
    import gateway

    return Path(gateway.__file__).resolve().parent / "sample_site"


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
    device_name: str = "Technician glasses"
    data_dir: Path = Path("var/glasses")
    """Pack cache, outbox, pairing secrets."""
    site_dir: str = ""
    """Documents to use when no knowledge pack is active (empty: the sample site)."""
    command_mode: bool = True
    """While a procedure runs, next/previous/repeat/confirm/stop work without the wake word."""
    models: ModelsConfig = field(default_factory=ModelsConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    intent: IntentConfig = field(default_factory=IntentConfig)
    tts: TtsConfig = field(default_factory=TtsConfig)
    player: PlayerConfig = field(default_factory=PlayerConfig)
    speech_out: SinkConfig = field(default_factory=SinkConfig)
    link: LinkConfig = field(default_factory=LinkConfig)
    overlay: OverlayConfig = field(default_factory=OverlayConfig)
    pack: PackConfig = field(default_factory=PackConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)


def from_args(args: argparse.Namespace) -> tuple[GlassesConfig, dict[str, str]]:
    """The effective config for a CLI invocation and where each value came from."""
    return load(GlassesConfig, getattr(args, "config", None), getattr(args, "set", ()))
