"""The glasses' local documents and equipment, and finding a procedure by its spoken name.

A spoken name ("the compressor restart procedure") is matched against each
document's title, keywords, id, alarm codes, equipment tags and types, word by
word and tolerant of ASR slips (difflib similarity), so it finds "CRAC compressor
high-pressure trip recovery" through its keywords. Every candidate gets a score
in 0..1; :meth:`Library.find` only answers when the best one is clear.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from protocol.equipment import EquipmentRegistry, load_registry
from protocol.procedure import Document, load_documents

STOPWORDS = frozenset(
    "a an the of for on in to and with my this that please procedure procedures sop mop eop "
    "checklist process up i we want need task job routine one unit me what is".split()
)
# Command verbs ("start the ...") are dropped only at the start of what was said:
# elsewhere they carry meaning ("chiller start-up").
COMMANDS = frozenset("start begin run open load launch pull bring show find do let's lets".split())
WORD_SIMILARITY = 0.8  # two words at least this similar (difflib ratio) count as one
# How much a spoken word counts when it hits each field of a document.
FIELD_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("title", 1.0), ("alarm_codes", 1.0), ("equipment_tags", 1.0), ("keywords", 0.9),
    ("id", 0.9), ("equipment_types", 0.8),
)  # fmt: skip


def words(text: str, spoken: bool = False) -> list[str]:
    """Lowercase content words of ``text``, lightly stemmed, without stopwords.

    ``spoken``: also drop leading command verbs ("start the compressor ...").
    """
    raw = re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))
    while spoken and raw and (raw[0] in COMMANDS or raw[0] in STOPWORDS):
        raw.pop(0)
    out = []
    for word in raw:
        if word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


@dataclass(frozen=True)
class Candidate:
    """A document that may be the one meant, with how well the spoken name fit it."""

    document: Document
    score: float  # 0..1
    matched: tuple[str, ...]  # the spoken words that hit the document


def _vocabulary(doc: Document) -> dict[str, float]:
    texts = {
        "title": [doc.title], "keywords": list(doc.keywords), "alarm_codes": list(doc.alarm_codes),
        "equipment_tags": list(doc.equipment_tags), "id": [doc.id],
        "equipment_types": list(doc.equipment_types),
    }  # fmt: skip
    vocab: dict[str, float] = {}
    for name, weight in FIELD_WEIGHTS:
        for text in texts[name]:
            for word in words(text):
                vocab[word] = max(vocab.get(word, 0.0), weight)
    return vocab


def _hit(word: str, vocab: dict[str, float]) -> float:
    if word in vocab:
        return vocab[word]
    if len(word) <= 3:
        return 0.0
    best = 0.0
    for known, weight in vocab.items():
        ratio = difflib.SequenceMatcher(None, word, known).ratio()
        if ratio >= WORD_SIMILARITY:
            best = max(best, ratio * weight)
    return best


def score(spoken: str, doc: Document) -> Candidate:
    """How well ``spoken`` names ``doc``: share of spoken words it covers, plus title cover."""
    said = words(spoken, spoken=True)
    if not said:
        return Candidate(doc, 0.0, ())
    vocab = _vocabulary(doc)
    hits = [(w, _hit(w, vocab)) for w in said]
    covered = sum(h for _, h in hits) / len(said)
    title = set(words(doc.title))
    title_cover = len(title & set(said)) / len(title) if title else 0.0
    phrases = (" ".join(words(k)) for k in doc.keywords)
    phrase = any(" " in p and f" {p} " in f" {' '.join(said)} " for p in phrases)
    total = 0.85 * covered + 0.1 * title_cover + (0.05 if phrase else 0.0)
    return Candidate(doc, round(min(1.0, total), 4), tuple(w for w, h in hits if h > 0))


class Library:
    """The documents and equipment on the device. Immutable once built."""

    def __init__(
        self, documents: Iterable[Document], registry: EquipmentRegistry | None = None
    ) -> None:
        self.documents: tuple[Document, ...] = tuple(documents)
        self.registry = registry if registry is not None else EquipmentRegistry(())
        self._by_id = {d.id: d for d in self.documents}
        if len(self._by_id) != len(self.documents):
            raise ValueError("document ids must be unique")
        self.registry.validate(self.documents)

    @classmethod
    def load(cls, directory: str | PathLike[str]) -> Library:
        """A site folder: documents under ``docs/`` (or the folder itself), ``equipment.toml``."""
        root = Path(directory)
        docs = root / "docs" if (root / "docs").is_dir() else root
        equipment = root / "equipment.toml"
        registry = load_registry(equipment) if equipment.is_file() else None
        return cls(load_documents(docs), registry)

    @property
    def procedures(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.is_procedure)

    def get(self, doc_id: str) -> Document | None:
        return self._by_id.get(doc_id.strip().lower())

    def search(
        self, spoken: str, *, procedures_only: bool = True, limit: int = 5
    ) -> tuple[Candidate, ...]:
        """Candidates with a score above 0, best first (ties keep library order)."""
        pool = self.procedures if procedures_only else self.documents
        exact = self.get(spoken)
        if exact is not None and exact in pool:
            return (Candidate(exact, 1.0, (spoken.strip().lower(),)),)
        ranked = sorted((score(spoken, d) for d in pool), key=lambda c: -c.score)
        return tuple(c for c in ranked if c.score > 0)[:limit]

    def find(
        self, spoken: str, *, min_score: float = 0.5, margin: float = 0.05
    ) -> Candidate | None:
        """The procedure meant by ``spoken``, or None when nothing fits or two fit equally."""
        ranked = self.search(spoken, limit=2)
        if not ranked or ranked[0].score < min_score:
            return None
        if len(ranked) > 1 and ranked[1].score > ranked[0].score - margin:
            return None
        return ranked[0]

    def for_equipment(self, tag: str) -> tuple[Document, ...]:
        """Documents for a scanned tag: the registry's list, then those naming the tag."""
        return self.registry.procedures_for(tag, self.documents)

    def for_alarm(self, code: str) -> tuple[Document, ...]:
        wanted = code.strip().upper()
        return tuple(d for d in self.documents if wanted in (a.upper() for a in d.alarm_codes))
