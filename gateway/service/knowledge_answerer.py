"""The knowledge engine behind the service's Answerer interface.

Only checked sentences go on the wire as deltas (raw model tokens may be
withdrawn by the groundedness check); the final answer carries the citations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from gateway.knowledge import events as kev
from gateway.knowledge.answer import AnswerEngine
from gateway.knowledge.base import KnowledgeBase
from gateway.knowledge.retrieval import QueryContext
from gateway.service.answerer import AnswerEvent, Delta, Final
from protocol.messages import AskContext, Citation


class KnowledgeAnswerer:
    def __init__(self, base: KnowledgeBase, engine: AnswerEngine) -> None:
        self.base = base
        self.engine = engine

    @property
    def kb_version(self) -> str:
        return self.base.version

    async def answer(self, question: str, context: AskContext) -> AsyncIterator[AnswerEvent]:
        query = QueryContext(
            context.equipment_tag or "",
            context.procedure_id or "",
            0 if context.step_index is None else context.step_index + 1,  # wire is 0-based
        )
        stream = self.engine.answer(question, query)
        try:
            async for event in stream:
                if isinstance(event, kev.Sentence):
                    yield Delta(event.text + " ")
                elif isinstance(event, kev.Answer):
                    yield Final(
                        event.text or "I found nothing on that in the site documents.",
                        tuple(
                            Citation(c.doc_id, c.title[:120], c.section[:120])
                            for c in event.citations[:8]
                        ),  # fmt: skip
                        event.source.value,
                        event.first_token_ms or None,
                        event.total_ms,
                        event.retrieval_ms,
                    )
        finally:
            await stream.aclose()
