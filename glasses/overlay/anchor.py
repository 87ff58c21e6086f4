"""Where the step card goes: beside the primary tag, never over it, always on screen.

Sides are tried in order (right, left, below, above) at shrinking scales; the
first card rectangle that lies fully on screen and clear of every tag wins.
The card follows the tag with exponential smoothing, changes side only after
the better side has stayed available for a few frames (hysteresis), holds its
place for a grace period when the tag drops out, and docks to a screen corner
when no tag is in view.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from glasses.overlay.geometry import Rect
from glasses.overlay.tags import Tag, primary_tag

SizeFn = Callable[[float], tuple[int, int]]  # card (w, h) at a scale


class Side(enum.Enum):
    RIGHT = "right"
    LEFT = "left"
    BELOW = "below"
    ABOVE = "above"
    DOCKED = "docked"


class Corner(enum.Enum):
    TOP_RIGHT = "top-right"
    TOP_LEFT = "top-left"
    BOTTOM_RIGHT = "bottom-right"
    BOTTOM_LEFT = "bottom-left"


@dataclass(frozen=True)
class AnchorConfig:
    """How the card is placed and how it follows the tag."""

    gap: int = 16  # pixels between the tag's box and the card
    margin: int = 8  # pixels kept free along the screen edges
    sides: tuple[Side, ...] = (Side.RIGHT, Side.LEFT, Side.BELOW, Side.ABOVE)  # tried in order
    scales: tuple[float, ...] = (1.0, 0.85, 0.7, 0.55)  # card shrink steps tried in order
    min_clear_scale: float = 0.7  # below this, overlapping another panel beats shrinking
    smoothing: float = 0.4  # fraction of the way to the target moved per frame (1 = jump)
    switch_frames: int = 6  # frames a better placement must persist before the card moves there
    grace_s: float = 0.5  # seconds the card stays put after its tag drops out
    dock: Corner = Corner.TOP_RIGHT  # corner the card docks to with no tag in view


@dataclass(frozen=True)
class Placement:
    """The card's rectangle this frame and what it is attached to."""

    rect: Rect
    side: Side
    scale: float
    tag: Tag | None  # the tag the card is beside (None when docked)
    held: bool = False  # the tag is out of view; the card keeps its place (grace period)
    covers_tag: bool = False  # no placement could avoid a tag (tag fills the screen)


Key = tuple[Side, float]


