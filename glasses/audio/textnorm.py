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
            elif (
                tok == "and"
                and i + 1 < len(tokens)
                and (tokens[i + 1] in _UNITS or tokens[i + 1] in _TENS)
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


def _like(word: str, target: str) -> float:
    return difflib.SequenceMatcher(None, word.lower(), target).ratio()


def _starts_like(found: Sequence[re.Match[str]], wake: Sequence[str], heard: bool) -> bool:
    """The first words sound like the wake phrase ("Hey, Travis"), not merely rhyme with
    its first word ("Why would ...", "They said ..."): same first letter and a likeness
    (of the last word too, unless the wake model ``heard`` the phrase)."""
    first, key = found[0].group(0).lower(), found[len(wake) - 1].group(0).lower()
    if first[:1] != wake[0][:1] or _like(first, wake[0]) < 0.6:
        return False
    return heard or _like(key, wake[-1]) >= 0.3


def strip_wake_phrase(
    text: str, model_name: str, max_words: int = 4, *, heard: bool = False
) -> str:
    """Remove the wake phrase ("Hey Jarvis," "Hey, Jarl," "Jarvis,") from the start of ``text``.

    The wake phrase's last word is looked for, fuzzily, among the first
    ``max_words`` words; it and everything before it are dropped. If it is not
    recognisable but the text starts like the wake phrase, as many words as the
    phrase has are dropped: when the wake model ``heard`` it at the start of this
    audio, a first word like "Hey" is enough ("Hey, now we go to step 4."); otherwise
    the second word must sound a little like the last one too ("Hey, Travis, ..."), so
    that "Why would ..." or "Hey what ..." keep their words.
    """
    wake = [w for w in re.split(r"[_\s]+", model_name.lower()) if w]
    found = list(re.finditer(r"[A-Za-z0-9']+", text))
    if not wake or not found:
        return text.strip()
    key = wake[-1]
    scores = [
        _like(m.group(0), key) if m.group(0)[:1].lower() == key[0] else _like(m.group(0), key) - 0.2
        for m in found[:max_words]
    ]
    best = max(range(len(scores)), key=lambda i: scores[i])
    if scores[best] >= 0.5:
        cut = found[best].end()
    elif len(wake) > 1 and len(found) > len(wake) and _starts_like(found, wake, heard):
        cut = found[len(wake) - 1].end()
    else:
        return text.strip()
    rest = text[cut:].lstrip(" ,.!?;:-")
    return rest[:1].upper() + rest[1:]
