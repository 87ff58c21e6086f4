"""The Markdown body of a knowledge document: sections, warnings, tools and steps."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from protocol.procedure_reading import UNITS, ExpectedReading
from protocol.procedure_types import DocumentError, Kind, Section, Step

_HEADING = re.compile(r"##(?:\s+(.*?))?\s*#*\s*")
_BULLET = re.compile(r"[-*]\s+(\S.*)")
_CONTINUATION = re.compile(r"(\s{2,})(\S.*)")
_STEP = re.compile(r"(\d+)\.\s+(\S.*)")
_ATTRIBUTE = re.compile(r"(\s{2,})[-*]\s+(.*)")
_KEYED = re.compile(r"([A-Za-z]+):\s*(.*)")
_NUMBER = r"-?\d+(?:\.\d+)?"
_EXPECT = re.compile(rf"([a-z0-9_]+)\s+({_NUMBER})\s*\.\.\s*({_NUMBER})\s+(\S+)")
_ORDER = ("warnings", "tools", "steps")


@dataclass(frozen=True)
class Body:
    warnings: tuple[str, ...]
    tools: tuple[str, ...]
    steps: tuple[Step, ...]
    sections: tuple[Section, ...]


@dataclass
class _Raw:
    heading: str
    line: int  # 1-based line of the heading (first body line for the preamble)
    lines: list[tuple[int, str]] = field(default_factory=list)

    def section(self) -> Section:
        return Section(self.heading, "\n".join(t for _, t in self.lines).strip(), self.line)


def _split_sections(lines: Sequence[str], start: int, path: str) -> list[_Raw]:
    raws = [_Raw("", start + 1)]
    fenced = False
    for index in range(start, len(lines)):
        text, number = lines[index], index + 1
        if text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _HEADING.fullmatch(text)
        if heading is None:
            raws[-1].lines.append((number, text))
        elif not heading.group(1):
            raise DocumentError(path, number, "section heading '##' has no text")
        else:
            raws.append(_Raw(heading.group(1), number))
    return raws


def _check_order(raws: Sequence[_Raw], kind: Kind, path: str) -> None:
    seen: list[str] = []  # the Warnings/Tools/Steps headings met so far
    for raw in raws[1:]:
        name = raw.heading.casefold()
        if name not in _ORDER:
            if kind.is_procedure and "steps" not in seen:
                raise DocumentError(
                    path,
                    raw.line,
                    f"section '{raw.heading}' must come after '## Steps' "
                    "(a procedure has Warnings, Tools, Steps, then any other sections)",
                )
            continue
        if name in seen:
            raise DocumentError(path, raw.line, f"second '## {raw.heading}' section")
        if kind.is_procedure and seen and _ORDER.index(name) < _ORDER.index(seen[-1]):
            raise DocumentError(
                path, raw.line, f"'## {raw.heading}' must come before '## {seen[-1].title()}'"
            )
        seen.append(name)
    if kind.is_procedure and "steps" not in seen:
        raise DocumentError(path, 1, f"a {kind.value} procedure needs a '## Steps' section")


def _bullets(raw: _Raw, path: str) -> tuple[str, ...]:
    items: list[list[str]] = []
    for number, text in raw.lines:
        bullet = _BULLET.fullmatch(text.rstrip())
        more = _CONTINUATION.fullmatch(text.rstrip())
        if bullet is not None:
            items.append([bullet.group(1)])
        elif more is not None and items:
            items[-1].append(more.group(2))
        elif text.strip():
            raise DocumentError(
                path, number, f"## {raw.heading}: expected a '- ' bullet, got {text.strip()!r}"
            )
    if not items:
        raise DocumentError(path, raw.line, f"'## {raw.heading}' has no bullets")
    return tuple(" ".join(parts) for parts in items)


@dataclass
class _Draft:
    number: int
    line: int
    text: list[str]
    hold: list[str] | None = None
    expected: ExpectedReading | None = None
    cautions: list[list[str]] = field(default_factory=list)
    last: list[str] | None = None  # the attribute text a continuation line extends
    indent: int = 0  # indentation of the last attribute bullet

    def step(self) -> Step:
        hold = None if self.hold is None else " ".join(self.hold)
        cautions = tuple(" ".join(c) for c in self.cautions)
        return Step(self.number, " ".join(self.text), hold, self.expected, cautions, self.line)


def _expectation(value: str, draft: _Draft, path: str, number: int) -> ExpectedReading:
    match = _EXPECT.fullmatch(value)
    if match is None:
        raise DocumentError(
            path,
            number,
            f"step {draft.number}: expect must be 'NAME LOW..HIGH UNIT', got {value!r}",
        )
    name, low, high, unit = match.groups()
    if unit not in UNITS:
        raise DocumentError(
            path, number, f"step {draft.number}: unit '{unit}' is not one of {', '.join(UNITS)}"
        )
    try:
        return ExpectedReading(name, float(low), float(high), unit)
    except ValueError as exc:
        raise DocumentError(path, number, f"step {draft.number}: expect: {exc}") from None


def _attribute(draft: _Draft, indent: int, content: str, path: str, number: int) -> None:
    keyed = _KEYED.fullmatch(content.strip())
    key = "" if keyed is None else keyed.group(1).lower()
    if keyed is None or key not in ("hold", "expect", "caution"):
        raise DocumentError(
            path,
            number,
            f"step {draft.number}: a bullet under a step must be 'hold:', 'expect:' "
            f"or 'caution:', got {content.strip()!r}",
        )
    value = keyed.group(2).strip()
    if not value:
        raise DocumentError(path, number, f"step {draft.number}: empty '{key}:'")
    draft.indent, draft.last = indent, None
    if key == "hold":
        if draft.hold is not None:
            raise DocumentError(path, number, f"step {draft.number} has a second hold point")
        draft.hold = draft.last = [value]
    elif key == "caution":
        draft.last = [value]
        draft.cautions.append(draft.last)
    else:
        if draft.expected is not None:
            raise DocumentError(path, number, f"step {draft.number} has a second expect")
        draft.expected = _expectation(value, draft, path, number)


def _continue(draft: _Draft, indent: int, text: str, path: str, number: int) -> None:
    if draft.indent == 0:
        draft.text.append(text)
    elif draft.last is not None and indent > draft.indent:
        draft.last.append(text)
    else:
        raise DocumentError(
            path,
            number,
            f"step {draft.number}: text after a step's bullets must be indented under "
            f"a hold: or caution: bullet, got {text!r}",
        )


def _steps(raw: _Raw, path: str) -> tuple[Step, ...]:
    drafts: list[_Draft] = []
    for number, line in raw.lines:
        text = line.rstrip()
        step = _STEP.fullmatch(text)
        attribute = _ATTRIBUTE.fullmatch(text)
        more = _CONTINUATION.fullmatch(text)
        if step is not None:
            value, previous = int(step.group(1)), len(drafts)
            if value != previous + 1:
                where = f"follows step {previous}" if drafts else "is the first step; start at 1"
                raise DocumentError(path, number, f"step {value} {where}")
            drafts.append(_Draft(value, number, [step.group(2)]))
        elif drafts and attribute is not None:
            _attribute(drafts[-1], len(attribute.group(1)), attribute.group(2), path, number)
        elif drafts and more is not None:
            _continue(drafts[-1], len(more.group(1)), more.group(2), path, number)
        elif text:
            raise DocumentError(
                path, number, f"## Steps: expected a numbered step like '1. ...', got {text!r}"
            )
    if not drafts:
        raise DocumentError(path, raw.line, "'## Steps' has no numbered steps")
    return tuple(d.step() for d in drafts)


def parse(lines: Sequence[str], start: int, kind: Kind, path: str) -> Body:
    """Parse the body: ``lines`` is the whole file, the body begins at index ``start``."""
    raws = _split_sections(lines, start, path)
    _check_order(raws, kind, path)
    by_name = {raw.heading.casefold(): raw for raw in raws[1:]}
    warnings = by_name.get("warnings")
    tools = by_name.get("tools") if kind.is_procedure else None
    steps = by_name.get("steps") if kind.is_procedure else None
    raws[0].lines = [(n, t) for n, t in raws[0].lines if not t.startswith("# ")]
    preamble = raws[0].section()  # text before the first "##", without the "# Title"
    sections = ((preamble,) if preamble.text else ()) + tuple(r.section() for r in raws[1:])
    return Body(
        warnings=() if warnings is None else _bullets(warnings, path),
        tools=() if tools is None else _bullets(tools, path),
        steps=() if steps is None else _steps(steps, path),
        sections=sections,
    )