class Anchor:
    """Stateful placement of one card across frames."""

    def __init__(self, config: AnchorConfig | None = None) -> None:
        self.config = config or AnchorConfig()
        self._last: Placement | None = None
        self._last_tag_time: float | None = None
        self._pending: Key | None = None
        self._pending_frames = 0

    def reset(self) -> None:
        self._last = None
        self._last_tag_time = None
        self._pending, self._pending_frames = None, 0

    def update(
        self,
        tags: Sequence[Tag],
        card_size: SizeFn,
        frame_size: tuple[int, int],
        t: float,
        avoid: Sequence[Rect] = (),
    ) -> Placement:
        """The placement for a frame at time ``t`` (seconds) with ``tags`` in view.

        ``avoid`` are screen regions (other panels) the card should rather not
        cover; tags are never covered when any placement can avoid them.
        """
        w, h = frame_size
        screen = Rect(0, 0, w, h).inflate(-self.config.margin)
        blocked = [tag.bbox for tag in tags]
        primary = primary_tag(tags, frame_size)
        if primary is not None:
            self._last_tag_time = t
            placement = self._beside(primary, card_size, screen, blocked, avoid)
        elif self._holding(t):
            assert self._last is not None
            placement = Placement(self._last.rect, self._last.side, self._last.scale,
                                  self._last.tag, held=True)
        else:
            placement = self._docked(card_size, screen, blocked, avoid)
        placement = self._smoothed(placement, screen, blocked)
        self._last = placement
        return placement

    def _holding(self, t: float) -> bool:
        last = self._last
        return (
            last is not None
            and last.tag is not None
            and self._last_tag_time is not None
            and t - self._last_tag_time <= self.config.grace_s
        )

    def _beside(self, tag: Tag, size: SizeFn, screen: Rect, blocked: list[Rect],
                avoid: Sequence[Rect]) -> Placement:
        cands = self._candidates(tag.bbox, size, screen, blocked, avoid)
        if not cands:
            return self._docked(size, screen, blocked, avoid)
        best_key, best_rect = self._best(cands, avoid)
        key, rect = self._with_hysteresis(best_key, best_rect, {k: r for k, r, _ in cands})
        return Placement(rect, key[0], key[1], tag)

    def _best(self, cands: list[tuple[Key, Rect, bool]],
              avoid: Sequence[Rect]) -> tuple[Key, Rect]:
        """Clear of the panels at a readable scale; else the least overlap at a readable
        scale; else clear at any scale; else the first that fits."""
        floor = self.config.min_clear_scale
        readable = [c for c in cands if c[0][1] >= floor]
        for k, r, clear in readable:
            if clear:
                return k, r
        if readable:
            k, r, _ = min(readable, key=lambda c: sum(c[1].clipped(a).area for a in avoid))
            return k, r
        for k, r, clear in cands:
            if clear:
                return k, r
        return cands[0][0], cands[0][1]

    def _candidates(self, box: Rect, size: SizeFn, screen: Rect, blocked: list[Rect],
                    avoid: Sequence[Rect]) -> list[tuple[Key, Rect, bool]]:
        """Every (side, scale) whose card fits on screen clear of the tags.

        Each comes with a flag telling whether it also stays clear of ``avoid``;
        the card slides along its side to get clear when it can. Scales below the
        first readable clear spot (and below the current one) are not tried.
        """
        out: list[tuple[Key, Rect, bool]] = []
        last = self._last
        current = last.scale if last is not None and last.tag is not None else 0.0
        for scale in self.config.scales:
            if scale < current and any(ok and k[1] >= self.config.min_clear_scale
                                       for k, _, ok in out):
                break  # a readable clear spot is found: smaller cards are not needed
            cw, ch = size(scale)
            for side in self.config.sides:
                base = self._beside_rect(side, box, cw, ch, screen)
                options = [base, *self._slides(side, base, avoid)]
                fits = [r for r in options
                        if screen.contains(r) and not any(r.intersects(b) for b in blocked)]
                if not fits:
                    continue
                clear = [r for r in fits if not any(r.intersects(a) for a in avoid)]
                out.append(((side, scale), (clear or fits)[0], bool(clear)))
        return out

    def _slides(self, side: Side, rect: Rect, avoid: Sequence[Rect]) -> list[Rect]:
        """``rect`` moved along its side just past each panel it overlaps, nearest first."""
        gap = self.config.gap // 2
        moves = []
        for a in avoid:
            if not rect.intersects(a):
                continue
            if side in (Side.RIGHT, Side.LEFT):
                moves += [rect.moved(rect.x, a.y2 + gap), rect.moved(rect.x, a.y - gap - rect.h)]
            else:
                moves += [rect.moved(a.x2 + gap, rect.y), rect.moved(a.x - gap - rect.w, rect.y)]
        return sorted(moves, key=lambda r: abs(r.x - rect.x) + abs(r.y - rect.y))

    def _beside_rect(self, side: Side, box: Rect, cw: int, ch: int, screen: Rect) -> Rect:
        gap = self.config.gap
        cx, cy = box.center
        y = _clamp(int(cy - ch / 2), screen.y, screen.y2 - ch)
        x = _clamp(int(cx - cw / 2), screen.x, screen.x2 - cw)
        if side is Side.RIGHT:
            return Rect(box.x2 + gap, y, cw, ch)
        if side is Side.LEFT:
            return Rect(box.x - gap - cw, y, cw, ch)
        if side is Side.BELOW:
            return Rect(x, box.y2 + gap, cw, ch)
        return Rect(x, box.y - gap - ch, cw, ch)

    def _with_hysteresis(self, best: Key, best_rect: Rect,
                         cands: dict[Key, Rect]) -> tuple[Key, Rect]:
        last = self._last
        current = (last.side, last.scale) if last is not None else None
        still = cands.get(current) if current is not None else None
        if still is None or current == best:
            self._pending, self._pending_frames = None, 0
            return best, best_rect
        if self._pending == best:
            self._pending_frames += 1
        else:
            self._pending, self._pending_frames = best, 1
        if self._pending_frames >= self.config.switch_frames:
            self._pending, self._pending_frames = None, 0
            return best, best_rect
        assert current is not None
        return current, still

    def _docked(self, size: SizeFn, screen: Rect, blocked: list[Rect],
                avoid: Sequence[Rect]) -> Placement:
        corners = [self.config.dock] + [c for c in Corner if c is not self.config.dock]
        options: list[tuple[float, Rect]] = []
        for scale in self.config.scales:
            cw, ch = size(scale)
            cw, ch = min(cw, screen.w), min(ch, screen.h)
            options += [(scale, _corner_rect(c, cw, ch, screen)) for c in corners]
        for strict in (True, False):
            for scale, rect in options:
                if any(rect.intersects(b) for b in blocked):
                    continue
                if strict and any(rect.intersects(a) for a in avoid):
                    continue
                return Placement(rect, Side.DOCKED, scale, None)
        scale, rect = min(options, key=lambda o: sum(o[1].clipped(b).area for b in blocked))
        return Placement(rect, Side.DOCKED, scale, None, covers_tag=True)

    def _smoothed(self, target: Placement, screen: Rect, blocked: list[Rect]) -> Placement:
        last = self._last
        a = self.config.smoothing
        if last is None or a >= 1.0 or target.held:
            return target
        x = round(last.rect.x + a * (target.rect.x - last.rect.x))
        y = round(last.rect.y + a * (target.rect.y - last.rect.y))
        rect = target.rect.moved(x, y)
        if not screen.contains(rect) or any(rect.intersects(b) for b in blocked):
            return target
        return Placement(rect, target.side, target.scale, target.tag, target.held,
                         target.covers_tag)


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(v, hi))


def _corner_rect(corner: Corner, cw: int, ch: int, screen: Rect) -> Rect:
    right = corner in (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT)
    bottom = corner in (Corner.BOTTOM_RIGHT, Corner.BOTTOM_LEFT)
    x = screen.x2 - cw if right else screen.x
    y = screen.y2 - ch if bottom else screen.y
    return Rect(x, y, cw, ch)
