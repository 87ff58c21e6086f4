"""Screen-fixed panels: connectivity, alert banner, listening state, caption, answer."""

from __future__ import annotations

from glasses.overlay.card import format_age
from glasses.overlay.layout import Column
from glasses.overlay.paint import Painter
from glasses.overlay.text import ellipsize, line_height, text_width
from glasses.overlay.theme import (
    ALERT_COLORS,
    AMBER,
    CYAN,
    GREEN,
    GREY,
    LISTEN_COLORS,
    LISTEN_LABELS,
    SOFT_WHITE,
    WHITE,
    Theme,
)
from glasses.overlay.view import AlertView, ListenState, Offline, Online


def online_column(c: Online, theme: Theme) -> Column:
    """A small "● ONLINE · gateway" pill."""
    size = theme.small
    label = "ONLINE · "
    name = ellipsize(c.gateway_name, theme.px(220), size, 400)
    dot = theme.px(7)
    width = theme.pad * 2 + 2 * dot + theme.px(8) + text_width(label, size, 700) + text_width(
        name, size, 400)
    col = Column(width, theme)

    def row(p: Painter, top: int) -> None:
        cy = top + size * 0.62
        p.circle((theme.pad + dot, cy), dot, GREEN)
        x = theme.pad + 2 * dot + theme.px(8)
        p.text(label, x, top + size, size, GREEN, 700)
        p.text(name, x + text_width(label, size, 700), top + size, size, SOFT_WHITE, 400)

    col.custom(line_height(size), row)
    return col


def offline_column(c: Offline, theme: Theme) -> Column:
    """The prominent OFFLINE MODE panel: last sync, what works, what needs the gateway."""
    col = Column(theme.px(400), theme, border=AMBER, opacity=min(0.85, theme.opacity + 0.1))
    col.lines(["OFFLINE MODE"], theme.header, AMBER, 800)
    synced = ("Never synced with a gateway" if c.since_last_sync is None
              else f"Last sync {format_age(c.since_last_sync)} ago")
    col.lines([synced], theme.small, SOFT_WHITE)
    col.space(theme.px(4))
    col.labelled("Works:", ", ".join(c.works_offline), theme.small, GREEN, 3)
    col.labelled("Needs gateway:", ", ".join(c.needs_gateway), theme.small, GREY, 3)
    return col


def alert_column(alerts: tuple[AlertView, ...], width: int, theme: Theme) -> Column:
    """The first alert loud and clear, with a count of the others."""
    first = alerts[0]
    col = Column(width, theme, bg=ALERT_COLORS[first.severity], opacity=0.9)
    head = f"ALERT · {first.equipment_tag}"
    if len(alerts) > 1:
        head += f"   (+{len(alerts) - 1} more)"
    col.lines([ellipsize(head, col.inner, theme.header, 800)], theme.header, WHITE, 800)
    col.para(first.message, theme.small, WHITE, 600, 2)
    return col


def status_column(state: ListenState, theme: Theme) -> Column:
    """The listening indicator: a coloured dot (ringed while listening) and its label."""
    size = theme.small
    label = LISTEN_LABELS[state]
    dot = theme.px(9)
    width = theme.pad * 2 + 2 * dot + theme.px(10) + text_width(label, size, 700)
    col = Column(width, theme)
    color = LISTEN_COLORS[state]

    def row(p: Painter, top: int) -> None:
        center = (theme.pad + dot, top + size * 0.62)
        if state is ListenState.LISTENING:
            p.circle(center, dot, color, theme.px(3))
            p.circle(center, max(1, dot // 2), color)
        else:
            p.circle(center, dot, color)
        p.text(label, theme.pad + 2 * dot + theme.px(10), top + size, size, color, 700)

    col.custom(line_height(size), row)
    return col


def caption_column(caption: str, max_w: int, theme: Theme) -> Column:
    """The last transcript, quoted, at most two lines (the end is kept visible)."""
    size = theme.small
    text = f"“{caption.strip()}”"
    width = min(max_w, text_width(text, size, 400) + 2 * theme.pad)
    col = Column(width, theme)
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < 2:  # fill from the end: the latest words matter most
        line: list[str] = []
        while words and text_width(" ".join([words[-1], *line]), size, 400) <= col.inner:
            line.insert(0, words.pop())
        if not line:
            line = [ellipsize(words.pop(), col.inner, size, 400)]
        lines.insert(0, " ".join(line))
    if words:
        lines[0] = ellipsize("…" + lines[0], col.inner, size, 400)
    col.lines(lines, size, SOFT_WHITE)
    return col


def answer_column(answer: str, max_w: int, theme: Theme) -> Column:
    """A short spoken answer, at most three lines."""
    size = theme.small + theme.px(2)
    width = min(max_w, text_width(answer, size, 500) + 2 * theme.pad)
    col = Column(max(width, theme.px(120)), theme, border=CYAN)
    col.para(answer, size, WHITE, 500, 3)
    return col

