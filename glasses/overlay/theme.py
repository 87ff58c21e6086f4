"""Colours and sizes of the overlay, tuned for a small see-through display.

Sizes are given for a 720-pixel-high frame and scaled to the real height, so
text stays the same share of the wearer's view at any resolution.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from glasses.overlay.view import ListenState, Severity

Color = tuple[int, int, int]  # BGR

WHITE: Color = (255, 255, 255)
SOFT_WHITE: Color = (225, 225, 225)
GREY: Color = (150, 150, 150)
DIM: Color = (110, 110, 110)
PANEL_BG: Color = (18, 18, 18)
AMBER: Color = (0, 190, 255)
RED: Color = (70, 70, 255)
GREEN: Color = (90, 220, 90)
CYAN: Color = (240, 220, 90)
BLUE: Color = (255, 160, 70)
BLACK: Color = (0, 0, 0)

LISTEN_COLORS: dict[ListenState, Color] = {
    ListenState.IDLE: GREY,
    ListenState.LISTENING: GREEN,
    ListenState.THINKING: AMBER,
    ListenState.SPEAKING: BLUE,
}
LISTEN_LABELS: dict[ListenState, str] = {
    ListenState.IDLE: "Say “Hey Jarvis”",
    ListenState.LISTENING: "Listening",
    ListenState.THINKING: "Thinking…",
    ListenState.SPEAKING: "Speaking",
}
ALERT_COLORS: dict[Severity, Color] = {
    Severity.INFO: (150, 90, 20),
    Severity.WARNING: (0, 120, 200),
    Severity.CRITICAL: (30, 30, 200),
}


@functools.lru_cache(maxsize=4096)
def _px(v: float, scale: float) -> int:
    return max(1, round(v * scale))


@dataclass(frozen=True)
class Theme:
    """Pixel sizes at a given frame height (reference: 720)."""

    scale: float = 1.0
    opacity: float = 0.72  # panel background opacity

    @classmethod
    def for_height(cls, height: int, opacity: float = 0.72) -> Theme:
        return cls(scale=height / 720.0, opacity=opacity)

    def px(self, v: float) -> int:
        return _px(v, self.scale)

    @property
    def pad(self) -> int:
        return self.px(14)

    @property
    def margin(self) -> int:
        return self.px(12)

    @property
    def card_w(self) -> int:
        return self.px(440)

    @property
    def title(self) -> int:
        return self.px(20)

    @property
    def header(self) -> int:
        return self.px(24)

    @property
    def body(self) -> int:
        return self.px(28)

    @property
    def small(self) -> int:
        return self.px(21)
