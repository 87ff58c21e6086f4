"""Axis-aligned rectangles in pixel coordinates (x right, y down)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """A rectangle covering pixels x..x+w-1, y..y+h-1."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x2(self) -> int:
        return self.x + self.w

    @property
    def y2(self) -> int:
        return self.y + self.h

    @property
    def area(self) -> int:
        return max(self.w, 0) * max(self.h, 0)

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2.0, self.y + self.h / 2.0)

    def intersects(self, other: Rect) -> bool:
        """True when the two rectangles share at least one pixel."""
        return (
            self.x < other.x2 and other.x < self.x2 and self.y < other.y2 and other.y < self.y2
        )

    def contains(self, other: Rect) -> bool:
        """True when ``other`` lies fully inside this rectangle."""
        return (
            other.x >= self.x and other.y >= self.y and other.x2 <= self.x2 and other.y2 <= self.y2
        )

    def inflate(self, d: int) -> Rect:
        """Grow by ``d`` pixels on every side (shrink when negative)."""
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def moved(self, x: int, y: int) -> Rect:
        return Rect(x, y, self.w, self.h)

    def clipped(self, bounds: Rect) -> Rect:
        """The part inside ``bounds`` (zero-sized when disjoint)."""
        x1, y1 = max(self.x, bounds.x), max(self.y, bounds.y)
        x2, y2 = min(self.x2, bounds.x2), min(self.y2, bounds.y2)
        return Rect(x1, y1, max(0, x2 - x1), max(0, y2 - y1))

    def as_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}


def bounding_rect(points: Iterable[tuple[float, float]]) -> Rect:
    """The smallest integer rectangle containing every point."""
    pts = list(points)
    if not pts:
        raise ValueError("bounding_rect needs at least one point")
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x1, y1 = int(min(xs)), int(min(ys))
    x2, y2 = int(max(xs)) + 1, int(max(ys)) + 1
    return Rect(x1, y1, x2 - x1, y2 - y1)
