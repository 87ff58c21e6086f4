"""Drawing panels once into cached sprites, and blending sprites onto frames.

A :class:`Painter` issues each OpenCV draw call on a colour image and, when
painting a sprite, again on its coverage (alpha) image, so anti-aliased edges
blend correctly. :class:`Sprite` keeps the result premultiplied, so blending it
onto a frame is two saturating SIMD passes over the panel's pixels only:
``roi = roi * (255 - alpha) / 255 + premultiplied``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from glasses.overlay.geometry import Rect
from glasses.overlay.text import font

Color = tuple[int, int, int]


class Painter:
    """Draws on ``color`` (and mirrors opacity onto ``alpha`` when given).

    Coordinates are relative to ``origin`` so the same panel code paints a
    sprite (origin 0, 0) or straight onto a frame (origin = panel position),
    which is how the benchmark measures the raw draw-call cost.
    """

    def __init__(self, color: np.ndarray, alpha: np.ndarray | None = None,
                 origin: tuple[int, int] = (0, 0)) -> None:
        self.color = color
        self.alpha = alpha
        self.ox, self.oy = origin

    def _p(self, x: float, y: float) -> tuple[int, int]:
        return (int(round(x + self.ox)), int(round(y + self.oy)))

    def panel(self, rect: Rect, bg: Color, opacity: float, border: Color | None = None,
              border_px: int = 0) -> None:
        """A translucent background (opaque when painting straight onto a frame)."""
        import cv2

        p1, p2 = self._p(rect.x, rect.y), self._p(rect.x2 - 1, rect.y2 - 1)
        cv2.rectangle(self.color, p1, p2, bg, -1)
        if self.alpha is not None:
            cv2.rectangle(self.alpha, p1, p2, int(round(opacity * 255)), -1)
        if border is not None and border_px > 0:
            self.rect(rect, border, border_px)

    def rect(self, rect: Rect, color: Color, thickness: int = -1) -> None:
        import cv2

        p1, p2 = self._p(rect.x, rect.y), self._p(rect.x2 - 1, rect.y2 - 1)
        if thickness > 0:  # keep the outline inside the rectangle
            h = thickness // 2
            p1, p2 = (p1[0] + h, p1[1] + h), (p2[0] - h, p2[1] - h)
        cv2.rectangle(self.color, p1, p2, color, thickness)
        if self.alpha is not None:
            cv2.rectangle(self.alpha, p1, p2, 255, thickness)

    def circle(self, center: tuple[float, float], radius: int, color: Color,
               thickness: int = -1) -> None:
        import cv2

        c = self._p(*center)
        cv2.circle(self.color, c, radius, color, thickness, cv2.LINE_AA)
        if self.alpha is not None:
            cv2.circle(self.alpha, c, radius, 255, thickness, cv2.LINE_AA)

    def polygon(self, points: Sequence[tuple[float, float]], color: Color) -> None:
        import cv2

        pts = np.array([self._p(x, y) for x, y in points], dtype=np.int32)
        cv2.fillPoly(self.color, [pts], color, cv2.LINE_AA)
        if self.alpha is not None:
            cv2.fillPoly(self.alpha, [pts], 255, cv2.LINE_AA)

    def text(self, text: str, x: float, baseline: float, size: int, color: Color,
             weight: int = 400) -> None:
        """``text`` with its baseline at ``baseline``, starting at ``x``."""
        import cv2

        if not text:
            return
        org = self._p(x, baseline)
        cv2.putText(self.color, text, org, color, font(), size, weight)
        if self.alpha is not None:
            cv2.putText(self.alpha, text, org, 255, font(), size, weight)


@dataclass(frozen=True)
class Sprite:
    """A painted panel, premultiplied and ready to blend."""

    premultiplied: np.ndarray  # h×w×3 uint8: colour × alpha / 255
    inv_alpha: np.ndarray  # h×w×3 uint8: 255 − alpha

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.premultiplied.shape[:2]
        return (w, h)

    @classmethod
    def from_layers(cls, color: np.ndarray, alpha: np.ndarray) -> Sprite:
        import cv2

        alpha3 = cv2.merge([alpha, alpha, alpha])
        premultiplied = cv2.multiply(color, alpha3, scale=1.0 / 255.0)
        return cls(premultiplied, cv2.subtract(np.full_like(alpha3, 255), alpha3))

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
        inv = self.inv_alpha[sy : sy + area.h, sx : sx + area.w]
        pre = self.premultiplied[sy : sy + area.h, sx : sx + area.w]
        cv2.multiply(roi, inv, dst=roi, scale=1.0 / 255.0)
        cv2.add(roi, pre, dst=roi)
        return area


def new_layers(w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Blank colour and alpha layers for a ``w``×``h`` sprite."""
    return np.zeros((h, w, 3), np.uint8), np.zeros((h, w), np.uint8)
