"""TOML front matter of a knowledge document: split, parse, validate.

Errors carry the file line: TOML syntax errors are mapped from the front
matter's own line numbers, and a bad value points at the line of its key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from protocol.procedure_types import EQUIPMENT_TYPES, DocumentError, Kind, SafetyLevel

E = TypeVar("E", Kind, SafetyLevel)

FENCE = "+++"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Always matches: tomllib ends its messages with "(at line N, column M)" or "(at end of document)".
_TOML_WHERE = re.compile(r"(?:\s*\(at (?:line (\d+), column \d+|end of document)\))?\s*$")
_LISTS = ("equipment_types", "equipment_tags", "ppe", "alarm_codes", "keywords", "sources")
_REQUIRED = ("id", "title", "kind", "safety_level")
KNOWN_KEYS: tuple[str, ...] = (*_REQUIRED, *_LISTS, "estimated_minutes")


@dataclass(frozen=True)
class FrontMatter:
    """The validated front matter and where the body starts (0-based line index)."""

    id: str
    title: str
    kind: Kind
    safety_level: SafetyLevel
    equipment_types: tuple[str, ...]
    equipment_tags: tuple[str, ...]
    ppe: tuple[str, ...]
    alarm_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    sources: tuple[str, ...]
    estimated_minutes: int | None
    body_start: int
    id_line: int  # file line of ``id = ...``


class _Context:
    """The file's front-matter lines, for error messages that name a key's line."""

    def __init__(self, path: str, lines: Sequence[str], close: int) -> None:
        self.path = path
        self.lines = lines
        self.close = close  # 0-based index of the closing "+++"

    def line_of(self, key: str) -> int:
        pattern = re.compile(rf'\s*\[*\s*["\']?{re.escape(key)}["\']?\s*[=.\]]')
        found = (i + 1 for i in range(1, self.close) if pattern.match(self.lines[i]))
        return next(found, 1)

    def error(self, key: str, message: str) -> DocumentError:
        return DocumentError(self.path, self.line_of(key), f"front matter: {message}")


def split(lines: Sequence[str], path: str) -> tuple[dict[str, Any], _Context]:
    """Parse the TOML between the ``+++`` lines; the body starts after ``ctx.close``."""
    if not lines or lines[0].strip() != FENCE:
        raise DocumentError(path, 1, "expected '+++' on the first line to open the front matter")
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if close is None:
        raise DocumentError(path, 1, "front matter opened on line 1 is never closed by '+++'")
    try:
        data = tomllib.loads("".join(line + "\n" for line in lines[1:close]))
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(str(exc), path, close) from None
    return data, _Context(path, lines, close)


def _toml_error(message: str, path: str, close: int) -> DocumentError:
    where = _TOML_WHERE.search(message)
    assert where is not None  # the pattern matches the empty end of any string
    line = close + 1 if where.group(1) is None else int(where.group(1)) + 1
    text = message[: where.start()]
    return DocumentError(path, line, f"front matter: invalid TOML: {text}")


def parse(lines: Sequence[str], path: str) -> FrontMatter:
    """Validate the front matter of ``lines`` (the whole file) per PROCEDURE_FORMAT.md."""
    data, ctx = split(lines, path)
    unknown = [k for k in data if k not in KNOWN_KEYS]
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise ctx.error(unknown[0], f"unknown key '{unknown[0]}' (known keys: {known})")
    for key in _REQUIRED:
        if key not in data:
            raise DocumentError(path, 1, f"front matter: missing required key '{key}'")
    kind = _choice(data, "kind", Kind, ctx)
    lists = {key: _text_list(data, key, ctx) for key in _LISTS}
    for etype in lists["equipment_types"]:
        if etype not in EQUIPMENT_TYPES:
            allowed = ", ".join(EQUIPMENT_TYPES)
            raise ctx.error("equipment_types", f"equipment type '{etype}' is not one of {allowed}")
    return FrontMatter(
        id=_identifier(data, ctx),
        title=_text(data, "title", ctx),
        kind=kind,
        safety_level=_choice(data, "safety_level", SafetyLevel, ctx),
        estimated_minutes=_minutes(data, kind, ctx),
        body_start=ctx.close + 1,
        id_line=ctx.line_of("id"),
        **lists,
    )


def _text(data: Mapping[str, Any], key: str, ctx: _Context) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(key, f"{key} must be non-empty text, got {value!r}")
    return value.strip()


def _identifier(data: Mapping[str, Any], ctx: _Context) -> str:
    value = _text(data, "id", ctx)
    if not _ID.fullmatch(value):
        raise ctx.error("id", f"id '{value}' must be lowercase a-z, 0-9 and single '-'")
    return value


def _choice(data: Mapping[str, Any], key: str, enum_type: type[E], ctx: _Context) -> E:
    value = _text(data, key, ctx)
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_type)
        raise ctx.error(key, f"{key} '{value}' is not one of {allowed}") from None


def _text_list(data: Mapping[str, Any], key: str, ctx: _Context) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ctx.error(key, f"{key} must be a list of non-empty text, got {value!r}")
    return tuple(v.strip() for v in value)


def _minutes(data: Mapping[str, Any], kind: Kind, ctx: _Context) -> int | None:
    if "estimated_minutes" not in data:
        return None
    value = data["estimated_minutes"]
    if not kind.is_procedure:
        raise ctx.error("estimated_minutes", "estimated_minutes is for procedures (SOP, MOP, EOP)")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ctx.error(
            "estimated_minutes", f"estimated_minutes must be a whole number > 0, got {value!r}"
        )
    return value
