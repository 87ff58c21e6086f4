"""The answer engine: retrieve, read warnings, generate, check, fall back to the passage.

``answer()`` is an async generator of events (see :mod:`gateway.knowledge.events`).
Use it with ``contextlib.aclosing`` (or cancel the task running it): closing it
stops the model within one token. Retrieval runs concurrently for any number of
requests; the in-process model serialises generation itself, a server backend
takes concurrent requests.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field

from gateway.knowledge.chunks import Chunk
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.errors import LLMError
from gateway.knowledge.events import (
    Answer,
    AnswerEvent,
    Citation,
    Delta,
    Fallback,
    Sentence,
    Source,
)
from gateway.knowledge.grounding import (
    GroundingChecker,
    addresses,
    extract_sentences,
    similar,
    strip_lead_in,
)
from gateway.knowledge.llm import GenerationOptions, LLMBackend
from gateway.knowledge.prompt import build_messages, select_passages
from gateway.knowledge.question import lists_causes
from gateway.knowledge.retrieval import QueryContext, Retriever
from gateway.knowledge.safety import WarningBlock, citable, select_warnings, touches_safety
from gateway.knowledge.streaming import SentenceSplitter

log = logging.getLogger(__name__)


def _cite(chunk: Chunk) -> Citation:
    return Citation(chunk.doc_id, chunk.title, chunk.citation_section)


@dataclass
class _Draft:
    """The answer being put together (local to one request)."""

    start: float
    sentences: list[Sentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    first_token: float = 0.0
    first_sentence: float = 0.0

    def say(self, text: str, kind: str) -> Sentence:
        if not self.first_sentence:
            self.first_sentence = time.perf_counter()
        sentence = Sentence(text, len(self.sentences), kind)
        self.sentences.append(sentence)
        return sentence

    def cite(self, citation: Citation) -> None:
        if citation not in self.citations:
            self.citations.append(citation)

    def ms(self, t: float) -> float:
        return (t - self.start) * 1000.0 if t else 0.0


class AnswerEngine:
    """Grounded, cited answers over one knowledge index."""

    def __init__(self, retriever: Retriever, backend: LLMBackend, config: KnowledgeConfig) -> None:
        self.retriever = retriever
        self.backend = backend
        self.config = config
        self.options = GenerationOptions(config.llm.max_tokens, config.llm.temperature)

    async def answer(
        self, question: str, context: QueryContext | None = None
    ) -> AsyncGenerator[AnswerEvent, None]:
        """Stream the answer to ``question``: Delta / Sentence / Fallback events, then Answer."""
        question = " ".join(question.split())
        if not question:
            raise ValueError("the question is empty")
        draft = _Draft(time.perf_counter())
        retrieval = await self.retriever.aretrieve(question, context)
        documents = self.retriever.index.documents
        chunks = [h.chunk for h in retrieval.hits]
        blocks: list[WarningBlock] = []
        if touches_safety(question, chunks):
            blocks = select_warnings(chunks, documents, self.config.max_warning_docs)
            chunks = citable(chunks, documents, blocks) or chunks
        for block in blocks:
            for warning in block.warnings:
                yield draft.say(warning, "warning")
        passages = select_passages(chunks, self.config.prompt_chars)
        checker = GroundingChecker([c for c, _ in passages], self.config.groundedness_threshold)
        answer_sentences: list[Sentence] = []
        reason = ""
        stream = self.backend.stream(build_messages(question, passages), self.options)
        splitter = SentenceSplitter()
        done = False
        try:
            async for delta in stream:
                if not draft.first_token:
                    draft.first_token = time.perf_counter()
                yield Delta(delta)
                for text in splitter.feed(delta):
                    sentence, reason, done = self._accept(question, text, checker, passages, draft,
                                                          answer_sentences)
                    if sentence is not None:
                        yield sentence
                    if done:
                        break
                if done:
                    break
            else:
                for text in splitter.flush():
                    sentence, reason, done = self._accept(question, text, checker, passages, draft,
                                                          answer_sentences)
                    if sentence is not None:
                        yield sentence
        except LLMError as exc:
            log.warning("answer model failed, answering from the passage: %s", exc)
            reason = str(exc)
        finally:
            await stream.aclose()
        source = Source.LLM
        if not answer_sentences:
            source = Source.EXTRACT
            reason = reason or "the model gave no answer"
            yield Fallback(reason)
            chunk = self._extract_chunk(chunks, blocks, retrieval.symptom)
            if chunk is not None:
                draft.cite(_cite(chunk))
                for text in extract_sentences(question, chunk, self.config.extract_sentences):
                    yield draft.say(text, "extract")
        for block in blocks:
            draft.cite(Citation(block.doc_id, block.title, "Warnings"))
        if not draft.citations and chunks:
            draft.cite(_cite(chunks[0]))
        yield Answer(
            question=question,
            text=" ".join(s.text for s in draft.sentences),
            citations=tuple(draft.citations),
            source=source,
            warnings=tuple(w for b in blocks for w in b.warnings),
            retrieval_ms=retrieval.ms,
            first_token_ms=draft.ms(draft.first_token),
            first_sentence_ms=draft.ms(draft.first_sentence),
            total_ms=draft.ms(time.perf_counter()),
            fallback_reason=reason if source is Source.EXTRACT else "",
        )

    def _accept(
        self, question: str, text: str, checker: GroundingChecker,
        passages: Sequence[tuple[Chunk, str]], draft: _Draft, accepted: list[Sentence],
    ) -> tuple[Sentence | None, str, bool]:
        """Check one model sentence: (sentence to speak or None, refusal reason, stop now)."""
        text = strip_lead_in(text)
        if not text:
            return None, "", False
        if any(similar(text, s.text) for s in accepted):
            return None, "", True  # the model repeats itself: the answer is complete
        verdict = checker.check(text)
        if verdict.neutral:
            return None, "", False
        if verdict.supported and not accepted and not addresses(question, text):
            log.info("answer sentence %r does not address the question", text)
            return None, "the answer does not address the question", True
        if not verdict.supported:
            log.info("unsupported answer sentence %r: %s", text, verdict.reason)
            return None, verdict.reason, True
        if verdict.best_passage >= 0:
            draft.cite(_cite(passages[verdict.best_passage][0]))
        sentence = draft.say(text, "answer")
        accepted.append(sentence)
        return sentence, "", len(accepted) >= self.config.max_answer_sentences

    def _extract_chunk(
        self, chunks: Sequence[Chunk], blocks: Sequence[WarningBlock], symptom: bool
    ) -> Chunk | None:
        """The passage to read out: the best one not already read as warnings."""
        warned = {b.doc_id for b in blocks}
        fresh = [c for c in chunks if not (c.section == "Warnings" and c.doc_id in warned)]
        if symptom:
            causes = [c for c in fresh if lists_causes(c)]
            fresh = causes + [c for c in fresh if c not in causes]
        return fresh[0] if fresh else None
