"""Example utterances for training and testing the classifier (TOML, one table per intent)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from glasses.intent.types import Intent

DATA_DIR = Path(__file__).resolve().parent / "data"
EXAMPLES_PATH = DATA_DIR / "examples.toml"
HELDOUT_PATH = DATA_DIR / "heldout.toml"


class ExamplesError(ValueError):
    """An examples file is unreadable or names an unknown intent."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: Intent


def load_examples(path: Path = EXAMPLES_PATH) -> tuple[Example, ...]:
    """Every example in file order; ``[intent] examples = [...]`` tables."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExamplesError(f"{path}: cannot read examples: {exc}") from exc
    out: list[Example] = []
    for name, table in data.items():
        try:
            intent = Intent(name)
        except ValueError:
            raise ExamplesError(f"{path}: unknown intent [{name}]") from None
        texts = table.get("examples") if isinstance(table, dict) else None
        if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
            raise ExamplesError(f"{path}: [{name}] needs examples = [non-empty strings]")
        out.extend(Example(text, intent) for text in texts)
    if not out:
        raise ExamplesError(f"{path}: no examples")
    return tuple(out)


def split(
    examples: tuple[Example, ...], every: int = 5
) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    """Deterministic (train, held-out) split: each intent's every ``every``-th example held out."""
    seen: dict[Intent, int] = {}
    train: list[Example] = []
    held: list[Example] = []
    for example in examples:
        index = seen.get(example.intent, 0)
        seen[example.intent] = index + 1
        (held if index % every == every - 1 else train).append(example)
    return tuple(train), tuple(held)
