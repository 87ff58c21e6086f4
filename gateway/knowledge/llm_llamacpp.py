"""A GGUF chat model in process with llama-cpp-python.

Generation runs in a worker thread and hands tokens to the event loop through a
bounded queue; a cancel flag is checked between tokens, so closing the stream
stops the model within one token. A lock keeps it to one generation at a time.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import Any

from gateway.knowledge.errors import LLMError
from gateway.knowledge.llm import ChatMessage, GenerationOptions

log = logging.getLogger(__name__)

_END = object()


class LlamaCppBackend:
    """``Llama(model_path, n_ctx, n_threads)`` streaming through the GGUF's chat template."""

    def __init__(self, model_path: Path, *, n_ctx: int = 2048, threads: int = 2) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMError(
                "llama-cpp-python is not installed (pip install llama-cpp-python)"
            ) from exc
        try:
            self._llm: Any = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads,
                                   verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load the GGUF model {model_path}: {exc}") from exc
        self.model_path = model_path
        self._lock = threading.Lock()
        self._queue_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def _queue_lock(self) -> asyncio.Lock:
        """One asyncio lock per event loop: waiting requests wait here, not in a thread."""
        loop = asyncio.get_running_loop()
        lock = self._queue_locks.get(loop)
        if lock is None:
            self._queue_locks = {k: v for k, v in self._queue_locks.items() if not k.is_closed()}
            lock = self._queue_locks[loop] = asyncio.Lock()
        return lock

    @property
    def name(self) -> str:
        return self.model_path.name

    @property
    def llama(self) -> Any:
        """The underlying ``llama_cpp.Llama`` (benchmarks compare against it)."""
        return self._llm

    def _generate(self, messages: list[dict[str, str]], options: GenerationOptions,
                  put: Any, cancel: threading.Event) -> None:
        """Worker thread: run the model, ``put`` each delta, then ``_END``."""
        try:
            with self._lock:
                chunks = self._llm.create_chat_completion(
                    messages=messages, stream=True, max_tokens=options.max_tokens,
                    temperature=options.temperature,
                )
                try:
                    for chunk in chunks:
                        if cancel.is_set():
                            break
                        delta = chunk["choices"][0]["delta"].get("content")
                        if delta:
                            put(delta)
                finally:
                    chunks.close()
        except Exception as exc:  # reported to the caller as LLMError, never lost
            put(LLMError(f"llama-cpp generation failed: {exc}"))
        finally:
            put(_END)

    async def stream(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> AsyncGenerator[str, None]:
        async with self._queue_lock(), aclosing(self._stream(messages, options)) as deltas:
            async for delta in deltas:
                yield delta

    async def _stream(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> AsyncGenerator[str, None]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue(maxsize=options.max_tokens + 4)
        cancel = threading.Event()

        def put(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is gone: nobody is listening any more
                cancel.set()

        worker = asyncio.ensure_future(asyncio.to_thread(
            self._generate, [m.as_dict() for m in messages], options, put, cancel))
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    break
                if isinstance(item, LLMError):
                    raise item
                assert isinstance(item, str)
                yield item
        finally:
            cancel.set()
            await asyncio.shield(worker)

    def _close(self) -> None:
        with self._lock:
            close = getattr(self._llm, "close", None)
            if close is not None:
                close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self._close)
