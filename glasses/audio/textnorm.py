"""Text normalisation for transcripts: wake-phrase stripping and WER scoring.

Normalisation lower-cases, drops punctuation, splits hyphens, expands a few
contractions and turns spoken numbers into digits ("three hundred eighty" ->
"380"), so "Go to step 4." and "go to step four" compare equal.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

_TOKEN = re.compile(r"[a-z0-9']+")
_CONTRACTIONS = {
    "what's": "what is",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "we're": "we are",
    "i'm": "i am",
    "let's": "let us",
    "don't": "do not",
    "isn't": "is not",
}
_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_SCALES = {"hundred": 100, "thousand": 1000}


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("-", " ")
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        out.extend(_CONTRACTIONS.get(tok, tok).split())
    return [t.strip("'") for t in out if t.strip("'")]


def _numbers(tokens: Sequence[str]) -> list[str]:
    """Replace runs of number words with digits."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _UNITS and tokens[i] not in _TENS:
            out.append(tokens[i])
            i += 1
            continue
        total, current = 0, 0
        while i < len(tokens):
            tok = tokens[i]
            if tok in _UNITS:
                current += _UNITS[tok]
            elif tok in _TENS:
                current += _TENS[tok]
            elif tok in _SCALES and current:
                if _SCALES[tok] == 100:
                    current *= 100
                else:
                    total += current * 1000
                    current = 0
            elif tok == "and" and i + 1 < len(tokens) and (
                tokens[i + 1] in _UNITS or tokens[i + 1] in _TENS
            ):
                pass
            else:
                break
            i += 1
        out.append(str(total + current))
    return out


def normalize(text: str) -> list[str]:
    """Words of ``text`` normalised for comparison."""
    return _numbers(_tokens(text))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, number of reference words) after normalisation."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def wer(pairs: Sequence[tuple[str, str]]) -> float:
    """Word error rate over (reference, hypothesis) pairs."""
    errors = total = 0
    for ref, hyp in pairs:
        e, n = word_errors(ref, hyp)
        errors += e
        total += n
    return errors / total if total else 0.0


def strip_wake_phrase(text: str, model_name: str) -> str:
    """Remove what is left of the wake phrase (e.g. "Jarvis," or "Hey Jarvis") at the start."""
    wake = [w for w in re.split(r"[_\s]+", model_name.lower()) if w]
    if not wake or not text:
        return text.strip()
    pattern = re.compile(r"\s*([A-Za-z']+)[\s,.!?;:-]*")
    pos, removed = 0, 0
    while removed < len(wake):
        m = pattern.match(text, pos)
        if m is None:
            break
        word = m.group(1).lower()
        if not any(difflib.SequenceMatcher(None, word, w).ratio() >= 0.75 for w in wake):
            break
        pos, removed = m.end(), removed + 1
    rest = text[pos:].strip()
    return rest[:1].upper() + rest[1:] if removed and rest else rest if removed else text.strip()
