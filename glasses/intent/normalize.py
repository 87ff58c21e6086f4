"""Turn an ASR transcript into plain lowercase tokens the grammar and the model share.

Whisper writes punctuation, capitals, digits ("Go to step 4."), symbols ("72.5°F",
"45%") and thousands separators ("1,450 RPM"); all are brought to one spoken-like
form here: ``"go to step 4"``, ``"72.5 degf"``, ``"45 percent"``, ``"1450 rpm"``.
"""

from __future__ import annotations

import re
import unicodedata

WAKE_PHRASES: tuple[tuple[str, ...], ...] = (("hey", "jarvis"), ("hi", "jarvis"), ("jarvis",))
LEADING_FILLERS: frozenset[str] = frozenset(
    {"um", "uh", "er", "erm", "hmm", "okay", "ok", "alright", "please", "so", "now", "and"}
)
TRAILING_FILLERS: frozenset[str] = frozenset({"please", "now", "thanks", "jarvis"})

_SUBSTITUTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\u2018\u2019\u02bc`]"), "'"),
    (re.compile(r"(\d),(\d{3})(?!\d)"), r"\1\2"),
    (re.compile(r"(\d),(\d{3})(?!\d)"), r"\1\2"),
    (re.compile(r"°\s*c\b"), " degc "),
    (re.compile(r"°\s*f\b"), " degf "),
    (re.compile(r"°"), " degrees "),
    (re.compile(r"%"), " percent "),
    (re.compile(r"(?:(?<=\s)|^)[-\u2212](?=\d)"), "minus "),
    (re.compile(r"(\d+)(?:st|nd|rd|th)\b"), r"\1"),
    (re.compile(r"(\d)([a-z])"), r"\1 \2"),
    (re.compile(r"([a-z])(\d)"), r"\1 \2"),
    (re.compile(r"(?<!\d)\.|\.(?!\d)"), " "),
    (re.compile(r"[^a-z0-9.' ]+"), " "),
    (re.compile(r"(?<![a-z])'|'(?![a-z])"), " "),
)


_WAKE_PREFIX = re.compile(r"^\s*(?:(?:hey|hi|ok|okay)[\s,]+)?jarvis\b[\s,.!?:;-]*", re.IGNORECASE)


def strip_wake(text: str) -> str:
    """``text`` without a leading wake phrase ("Hey Jarvis, ..."), case and punctuation kept."""
    return _WAKE_PREFIX.sub("", text, count=1).strip()


def normalize(text: str) -> str:
    """Lowercase, spell symbols as words, drop punctuation; keep decimals like ``72.5``."""
    out = unicodedata.normalize("NFKC", text).lower()
    for pattern, repl in _SUBSTITUTIONS:
        out = pattern.sub(repl, out)
    return " ".join(out.split())


def tokens(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return normalize(text).split()


def strip_fillers(words: list[str]) -> list[str]:
    """Drop a leading wake phrase, filler words around the command and "thank you"."""
    out = list(words)
    changed = True
    while changed and out:
        changed = False
        for phrase in WAKE_PHRASES:
            if tuple(out[: len(phrase)]) == phrase:
                out = out[len(phrase) :]
                changed = True
        if out and out[0] in LEADING_FILLERS:
            out = out[1:]
            changed = True
    while out and (out[-1] in TRAILING_FILLERS or out[-2:] == ["thank", "you"]):
        out = out[:-2] if out[-2:] == ["thank", "you"] else out[:-1]
    return out


def command_text(text: str) -> str:
    """Normalised text without wake phrase and fillers: what the grammar matches."""
    return " ".join(strip_fillers(tokens(text)))
