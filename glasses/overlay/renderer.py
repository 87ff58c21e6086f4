"""Composes the overlay onto camera frames.

Panels are laid out and painted once per distinct content into cached sprites
(:mod:`glasses.overlay.paint`); each frame then only anchors the card and
blends the cached sprites over their own regions of the frame. A view
submitted with :meth:`OverlayRenderer.submit` before a frame is rendered is
what that frame shows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from glasses.overlay import card, hud
from glasses.overlay.anchor import Anchor, AnchorConfig, Placement
from glasses.overlay.geometry import Rect
from glasses.overlay.layout import Column
from glasses.overlay.paint import Painter, Sprite
from glasses.overlay.tags import Tag, primary_tag
from glasses.overlay.theme import CYAN, Theme
from glasses.overlay.view import Offline, Online, OverlayView


@dataclass(frozen=True)
class RenderConfig:
    """How the overlay looks."""

    opacity: float = 0.72  # panel background opacity (0 transparent … 1 opaque)
    outline_tag: bool = True  # outline the primary tag the card refers to
    cache_size: int = 48  # painted panels kept for reuse
    answer_s: float = 8.0  # seconds a spoken answer stays on screen
    anchor: AnchorConfig = field(default_factory=AnchorConfig)


class PanelSprite:
    """A panel drawn straight onto the frame when new, from a cached sprite once it stays.

    New content (a changed caption, the next step) costs one darkened
    rectangle plus the plain draw calls; content shown a second time is
    painted into a :class:`Sprite`, and from then on each frame only blends it.
    """

    def __init__(self, column: Column) -> None:
        self.column = column
        self._sprite: Sprite | None = None
        self._uses = 0

    @property
    def size(self) -> tuple[int, int]:
        return (self.column.width, self.column.height)

    def blend_onto(self, frame: np.ndarray, x: int, y: int) -> None:
        self._uses += 1
        if self._sprite is None and self._uses == 1:
            self.column.paint(Painter(frame, origin=(x, y)))
            return
        if self._sprite is None:
            self._sprite = self.column.sprite()
        self._sprite.blend_onto(frame, x, y)


@dataclass(frozen=True)
class Panel:
    """A painted panel and where it goes."""

    name: str
    column: Column
    sprite: PanelSprite
    x: int
    y: int

    @property
    def rect(self) -> Rect:
        w, h = self.sprite.size
        return Rect(self.x, self.y, w, h)


@dataclass(frozen=True)
class RenderResult:
    """What one frame showed."""

    view: OverlayView
    placement: Placement | None  # the card's placement; None when there is no card
    primary: Tag | None  # the tag the equipment lookup should use
    panels: tuple[Panel, ...]

    @property
    def card(self) -> Rect | None:
        return self.placement.rect if self.placement is not None else None


class OverlayRenderer:
    """Draws an :class:`OverlayView` onto frames, anchored to the tags in view."""

    def __init__(self, config: RenderConfig | None = None) -> None:
        self.config = config or RenderConfig()
        self.anchor = Anchor(self.config.anchor)
        self._view = OverlayView()
        self._lock = threading.Lock()
        self._answer: tuple[str, float] | None = None  # answer shown and since when
        self._cache: OrderedDict[Hashable, tuple[Column, PanelSprite]] = OrderedDict()  # LRU

    def submit(self, view: OverlayView) -> None:
        """Make ``view`` what the next rendered frame shows (thread-safe)."""
        with self._lock:
            self._view = view

    @property
    def view(self) -> OverlayView:
        with self._lock:
            return self._view

    def render(self, frame: np.ndarray, tags: Sequence[Tag], t: float,
               view: OverlayView | None = None) -> RenderResult:
        """Draw onto ``frame`` (BGR, in place) at time ``t`` seconds; returns what was drawn."""
        view = view if view is not None else self.view
        h, w = frame.shape[:2]
        theme = Theme.for_height(h, self.config.opacity)
        panels = self._hud(view, theme, w, h, self._answer_visible(view.answer, t))
        primary = primary_tag(tags, (w, h))
        placement = None
        if view.has_step or view.readings:
            placement = self.anchor.update(
                tags, lambda s: self._card_size(view, theme, s), (w, h), t,
                avoid=[p.rect for p in panels],
            )
            panels = self._card_panels(view, theme, placement) + panels
        if (self.config.outline_tag and placement is not None and placement.tag is not None
                and not placement.held):
            _outline(frame, placement.tag, theme)
        for panel in panels:
            panel.sprite.blend_onto(frame, panel.x, panel.y)
        return RenderResult(view, placement, primary, tuple(panels))

    def _answer_visible(self, answer: str | None, t: float) -> bool:
        """An answer shows for ``answer_s`` seconds from the first frame that had it."""
        if not answer:
            self._answer = None
            return False
        if self._answer is None or self._answer[0] != answer:
            self._answer = (answer, t)
        return t - self._answer[1] <= self.config.answer_s

    def _cached(self, key: Hashable, build: Callable[[], Column]) -> tuple[Column, PanelSprite]:
        """The panel for ``key``: laid out now if new, painted on first blend."""
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
            return entry
        column = build()
        entry = (column, PanelSprite(column))
        self._cache[key] = entry
        while len(self._cache) > self.config.cache_size:
            self._cache.popitem(last=False)
        return entry

    def _card_columns(self, view: OverlayView, theme: Theme,
                      scale: float) -> list[tuple[str, Column, PanelSprite]]:
        t = Theme(theme.scale * scale, theme.opacity)
        out = []
        if view.has_step:
            key: Hashable = ("step", t, view.procedure_title, view.step_index, view.step_total,
                   view.step_text, view.hold_point, view.expected, view.cautions, view.warnings)
            out.append(("step", *self._cached(key, lambda: card.step_column(view, t))))
        if view.readings:
            offline = isinstance(view.connectivity, Offline)
            key = ("readings", t, view.readings, offline)
            out.append(("readings", *self._cached(
                key, lambda: card.readings_column(view.readings, offline, t))))
        return out

    def _card_size(self, view: OverlayView, theme: Theme, scale: float) -> tuple[int, int]:
        cols = self._card_columns(view, theme, scale)
        gap = theme.px(6 * scale)
        return (max(c.width for _, c, _ in cols),
                sum(c.height for _, c, _ in cols) + gap * (len(cols) - 1))

    def _card_panels(self, view: OverlayView, theme: Theme,
                     placement: Placement) -> list[Panel]:
        y = placement.rect.y
        panels = []
        for name, col, sprite in self._card_columns(view, theme, placement.scale):
            panels.append(Panel(name, col, sprite, placement.rect.x, y))
            y += col.height + theme.px(6 * placement.scale)
        return panels

    def _hud(self, view: OverlayView, theme: Theme, w: int, h: int,
             show_answer: bool) -> list[Panel]:
        m = theme.margin
        conn = view.connectivity
        if isinstance(conn, Online):
            col, spr = self._cached(("online", theme, conn), lambda: hud.online_column(conn, theme))
        else:
            col, spr = self._cached(("offline", theme, conn),
                                     lambda: hud.offline_column(conn, theme))
        panels = [Panel("connectivity", col, spr, m, m)]
        if view.alerts:
            aw = min(int(w * 0.45), w - 3 * m - col.width)
            col_a, spr_a = self._cached(("alert", theme, view.alerts, aw),
                                         lambda: hud.alert_column(view.alerts, aw, theme))
            ax = max((w - aw) // 2, m + col.width + m)
            panels.append(Panel("alert", col_a, spr_a, ax, m))
        col_s, spr_s = self._cached(("status", theme, view.listening),
                                     lambda: hud.status_column(view.listening, theme))
        status = Panel("status", col_s, spr_s, m, h - m - col_s.height)
        panels.append(status)
        bottom = h - m
        max_w = min(int(w * 0.55), w - 2 * (status.rect.x2 + m))
        if view.caption.strip():
            col_c, spr_c = self._cached(("caption", theme, view.caption, max_w),
                                         lambda: hud.caption_column(view.caption, max_w, theme))
            panels.append(Panel("caption", col_c, spr_c, (w - col_c.width) // 2,
                                bottom - col_c.height))
            bottom -= col_c.height + m // 2
        if view.answer and show_answer:
            answer = view.answer
            col_n, spr_n = self._cached(("answer", theme, answer, max_w),
                                         lambda: hud.answer_column(answer, max_w, theme))
            panels.append(Panel("answer", col_n, spr_n, (w - col_n.width) // 2,
                                bottom - col_n.height))
        return panels


def _outline(frame: np.ndarray, tag: Tag, theme: Theme) -> None:
    import cv2

    pts = np.array(tag.corners, dtype=np.float32).reshape(-1, 1, 2)
    cv2.polylines(frame, [pts.astype(np.int32)], True, CYAN, theme.px(2), cv2.LINE_AA)
