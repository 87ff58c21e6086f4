"""Offline answers: BM25 over the procedures, safety and reference text on the glasses.

No torch and no LLM on the device: the answer is the best passage itself, with
its citation, read aloud after a short notice that the full knowledge base
needs the gateway.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from protocol.procedure import Document

_TOKEN = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_STOP = frozenset(
    "a an and are as at be by do does for from how i if in is it its me my of on or our so "
    "that the there this to unit was we what when where which who why will with would you "
    "your can should".split()
)


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    section: str
    text: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class LocalAnswer:
    text: str
    doc_id: str
    title: str
    section: str
    score: float


def passages(documents: tuple[Document, ...]) -> list[Passage]:
    out: list[Passage] = []
    for doc in documents:
        tags = doc.equipment_tags
        if doc.warnings:
            out.append(Passage(doc.id, doc.title, "Warnings", " ".join(doc.warnings), tags))
        for s in doc.steps:
            extra = (
                f" Expected {s.expected.name} {s.expected.low} to {s.expected.high} {s.expected.unit}."
                if s.expected
                else ""
            )
            out.append(Passage(doc.id, doc.title, f"step {s.number}", s.text + extra, tags))
        for sec in doc.sections:
            if sec.heading.lower() in ("steps", "warnings", "tools") or not sec.text.strip():
                continue
            for i, para in enumerate(p for p in re.split(r"\n\s*\n", sec.text) if p.strip()):
                out.append(Passage(doc.id, doc.title, sec.heading or doc.title, _plain(para), tags))
    return out


def _plain(markdown: str) -> str:
    text = re.sub(r"[|*_`#>]+", " ", markdown)
    text = re.sub(r"-{3,}", " ", text)
    return re.sub(r"\s+", " ", text).strip()


class LocalSearch:
    """Okapi BM25 (k1=1.5, b=0.75) with a boost for the tag in view."""

    def __init__(self, documents: tuple[Document, ...]) -> None:
        self.passages = passages(documents)
        self._docs = [
            Counter(tokens(p.title + " " + p.section + " " + p.text)) for p in self.passages
        ]
        self._lengths = [sum(c.values()) for c in self._docs]
        self._avg = sum(self._lengths) / max(1, len(self._lengths))
        df: Counter[str] = Counter()
        for c in self._docs:
            df.update(c.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def search(
        self, question: str, tag: str | None = None, k: int = 3
    ) -> list[tuple[float, Passage]]:
        query = tokens(question)
        scored: list[tuple[float, Passage]] = []
        for i, counts in enumerate(self._docs):
            score = 0.0
            for t in query:
                f = counts.get(t, 0)
                if f:
                    norm = 1.5 * (0.25 + 0.75 * self._lengths[i] / self._avg)
                    score += self._idf[t] * f * 2.5 / (f + norm)
            if score > 0:
                if tag and tag in self.passages[i].tags:
                    score *= 1.3
                scored.append((score, self.passages[i]))
        scored.sort(key=lambda s: -s[0])
        return scored[:k]

    def answer(self, question: str, tag: str | None = None) -> LocalAnswer | None:
        hits = self.search(question, tag, k=1)
        if not hits:
            return None
        score, p = hits[0]
        sentences = re.split(r"(?<=[.!?])\s+", p.text)
        text = " ".join(sentences[:3])
        return LocalAnswer(
            f"From {p.title}, {p.section}: {text}", p.doc_id, p.title, p.section, score
        )
