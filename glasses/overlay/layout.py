"""A top-to-bottom panel layout: measure first, paint later.

Panels are described as a :class:`Column` of draw operations; its height is
known before anything is drawn, so the anchor can size the card and the
renderer can paint it into a sprite of exactly that size (or straight onto a
frame, for the benchmark's raw-draw baseline).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from glasses.overlay.geometry import Rect
from glasses.overlay.paint import Painter, Sprite
from glasses.overlay.text import ellipsize, line_height, text_width, wrap
from glasses.overlay.theme import PANEL_BG, Color, Theme

Op = Callable[[Painter], None]


def _text(text: str, x: int, baseline: int, size: int, color: Color, weight: int,
          painter: Painter) -> None:
    painter.text(text, x, baseline, size, color, weight)


@dataclass
class Column:
    """Draw operations stacked downwards inside a padded panel."""

    width: int
    theme: Theme
    border: Color | None = None
    opacity: float | None = None  # panel opacity (theme default when None)
    bg: Color = PANEL_BG
    ops: list[Op] = field(default_factory=list)
    y: int = 0

    def __post_init__(self) -> None:
        self.y = self.theme.pad

    @property
    def inner(self) -> int:
        """Usable width between the paddings."""
        return self.width - 2 * self.theme.pad

    @property
    def height(self) -> int:
        return self.y + self.theme.pad

    def space(self, px: int) -> None:
        self.y += px

    def lines(self, lines: list[str], size: int, color: Color, weight: int = 400,
              indent: int = 0) -> None:
        x = self.theme.pad + indent
        for line in lines:
            fitted = ellipsize(line, self.inner - indent, size, weight)  # never past the edge
            self.ops.append(functools.partial(_text, fitted, x, self.y + size, size, color,
                                              weight))
            self.y += line_height(size)

    def para(self, text: str, size: int, color: Color, weight: int = 400,
             max_lines: int = 2, indent: int = 0) -> None:
        """Wrapped text; overflow ends with an ellipsis."""
        self.lines(wrap(text, self.inner - indent, size, weight, max_lines), size, color,
                   weight, indent)

    def labelled(self, label: str, text: str, size: int, color: Color,
                 max_lines: int = 2) -> None:
        """A bold label in ``color`` with wrapped text continuing on the same line."""
        pad = self.theme.pad
        lw = text_width(label + " ", size, 700)
        words = text.split()
        head: list[str] = []
        while words and text_width(" ".join([*head, words[0]]), size, 400) <= self.inner - lw:
            head.append(words.pop(0))
        first = " ".join(head)
        if words and max_lines <= 1:
            first = ellipsize(" ".join([first, *words]).strip(), self.inner - lw, size, 400)
            words = []
        base = self.y + size
        self.ops.append(lambda p: p.text(label, pad, base, size, color, 700))
        self.ops.append(lambda p: p.text(first, pad + lw, base, size, color, 400))
        self.y += line_height(size)
        if words:
            self.para(" ".join(words), size, color, 400, max_lines - 1)

    def custom(self, height: int, op: Callable[[Painter, int], None]) -> None:
        """A free-form row of ``height`` px; ``op`` gets the row's top y."""
        top = self.y
        self.ops.append(lambda p: op(p, top))
        self.y += height

    def paint(self, painter: Painter) -> None:
        opacity = self.theme.opacity if self.opacity is None else self.opacity
        border_px = self.theme.px(2) if self.border is not None else 0
        painter.panel(Rect(0, 0, self.width, self.height), self.bg, opacity, self.border,
                      border_px)
        for op in self.ops:
            op(painter)

    def sprite(self) -> Sprite:
        sprite = Sprite.blank(self.width, self.height)
        self.paint(sprite.painter())
        return sprite
