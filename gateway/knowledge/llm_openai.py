"""Any OpenAI-compatible chat server (llama.cpp server, vLLM) as an ``LLMBackend``.

POST ``{base}/chat/completions`` with ``stream=true`` and read the server-sent
events (``data: {...}`` lines, ended by ``data: [DONE]``). Closing the stream
closes the HTTP response, which makes the server stop generating.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpx

from gateway.knowledge.errors import LLMError
from gateway.knowledge.llm import ChatMessage, GenerationOptions

log = logging.getLogger(__name__)


def api_base(url: str) -> str:
    """``http://host:8080`` or ``http://host:8080/v1/`` -> ``http://host:8080/v1``."""
    base = url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise LLMError(f"LLM server URL must start with http:// or https://, got {url!r}")
    return base if base.endswith("/v1") else base + "/v1"


def parse_sse_line(line: str) -> str | None:
    """The content delta carried by one SSE line; None for anything else.

    Raises ``EOFError`` on ``data: [DONE]`` (the end of the stream).
    """
    if not line.startswith("data:"):
        return None
    data = line[5:].strip()
    if data == "[DONE]":
        raise EOFError
    try:
        event = json.loads(data)
    except json.JSONDecodeError as exc:
        raise LLMError(f"LLM server sent a malformed event: {data[:120]!r}") from exc
    if "error" in event:
        raise LLMError(f"LLM server error: {event['error']}")
    choices = event.get("choices") or []
    if not choices:
        return None
    delta = choices[0].get("delta") or {}
    content = delta.get("content")
    return content if isinstance(content, str) and content else None


class OpenAIBackend:
    """Streams chat completions from ``{url}/v1/chat/completions``."""

    def __init__(self, url: str, *, model: str = "", timeout_s: float = 60.0) -> None:
        self.base = api_base(url)
        self._model = model
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=5.0))

    @property
    def name(self) -> str:
        return f"{self._model or 'default'} at {self.base}"

    async def _model_name(self) -> str:
        """The configured model, else the first one the server lists."""
        if self._model:
            return self._model
        try:
            response = await self._client.get(f"{self.base}/models")
            response.raise_for_status()
            models = response.json().get("data") or []
        except (httpx.HTTPError, ValueError) as exc:
            raise LLMError(f"cannot list the models of {self.base}: {exc}") from exc
        if not models:
            raise LLMError(f"{self.base} serves no models")
        self._model = str(models[0]["id"])
        return self._model

    async def stream(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> AsyncGenerator[str, None]:
        body: dict[str, Any] = {
            "model": await self._model_name(),
            "messages": [m.as_dict() for m in messages],
            "stream": True,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
        }
        url = f"{self.base}/chat/completions"
        try:
            async with self._client.stream("POST", url, json=body) as response:
                if response.status_code != 200:
                    detail = (await response.aread()).decode("utf-8", "replace")[:200]
                    raise LLMError(f"{url} answered HTTP {response.status_code}: {detail}")
                async for line in response.aiter_lines():
                    try:
                        delta = parse_sse_line(line)
                    except EOFError:
                        return
                    if delta:
                        yield delta
        except httpx.HTTPError as exc:
            raise LLMError(f"LLM server {self.base} failed: {type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        await self._client.aclose()
