"""Drawing panels once into cached sprites, and blending sprites onto frames.

A :class:`Painter` issues each OpenCV draw call on a colour image and, when
painting a sprite, again on its transparency image. Painting is premultiplied
from the start: a translucent panel is filled with ``bg × opacity`` (its
transparency with ``255 × (1 − opacity)``) and opaque marks are drawn over it,
so OpenCV's own anti-aliasing yields exact premultiplied colour and
transparency with no per-pixel post-processing. Blending a :class:`Sprite`
onto a frame is then two saturating SIMD passes over the panel's pixels only:
``roi = roi × transparency / 255 + premultiplied``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from glasses.overlay.geometry import Rect
from glasses.overlay.text import font

Color = tuple[int, int, int]


class Painter:
    """Draws on ``color`` (and mirrors coverage onto ``transparency`` when given).

    Coordinates are relative to ``origin`` so the same panel code paints a
    sprite (origin 0, 0) or straight onto a frame (origin = panel position).
    Straight onto a frame, panel backgrounds are blended translucently by
    default, or filled opaque with ``opaque=True`` (the benchmark's raw
    draw-call baseline).
    """

    def __init__(self, color: np.ndarray, transparency: np.ndarray | None = None,
                 origin: tuple[int, int] = (0, 0), opaque: bool = False) -> None:
        self.color = color
        self.transparency = transparency
        self.ox, self.oy = origin
        self.opaque = opaque

    def _p(self, x: float, y: float) -> tuple[int, int]:
        return (round(x + self.ox), round(y + self.oy))

    def panel(self, rect: Rect, bg: Color, opacity: float, border: Color | None = None,
              border_px: int = 0) -> None:
        """A translucent background (or an opaque one, see the class)."""
        import cv2

        p1, p2 = self._p(rect.x, rect.y), self._p(rect.x2 - 1, rect.y2 - 1)
        if self.transparency is None and self.opaque:
            cv2.rectangle(self.color, p1, p2, bg, -1)
        elif self.transparency is None:
            _darken(self.color, Rect(p1[0], p1[1], rect.w, rect.h), bg, opacity)
        else:
            premultiplied = tuple(round(c * opacity) for c in bg)
            cv2.rectangle(self.color, p1, p2, premultiplied, -1)
            see_through = round(255 * (1.0 - opacity))
            cv2.rectangle(self.transparency, p1, p2, (see_through,) * 3, -1)
        if border is not None and border_px > 0:
            self.rect(rect, border, border_px)

    def rect(self, rect: Rect, color: Color, thickness: int = -1) -> None:
        import cv2

        p1, p2 = self._p(rect.x, rect.y), self._p(rect.x2 - 1, rect.y2 - 1)
        if thickness > 0:  # keep the outline inside the rectangle
            h = thickness // 2
            p1, p2 = (p1[0] + h, p1[1] + h), (p2[0] - h, p2[1] - h)
        cv2.rectangle(self.color, p1, p2, color, thickness)
        if self.transparency is not None:
            cv2.rectangle(self.transparency, p1, p2, OPAQUE, thickness)

    def circle(self, center: tuple[float, float], radius: int, color: Color,
               thickness: int = -1) -> None:
        import cv2

        c = self._p(*center)
        cv2.circle(self.color, c, radius, color, thickness, cv2.LINE_AA)
        if self.transparency is not None:
            cv2.circle(self.transparency, c, radius, OPAQUE, thickness, cv2.LINE_AA)

    def polygon(self, points: Sequence[tuple[float, float]], color: Color) -> None:
        import cv2

        pts = np.array([self._p(x, y) for x, y in points], dtype=np.int32)
        cv2.fillPoly(self.color, [pts], color, cv2.LINE_AA)
        if self.transparency is not None:
            cv2.fillPoly(self.transparency, [pts], OPAQUE, cv2.LINE_AA)

    def text(self, text: str, x: float, baseline: float, size: int, color: Color,
             weight: int = 400) -> None:
        """``text`` with its baseline at ``baseline``, starting at ``x``."""
        import cv2

        if not text:
            return
        org = self._p(x, baseline)
        cv2.putText(self.color, text, org, color, font(), size, weight)
        if self.transparency is not None:
            cv2.putText(self.transparency, text, org, OPAQUE, font(), size, weight)


OPAQUE: Color = (0, 0, 0)  # transparency of opaque marks


def _darken(frame: np.ndarray, rect: Rect, bg: Color, opacity: float) -> None:
    """``frame[rect] = frame × (1 − opacity) + bg × opacity`` in place (clipped)."""
    import cv2

    h, w = frame.shape[:2]
    r = rect.clipped(Rect(0, 0, w, h))
    if r.area == 0:
        return
    roi = frame[r.y : r.y2, r.x : r.x2]
    if bg[0] == bg[1] == bg[2]:  # grey: one SIMD pass (scalar cv2.multiply is far slower)
        cv2.convertScaleAbs(roi, dst=roi, alpha=1.0 - opacity, beta=bg[0] * opacity)
    else:
        solid = np.empty_like(roi)
        solid[:] = bg
        cv2.addWeighted(roi, 1.0 - opacity, solid, opacity, 0.0, dst=roi)


@dataclass(frozen=True)
class Sprite:
    """A painted panel, premultiplied and ready to blend."""

    premultiplied: np.ndarray  # h×w×3 uint8: colour × opacity
    transparency: np.ndarray  # h×w×3 uint8: 255 × (1 − opacity)

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.premultiplied.shape[:2]
        return (w, h)

    @classmethod
    def blank(cls, w: int, h: int) -> Sprite:
        """Fully transparent layers to paint on."""
        return cls(np.zeros((h, w, 3), np.uint8), np.full((h, w, 3), 255, np.uint8))

    def painter(self) -> Painter:
        return Painter(self.premultiplied, self.transparency)

    def blend_onto(self, frame: np.ndarray, x: int, y: int) -> Rect:
        """Composite onto ``frame`` with its top-left at (x, y); returns the area touched."""
        import cv2

        fh, fw = frame.shape[:2]
        w, h = self.size
        area = Rect(x, y, w, h).clipped(Rect(0, 0, fw, fh))
        if area.area == 0:
            return area
        sx, sy = area.x - x, area.y - y
        roi = frame[area.y : area.y2, area.x : area.x2]
        see = self.transparency[sy : sy + area.h, sx : sx + area.w]
        pre = self.premultiplied[sy : sy + area.h, sx : sx + area.w]
        cv2.multiply(roi, see, dst=roi, scale=1.0 / 255.0)
        cv2.add(roi, pre, dst=roi)
        return area
