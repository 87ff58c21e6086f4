"""Benchmark the gateway's knowledge service on the sample site, in one run.

Prints: ingest time per document; retrieval hit@1 / hit@3 over the evaluation
set (goal hit@3 >= 90 %); share of answers with a citation (goal 100 %) and
share returned as an extract; time to first token relative to a raw
llama-cpp-python call on the same prompt (goal <= 1.1); retrieval p95 at 5,000
chunks (goal <= 50 ms; extra chunks are synthesised from the real ones).

    python scripts/bench_answers.py [--answers 30] [--ttft 10] [--chunks 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import Any

import numpy as np

from gateway.knowledge.base import KnowledgeBase, default_docs_dir, load_tag_types
from gateway.knowledge.chunks import Chunk
from gateway.knowledge.config import KnowledgeConfig
from gateway.knowledge.evalset import EvalQuestion, evaluate, hit_rate, load_eval_questions
from gateway.knowledge.events import Answer, Source
from gateway.knowledge.index import DocEntry
from gateway.knowledge.llm import ChatMessage, GenerationOptions, LLMBackend
from gateway.knowledge.retrieval import QueryContext

EVAL_SET = Path(__file__).parents[1] / "tests" / "data" / "eval_questions.toml"


class Recording:
    """Wraps a backend and remembers the last prompt it was given."""

    def __init__(self, inner: LLMBackend) -> None:
        self.inner = inner
        self.last: list[ChatMessage] = []

    @property
    def name(self) -> str:
        return self.inner.name

    async def stream(self, messages: Sequence[ChatMessage], options: GenerationOptions
                     ) -> AsyncGenerator[str, None]:
        self.last = list(messages)
        async with aclosing(self.inner.stream(messages, options)) as deltas:
            async for delta in deltas:
                yield delta

    async def aclose(self) -> None:
        await self.inner.aclose()


def raw_first_token_ms(llama: Any, messages: Sequence[ChatMessage], max_tokens: int) -> float:
    """Time to the first content token of a plain llama-cpp-python streaming call."""
    llama.reset()
    start = time.perf_counter()
    first = 0.0
    stream = llama.create_chat_completion(messages=[m.as_dict() for m in messages], stream=True,
                                          max_tokens=max_tokens, temperature=0.2)
    for chunk in stream:
        if chunk["choices"][0]["delta"].get("content") and not first:
            first = (time.perf_counter() - start) * 1000.0
    return first


async def bench_answers(kb: KnowledgeBase, questions: Sequence[EvalQuestion], n_answers: int,
                        n_ttft: int) -> None:
    from llama_cpp import Llama

    backend = Recording(kb.engine().backend)
    engine = kb.engine(backend)
    config = kb.config.llm
    from gateway.models import resolve_llm

    raw = Llama(model_path=str(resolve_llm(config.model or None)), n_ctx=config.n_ctx,
                n_threads=config.threads, verbose=False)
    answers: list[Answer] = []
    ratios: list[tuple[float, float]] = []

    inner = getattr(backend.inner, "llama", None)

    async def ask(q: EvalQuestion) -> Answer:
        if inner is not None:
            inner.reset()  # no KV-cache reuse from an earlier prompt: same start as the raw call
        async with aclosing(engine.answer(q.text, QueryContext(q.equipment_tag))) as events:
            async for event in events:
                if isinstance(event, Answer):
                    return event
        raise RuntimeError("the engine ended without an Answer")

    for i, q in enumerate(questions[:n_answers]):
        if i >= n_ttft:
            answers.append(await ask(q))
            continue
        # the raw call needs the engine's prompt: odd questions run the engine a first time
        # to learn it, so that half the pairs time the raw call first (load drifts cancel)
        if i % 2:
            await ask(q)
            raw_ms = await asyncio.to_thread(raw_first_token_ms, raw, backend.last,
                                             config.max_tokens)
            answers.append(await ask(q))
        else:
            answers.append(await ask(q))
            raw_ms = await asyncio.to_thread(raw_first_token_ms, raw, backend.last,
                                             config.max_tokens)
        if raw_ms > 0 and answers[-1].first_token_ms > 0:
            ratios.append((answers[-1].first_token_ms, raw_ms))
    cited = sum(bool(a.citations) for a in answers) / len(answers)
    extract = sum(a.source is Source.EXTRACT for a in answers) / len(answers)
    print(f"answers: {len(answers)}; with at least one citation {cited:.0%} (goal 100 %); "
          f"returned as extract {extract:.0%}")
    totals = [a.total_ms for a in answers]
    print(f"answer total time: median {statistics.median(totals):.0f} ms")
    if ratios:
        engine_ms = statistics.median(r[0] for r in ratios)
        raw_ms = statistics.median(r[1] for r in ratios)
        ratio = statistics.median(r[0] / r[1] for r in ratios)
        print(f"time to first token: engine median {engine_ms:.0f} ms (incl. retrieval), raw "
              f"llama-cpp median {raw_ms:.0f} ms on the same prompts; median ratio "
              f"{ratio:.2f} (goal <= 1.1; {len(ratios)} prompts)")


def synthesise(kb: KnowledgeBase, total: int, seed: int = 7) -> None:
    """Grow the index to ``total`` chunks: shuffled copies of real chunks, perturbed vectors."""
    rng = random.Random(seed)
    real = list(kb.index.chunks)
    base = kb.embedder.embed([c.embed_text() for c in real], batch_size=64)
    extra: list[Chunk] = []
    for n in range(total - len(real)):
        src = real[n % len(real)]
        words = src.text.split()
        rng.shuffle(words)
        words.append(f"PN-{rng.randint(1000, 9999)}")
        extra.append(Chunk(id=f"synthetic-{n // 10:04d}#sec-{n % 10}",
                           doc_id=f"synthetic-{n // 10:04d}", title=f"Synthetic {src.title}",
                           kind=src.kind, section=src.section, step=0, text=" ".join(words),
                           equipment_tags=src.equipment_tags,
                           equipment_types=src.equipment_types, safety=False))
    nprng = np.random.default_rng(seed)
    vectors = base[[i % len(real) for i in range(len(extra))]]
    noisy = vectors + nprng.normal(0, 0.35 / np.sqrt(vectors.shape[1]), vectors.shape)
    vectors = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    kb.index.store.upsert(extra, vectors)
    docs = dict(kb.index.documents)
    for c in extra:
        docs.setdefault(c.doc_id, DocEntry("synthetic", c.title, c.kind, 10))
    kb.index.replace(docs, [*real, *extra], kb.index.embedder_name)


def bench_latency(kb: KnowledgeBase, questions: Sequence[EvalQuestion]) -> None:
    def p95(values: list[float]) -> float:
        return float(np.percentile(values, 95))

    cold = [kb.retriever.retrieve(q.text, QueryContext(q.equipment_tag)).ms for q in questions]
    warm = [kb.retriever.retrieve(q.text, QueryContext(q.equipment_tag)).ms for q in questions]
    print(f"retrieval at {len(kb.index.chunks)} chunks: p95 {p95(cold):.1f} ms for new "
          f"questions (median {statistics.median(cold):.1f}), p95 {p95(warm):.1f} ms for "
          f"repeated ones (query embedding cached); goal p95 <= 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=default_docs_dir())
    parser.add_argument("--answers", type=int, default=30, help="questions answered by the LLM")
    parser.add_argument("--ttft", type=int, default=10, help="answers compared with raw llama")
    parser.add_argument("--chunks", type=int, default=5000, help="index size for the p95")
    args = parser.parse_args()
    questions = load_eval_questions(EVAL_SET)
    tag_types = load_tag_types(args.docs.parent / "equipment.toml")
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(KnowledgeConfig(), Path(tmp), tag_types=tag_types)
        report = kb.ingest_dir(args.docs)
        print(f"ingest: {report.documents} documents, {report.chunks_total} chunks in "
              f"{report.seconds:.1f} s = {report.seconds / report.documents:.2f} s per document")
        results = evaluate(kb.retriever, questions)
        print(f"retrieval over {len(questions)} questions: hit@1 {hit_rate(results, 1):.1%}, "
              f"hit@3 {hit_rate(results, 3):.1%} (goal >= 90 %)")
        asyncio.run(bench_answers(kb, questions, args.answers, args.ttft))
        synthesise(kb, args.chunks)
        bench_latency(kb, questions)
        kb.close()


if __name__ == "__main__":
    main()
