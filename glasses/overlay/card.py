"""The anchored card: the current step, and the live readings of the tag in view."""

from __future__ import annotations

import functools

from glasses.overlay.geometry import Rect
from glasses.overlay.layout import Column
from glasses.overlay.paint import Painter
from glasses.overlay.text import ellipsize, line_height, text_width
from glasses.overlay.theme import (
    AMBER,
    BLACK,
    CYAN,
    DIM,
    GREEN,
    GREY,
    RED,
    SOFT_WHITE,
    WHITE,
    Color,
    Theme,
)
from glasses.overlay.view import Offline, OverlayView, ReadingView, Trend

MAX_STEP_LINES = 8
MAX_CAUTIONS = 2  # cautions listed before "+N more"
MAX_WARNINGS = 1  # procedure warnings listed on the card before "+N more"
MAX_READINGS = 4


def step_column(view: OverlayView, theme: Theme) -> Column:
    """Procedure title, "Step i of n" with progress, step text, hold point, expectations."""
    col = Column(theme.card_w, theme)
    if view.procedure_title:
        col.lines([ellipsize(view.procedure_title, col.inner, theme.title, 500)],
                  theme.title, GREY, 500)
    col.lines([f"Step {view.step_index} of {view.step_total}"], theme.header, WHITE, 700)
    bar_h = theme.px(7)
    done = view.step_index / view.step_total
    col.space(theme.px(3))
    col.custom(bar_h + theme.px(8), lambda p, top: _progress(p, theme, col.inner, top, bar_h,
                                                             done))
    col.para(view.step_text, theme.body, WHITE, 600, MAX_STEP_LINES)
    if view.hold_point:
        col.space(theme.px(4))
        col.custom(theme.small + theme.px(14), lambda p, top: _badge(p, theme, top, "HOLD POINT",
                                                                    AMBER))
        col.para(view.hold_point, theme.small, SOFT_WHITE, 400, 2)
        col.para("Say “confirm” to continue.", theme.small, AMBER, 400, 1)
    if view.expected:
        col.space(theme.px(4))
        col.labelled("Expect", view.expected, theme.small, CYAN, 2)
    _notes(col, "CAUTION", view.cautions, AMBER, theme, MAX_CAUTIONS, "more cautions")
    _notes(col, "WARNING", view.warnings, RED, theme, MAX_WARNINGS,
           "more: say “read the warnings”")
    return col


def _notes(col: Column, label: str, notes: tuple[str, ...], color: Color, theme: Theme,
           shown: int, more: str) -> None:
    if not notes:
        return
    col.space(theme.px(4))
    for note in notes[:shown]:
        col.labelled(label, note, theme.small, color, 3)
    if len(notes) > shown:
        text = ellipsize(f"+{len(notes) - shown} {more}", col.inner, theme.small, 400)
        col.lines([text], theme.small, color)


def _progress(p: Painter, theme: Theme, width: int, top: int, h: int, done: float) -> None:
    x = theme.pad
    p.rect(Rect(x, top, width, h), DIM)
    p.rect(Rect(x, top, max(h, int(width * done)), h), GREEN)


def _badge(p: Painter, theme: Theme, top: int, text: str, color: Color) -> None:
    size = theme.small
    w = text_width(text, size, 700) + 2 * theme.px(8)
    p.rect(Rect(theme.pad, top, w, size + theme.px(10)), color)
    p.text(text, theme.pad + theme.px(8), top + size + theme.px(3), size, BLACK, 700)


def readings_column(readings: tuple[ReadingView, ...], offline: bool, theme: Theme) -> Column:
    """One row per reading: name, value and unit, trend arrow, age; greyed when stale."""
    col = Column(theme.card_w, theme)
    title = "LAST KNOWN READINGS (offline)" if offline else "LIVE READINGS"
    col.lines([title], theme.small, GREY, 700)
    row_h = line_height(theme.body)
    for r in readings[:MAX_READINGS]:
        col.custom(row_h, functools.partial(_reading_row, theme=theme, width=col.inner,
                                            reading=r, offline=offline))
    if len(readings) > MAX_READINGS:
        col.lines([f"+{len(readings) - MAX_READINGS} more"], theme.small, GREY)
    return col


def _reading_row(p: Painter, top: int, *, theme: Theme, width: int, reading: ReadingView,
                 offline: bool) -> None:
    r = reading
    grey = r.stale or offline
    main, soft = (DIM, DIM) if grey else (WHITE, SOFT_WHITE)
    base = top + theme.body
    age = format_age(r.age_s) + (" stale" if r.stale else "")
    age_w = text_width(age, theme.small, 400)
    value = f"{r.value:g} {r.unit}"
    value_w = text_width(value, theme.body, 700)
    arrow = theme.px(22)
    right = theme.pad + width
    p.text(age, right - age_w, base, theme.small, soft, 400)
    ax = right - age_w - theme.px(10) - arrow
    _arrow(p, r.trend, ax, base - theme.body * 0.4, arrow, AMBER if not grey else DIM)
    vx = ax - theme.px(8) - value_w
    p.text(value, vx, base, theme.body, main, 700)
    name_w = vx - theme.pad - theme.px(8)
    p.text(ellipsize(r.point.replace("_", " "), name_w, theme.small, 400), theme.pad, base,
           theme.small, soft, 400)


def _arrow(p: Painter, trend: Trend, x: float, cy: float, size: int, color: Color) -> None:
    h = size / 2.0
    if trend is Trend.UP:
        p.polygon([(x, cy + h * 0.8), (x + size, cy + h * 0.8), (x + h, cy - h * 0.9)], color)
    elif trend is Trend.DOWN:
        p.polygon([(x, cy - h * 0.8), (x + size, cy - h * 0.8), (x + h, cy + h * 0.9)], color)
    else:
        t = max(2.0, size / 7.0)
        p.polygon([(x, cy - t), (x + size * 0.55, cy - t), (x + size * 0.55, cy - h * 0.7),
                   (x + size, cy), (x + size * 0.55, cy + h * 0.7), (x + size * 0.55, cy + t),
                   (x, cy + t)], color)


def format_age(seconds: float) -> str:
    """Short human age: "4 s", "12 min", "3 h", "2 d"."""
    s = max(0.0, seconds)
    if s < 60:
        return f"{int(s)} s"
    if s < 3600:
        return f"{int(s // 60)} min"
    if s < 86400:
        return f"{int(s // 3600)} h"
    return f"{int(s // 86400)} d"


def is_offline(view: OverlayView) -> bool:
    return isinstance(view.connectivity, Offline)
