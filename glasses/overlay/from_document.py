"""Building an :class:`OverlayView` from a parsed procedure document.

Duck-typed on purpose: anything shaped like ``protocol.procedure.Document``
(``title``, ``warnings``, ``steps`` of ``number``/``text``/``hold``/``expected``/
``cautions``) works, so the overlay itself never depends on the parser.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from glasses.overlay.view import OverlayView


class ExpectedLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def unit(self) -> str: ...


class StepLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def hold(self) -> str | None: ...
    @property
    def expected(self) -> ExpectedLike | None: ...
    @property
    def cautions(self) -> tuple[str, ...]: ...


class DocumentLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def steps(self) -> Sequence[StepLike]: ...


def expected_text(expected: ExpectedLike) -> str:
    """``"discharge pressure 250–450 psig"``."""
    return f"{expected.name.replace('_', ' ')} {expected.low:g}–{expected.high:g} {expected.unit}"


def step_view(document: DocumentLike, number: int,
              base: OverlayView | None = None) -> OverlayView:
    """``base`` (or a blank view) showing step ``number`` (1-based) of ``document``."""
    steps = document.steps
    if not steps:
        raise ValueError(f"{document.id} has no steps")
    if not 1 <= number <= len(steps):
        raise ValueError(f"{document.id} has steps 1..{len(steps)}, not {number}")
    step = steps[number - 1]
    return dataclasses.replace(
        base or OverlayView(),
        procedure_title=document.title,
        step_index=number,
        step_total=len(steps),
        step_text=step.text,
        hold_point=step.hold,
        expected=expected_text(step.expected) if step.expected is not None else None,
        cautions=tuple(step.cautions),
        warnings=tuple(document.warnings),
    )
