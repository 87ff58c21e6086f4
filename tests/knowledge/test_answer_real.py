"""End to end with the real models: all-MiniLM embeddings + SmolLM2 in llama-cpp-python."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import aclosing

import pytest

from gateway.knowledge.base import KnowledgeBase
from gateway.knowledge.config import LLMConfig
from gateway.knowledge.events import Answer, Delta, Sentence, Source
from gateway.knowledge.llm import ChatMessage, GenerationOptions, LLMBackend, load_backend
from gateway.knowledge.llm_llamacpp import LlamaCppBackend

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def llama() -> Iterator[LLMBackend]:
    backend = load_backend(LLMConfig())
    assert isinstance(backend, LlamaCppBackend)
    yield backend
    asyncio.run(backend.aclose())


async def test_real_models_answer_with_citations(small_kb: KnowledgeBase,
                                                 llama: LLMBackend) -> None:
    events = []
    async with aclosing(small_kb.engine(llama).answer("What does alarm P-17 mean?")) as stream:
        async for event in stream:
            events.append(event)
    answer = events[-1]
    assert isinstance(answer, Answer)
    assert answer.text and answer.source in (Source.LLM, Source.EXTRACT)
    assert answer.citations and answer.citations[0].doc_id == "pump-restart"
    assert any(isinstance(e, Delta) for e in events)  # the model streamed tokens
    assert answer.first_token_ms > 0
    spoken = " ".join(e.text for e in events if isinstance(e, Sentence))
    assert spoken == answer.text


async def test_real_model_stops_when_the_stream_is_closed(llama: LLMBackend) -> None:
    messages = [ChatMessage("user", "Count from one to one hundred in words.")]
    options = GenerationOptions(max_tokens=300, temperature=0.0)
    got: list[str] = []
    async with aclosing(llama.stream(messages, options)) as stream:
        async for delta in stream:
            got.append(delta)
            if len(got) == 3:
                break
    assert len(got) == 3
    # the model is free again at once: a second generation runs to its end
    again = [d async for d in llama.stream(messages, GenerationOptions(max_tokens=8))]
    assert 1 <= len(again) <= 8
