"""The OpenAI-compatible path against llama-cpp-python's own server, run as a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import aclosing

import httpx
import pytest

from gateway.knowledge.base import KnowledgeBase
from gateway.knowledge.config import LLMConfig
from gateway.knowledge.errors import LLMError
from gateway.knowledge.events import Answer, Delta, Source
from gateway.knowledge.llm import ChatMessage, GenerationOptions, load_backend
from gateway.knowledge.llm_openai import OpenAIBackend, api_base, parse_sse_line
from gateway.models import resolve_llm

pytestmark = pytest.mark.models


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_llm()),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("wb")  # a file, not a pipe: the server logs a lot and must not block
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not answer /v1/models within 180 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def test_answers_stream_from_an_openai_compatible_server(
    small_kb: KnowledgeBase, server_url: str,
) -> None:
    backend = load_backend(LLMConfig(url=server_url))
    assert isinstance(backend, OpenAIBackend)
    try:
        events = []
        engine = small_kb.engine(backend)
        async with aclosing(engine.answer("What does alarm U-311 mean?")) as stream:
            async for event in stream:
                events.append(event)
        answer = events[-1]
        assert isinstance(answer, Answer)
        assert any(isinstance(e, Delta) for e in events)
        assert answer.text and answer.source in (Source.LLM, Source.EXTRACT)
        assert answer.citations[0].doc_id == "ups-alarm-table"

        got: list[str] = []
        messages = [ChatMessage("user", "Count from one to fifty in words.")]
        async with aclosing(backend.stream(messages, GenerationOptions(max_tokens=200))) as s:
            async for delta in s:
                got.append(delta)
                if len(got) == 2:
                    break
        assert len(got) == 2  # closing mid-answer is clean; the server stays usable
        again = [d async for d in backend.stream(messages, GenerationOptions(max_tokens=5))]
        assert again
    finally:
        await backend.aclose()


async def test_an_unreachable_server_falls_back_to_the_passage(small_kb: KnowledgeBase) -> None:
    backend = OpenAIBackend(f"http://127.0.0.1:{_free_port()}", model="any", timeout_s=5)
    try:
        events = []
        async with aclosing(small_kb.engine(backend).answer("alarm U-204")) as stream:
            async for event in stream:
                events.append(event)
        answer = events[-1]
        assert isinstance(answer, Answer) and answer.source is Source.EXTRACT
        assert "failed" in answer.fallback_reason and "U-204" in answer.text
    finally:
        await backend.aclose()


def test_sse_lines_and_base_urls() -> None:
    assert parse_sse_line('data: {"choices":[{"delta":{"content":"Hi"}}]}') == "Hi"
    assert parse_sse_line('data: {"choices":[{"delta":{"role":"assistant"}}]}') is None
    assert parse_sse_line(": keep-alive") is None
    with pytest.raises(EOFError):
        parse_sse_line("data: [DONE]")
    with pytest.raises(LLMError, match="malformed"):
        parse_sse_line("data: {not json")
    with pytest.raises(LLMError, match="boom"):
        parse_sse_line('data: {"error": "boom"}')
    assert api_base("http://h:8080") == api_base("http://h:8080/v1/") == "http://h:8080/v1"
    with pytest.raises(LLMError):
        api_base("h:8080")
