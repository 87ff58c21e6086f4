"""The answer engine: citations, extract fallback, verbatim warnings, symptoms, cancellation.

The model is replaced by a scripted backend here so each policy is tested exactly;
test_answer_real.py runs the same engine on the real llama-cpp model.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing

import pytest

from gateway.knowledge.base import KnowledgeBase
from gateway.knowledge.errors import LLMError
from gateway.knowledge.events import Answer, AnswerEvent, Delta, Fallback, Sentence, Source
from gateway.knowledge.llm import ChatMessage, GenerationOptions, LLMBackend
from gateway.knowledge.retrieval import QueryContext
from protocol.procedure import load_documents

from .conftest import DATA, ScriptedBackend

pytestmark = pytest.mark.models

ARC_WARNINGS = load_documents(DATA)[0].warnings


async def _collect(kb: KnowledgeBase, backend: LLMBackend, question: str,
                   context: QueryContext | None = None) -> list[AnswerEvent]:
    events: list[AnswerEvent] = []
    async with aclosing(kb.engine(backend).answer(question, context)) as stream:
        async for event in stream:
            events.append(event)
    return events


def _final(events: list[AnswerEvent]) -> Answer:
    answer = events[-1]
    assert isinstance(answer, Answer)
    return answer


async def test_a_supported_answer_streams_checked_sentences_with_citations(
    small_kb: KnowledgeBase,
) -> None:
    backend = ScriptedBackend("Reset the overload and start the pump from the local panel.")
    events = await _collect(small_kb, backend, "how do I restart the pump after a P-17 trip?")
    answer = _final(events)
    assert answer.source is Source.LLM
    assert answer.text == "Reset the overload and start the pump from the local panel."
    assert any(c.doc_id == "pump-restart" and c.section == "step 3" for c in answer.citations)
    assert [e.kind for e in events if isinstance(e, Sentence)] == ["answer"]
    assert sum(isinstance(e, Delta) for e in events) == backend.tokens_sent
    assert answer.first_token_ms > 0 and answer.total_ms >= answer.first_token_ms
    prompt = backend.prompts[0][-1].content
    assert "Reset the overload" in prompt and "how do I restart the pump" in prompt


async def test_an_unsupported_answer_is_replaced_by_the_passage(small_kb: KnowledgeBase) -> None:
    backend = ScriptedBackend("The impeller must be replaced by Acme for 900 dollars.")
    events = await _collect(small_kb, backend, "what does alarm P-17 mean?")
    answer = _final(events)
    assert answer.source is Source.EXTRACT
    assert any(isinstance(e, Fallback) for e in events)
    assert "motor overload trip" in answer.text
    assert "900" not in answer.text
    assert answer.citations and answer.citations[0].doc_id == "pump-restart"
    spoken = [e for e in events if isinstance(e, Sentence)]
    assert spoken and all(s.kind == "extract" for s in spoken)
    assert 1 <= len(spoken) <= 3


async def test_safety_answers_read_the_cited_documents_warnings_verbatim(
    small_kb: KnowledgeBase,
) -> None:
    backend = ScriptedBackend("Inside the boundary, Category 2 clothing is rated at 8 cal/cm².")
    events = await _collect(small_kb, backend, "what PPE do I need inside the arc flash boundary?")
    answer = _final(events)
    assert answer.warnings == ARC_WARNINGS
    for warning in ARC_WARNINGS:
        assert warning in answer.text
    spoken = [e for e in events if isinstance(e, Sentence)]
    assert [s.text for s in spoken[:2]] == list(ARC_WARNINGS)
    assert {s.kind for s in spoken[:2]} == {"warning"}
    assert any(c.doc_id == "arc-flash-safety" and c.section == "Warnings"
               for c in answer.citations)
    assert answer.source is Source.LLM and answer.text.endswith("rated at 8 cal/cm².")


async def test_safety_warnings_are_kept_when_the_model_fails(small_kb: KnowledgeBase) -> None:
    events = await _collect(small_kb, ScriptedBackend("I don't know."),
                            "is it safe to open a live switchgear door?")
    answer = _final(events)
    assert answer.source is Source.EXTRACT
    assert all(w in answer.text for w in ARC_WARNINGS)
    assert answer.text.count(ARC_WARNINGS[0]) == 1


async def test_symptom_questions_get_probable_causes(small_kb: KnowledgeBase) -> None:
    events = await _collect(small_kb, ScriptedBackend("I don't know."),
                            "chiller compressor knocking")
    answer = _final(events)
    assert answer.source is Source.EXTRACT
    assert "Probable causes" in answer.text and "liquid slugging" in answer.text
    assert answer.citations[0].section == "Probable causes"


async def test_model_failure_falls_back_to_the_passage(small_kb: KnowledgeBase) -> None:
    class Broken:
        name = "broken"

        async def stream(self, messages: Sequence[ChatMessage], options: GenerationOptions
                         ) -> AsyncGenerator[str, None]:
            yield "The"
            raise LLMError("server went away")

        async def aclose(self) -> None:
            pass

    answer = _final(await _collect(small_kb, Broken(), "what does alarm U-311 mean?"))
    assert answer.source is Source.EXTRACT and "server went away" in answer.fallback_reason
    assert "U-311" in answer.text and answer.citations[0].doc_id == "ups-alarm-table"


async def test_closing_the_stream_stops_generation(small_kb: KnowledgeBase) -> None:
    backend = ScriptedBackend(" ".join(["word"] * 500), delay=0.01)
    stream = small_kb.engine(backend).answer("pump restart", QueryContext("PUMP-01"))
    deltas = 0
    async with aclosing(stream):
        async for event in stream:
            deltas += isinstance(event, Delta)
            if deltas == 3:
                break
    assert backend.tokens_sent <= 4


async def test_cancelling_the_task_stops_generation(small_kb: KnowledgeBase) -> None:
    backend = ScriptedBackend(" ".join(["word"] * 500), delay=0.01)
    first = asyncio.Event()

    async def consume() -> None:
        async with aclosing(small_kb.engine(backend).answer("pump restart")) as stream:
            async for event in stream:
                if isinstance(event, Delta):
                    first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sent = backend.tokens_sent
    await asyncio.sleep(0.1)
    assert backend.tokens_sent == sent < 500


async def test_many_questions_retrieve_concurrently(small_kb: KnowledgeBase) -> None:
    questions = ["alarm U-311", "alarm U-204", "P-17 trip", "arc flash boundary"] * 3
    results = await asyncio.gather(*(small_kb.retriever.aretrieve(q) for q in questions))
    assert [r.hits[0].chunk.doc_id for r in results[:4]] == [
        "ups-alarm-table", "ups-alarm-table", "pump-restart", "arc-flash-safety"]


async def test_a_supported_sentence_off_the_question_is_not_an_answer(
    small_kb: KnowledgeBase,
) -> None:
    backend = ScriptedBackend("Replace fan module FM-9.")
    answer = _final(await _collect(small_kb, backend, "what does alarm U-204 mean?"))
    assert answer.source is Source.EXTRACT
    assert "does not address the question" in answer.fallback_reason
    assert "Battery temperature above 30 °C" in answer.text


async def test_an_empty_question_is_refused(small_kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="empty"):
        await _collect(small_kb, ScriptedBackend("x"), "   ")
