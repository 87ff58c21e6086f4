"""Match a spoken procedure name against the device's procedure list.

Each procedure is offered as ``(id, title, keywords)``. A spoken name matches by
token overlap with the title, the keywords and the id, tolerant of ASR spelling
slips (difflib similarity per word), so "the compressor restart procedure" finds
"CRAC compressor high-pressure trip recovery" whose keywords say "compressor restart".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from glasses.intent.normalize import tokens

ProcedureTuple = tuple[str, str, Sequence[str]]
"""(id, title, keywords) as the local pack lists them."""

STOPWORDS: frozenset[str] = frozenset(
    {
        "the", "a", "an", "of", "for", "on", "in", "to", "and", "with", "my", "this", "that",
        "procedure", "procedures", "sop", "mop", "eop", "checklist", "process", "please",
        "do", "let's", "lets", "let", "we", "we're", "i", "i'd", "like", "want", "need",
        "can", "you", "could", "would", "me", "us", "through", "walk", "guide", "take",
        "get", "going", "go", "now", "time", "task", "job", "routine", "is", "it", "our",
    }
)  # fmt: skip
"""Words that say nothing about which procedure is meant (the command verb is already
removed by the grammar; the classifier path keeps it, and "start" may name one)."""
WORD_SIMILARITY = 0.8
"""Two words this similar (difflib ratio) count as the same word."""


@dataclass(frozen=True)
class ProcedureMatch:
    """A candidate procedure and how well the spoken name covered it (0..1)."""

    id: str
    title: str
    score: float


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """Normalised, stemmed words of ``text`` without stopwords."""
    return [_stem(w) for w in tokens(text.replace("-", " ")) if w not in STOPWORDS]


def _similarity(word: str, vocabulary: set[str]) -> float:
    if word in vocabulary:
        return 1.0
    best = max((difflib.SequenceMatcher(None, word, v).ratio() for v in vocabulary), default=0.0)
    return best if best >= WORD_SIMILARITY and len(word) > 3 else 0.0


def _vocabulary(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        out |= set(content_words(text))
    return out


def score(spoken: str, proc: ProcedureTuple) -> float:
    """How well ``spoken`` names ``proc`` (0..1).

    Mostly the share of spoken words found in the title, keywords or id; words found in
    the title and a keyword said as a phrase add a little, to tell close candidates apart.
    """
    words = content_words(spoken)
    if not words:
        return 0.0
    pid, title, keywords = proc
    title_words = _vocabulary([title, pid.replace("-", " ")])
    vocabulary = title_words | _vocabulary(keywords)
    covered = sum(_similarity(w, vocabulary) for w in words) / len(words)
    in_title = sum(_similarity(w, title_words) for w in words) / len(words)
    joined = f" {' '.join(words)} "
    phrases = (" ".join(content_words(k)) for k in keywords)
    phrase_bonus = 0.05 if any(p and f" {p} " in joined for p in phrases) else 0.0
    return min(1.0, 0.85 * covered + 0.1 * in_title + phrase_bonus)


def rank(spoken: str, procedures: Iterable[ProcedureTuple]) -> list[ProcedureMatch]:
    """Candidates best first (stable for equal scores)."""
    matches = [ProcedureMatch(p[0], p[1], score(spoken, p)) for p in procedures]
    return sorted(matches, key=lambda m: -m.score)


def best_match(
    spoken: str,
    procedures: Iterable[ProcedureTuple],
    min_score: float = 0.5,
    margin: float = 0.03,
) -> ProcedureMatch | None:
    """The best candidate if it scores at least ``min_score`` and clearly beats the next.

    Two candidates within ``margin`` of each other ("the CRAC procedure" when there are
    several) give None: the caller should ask which one was meant.
    """
    ranked = rank(spoken, procedures)
    if not ranked or ranked[0].score < min_score:
        return None
    if len(ranked) > 1 and ranked[1].score > ranked[0].score - margin:
        return None
    return ranked[0]
