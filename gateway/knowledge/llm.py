"""The language-model interface: one ``LLMBackend`` protocol, two implementations.

- :class:`~gateway.knowledge.llm_llamacpp.LlamaCppBackend`: a GGUF model in process
  (llama-cpp-python), generation in a worker thread, the GGUF's own chat template.
- :class:`~gateway.knowledge.llm_openai.OpenAIBackend`: any OpenAI-compatible server
  (llama.cpp server, vLLM) over HTTP with server-sent events.

Both stream text deltas as an async iterator; closing or cancelling the iterator
stops the generation.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from gateway.knowledge.config import LLMConfig


@dataclass(frozen=True)
class ChatMessage:
    """One chat turn: role is "system", "user" or "assistant"."""

    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class GenerationOptions:
    """Per-request sampling options."""

    max_tokens: int = 160
    temperature: float = 0.2


@runtime_checkable
class LLMBackend(Protocol):
    """A chat model that streams its reply."""

    @property
    def name(self) -> str:
        """Human-readable model name for logs and the status page."""
        ...

    def stream(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text deltas; raises LLMError when generation fails.

        Closing the generator (``aclose``) stops the generation."""
        ...

    async def aclose(self) -> None:
        """Release the model or the connection pool."""
        ...


def load_backend(config: LLMConfig, model_override: str = "") -> LLMBackend:
    """The backend ``config`` asks for: a server when ``url`` is set, else in process.

    ``model_override`` is the gateway-wide ``models.llm`` path, used when
    ``config.model`` is empty.
    """
    if config.url:
        from gateway.knowledge.llm_openai import OpenAIBackend

        return OpenAIBackend(config.url, model=config.model, timeout_s=config.timeout_s)
    from gateway.knowledge.llm_llamacpp import LlamaCppBackend
    from gateway.models import resolve_llm

    path = resolve_llm(config.model or model_override or None)
    return LlamaCppBackend(path, n_ctx=config.n_ctx, threads=config.threads)
