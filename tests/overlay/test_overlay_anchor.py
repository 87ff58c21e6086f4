"""Card anchoring: beside the tag, never over it, on screen, smooth, steady and docked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glasses.overlay.anchor import Anchor, AnchorConfig, Corner, Side
from glasses.overlay.geometry import Rect
from glasses.overlay.renderer import OverlayRenderer
from glasses.overlay.tags import Tag, TagKind
from glasses.overlay.view import OverlayView

SCREEN = (1280, 720)
FULL = Rect(0, 0, *SCREEN)


def tag_at(x: float, y: float, s: float = 100, ident: int = 11) -> Tag:
    return Tag.from_corners(TagKind.ARUCO, ident, [(x, y), (x + s, y), (x + s, y + s),
                                                   (x, y + s)])


def fixed(w: int, h: int):  # type: ignore[no-untyped-def]
    return lambda scale: (int(w * scale), int(h * scale))


def test_card_goes_right_of_the_tag_first() -> None:
    p = Anchor().update([tag_at(300, 300)], fixed(400, 300), SCREEN, 0.0)
    assert p.side is Side.RIGHT and p.scale == 1.0
    assert p.rect.x >= 400 and not p.rect.intersects(p.tag.bbox)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("x", "y", "side"),
    [(1100, 300, Side.LEFT), (600, 80, Side.BELOW), (600, 600, Side.ABOVE)],
)
def test_falls_back_through_left_below_above(x: float, y: float, side: Side) -> None:
    cfg = AnchorConfig(sides=(Side.RIGHT, Side.LEFT, Side.BELOW, Side.ABOVE))
    size = fixed(600, 250) if side is not Side.LEFT else fixed(400, 300)
    p = Anchor(cfg).update([tag_at(x, y)], size, SCREEN, 0.0)
    assert p.side is side
    assert FULL.contains(p.rect) and not p.rect.intersects(p.tag.bbox)  # type: ignore[union-attr]


def test_shrinks_when_no_side_fits_at_full_size() -> None:
    p = Anchor().update([tag_at(560, 200, 160)], fixed(600, 640), SCREEN, 0.0)
    assert p.scale < 1.0 and p.side is not Side.DOCKED
    assert FULL.contains(p.rect) and not p.rect.intersects(p.tag.bbox)  # type: ignore[union-attr]


def test_docks_to_the_configured_corner_without_tags() -> None:
    p = Anchor(AnchorConfig(dock=Corner.BOTTOM_LEFT, margin=8)).update([], fixed(400, 300),
                                                                        SCREEN, 0.0)
    assert p.side is Side.DOCKED and p.tag is None
    assert (p.rect.x, p.rect.y2) == (8, 712)


def test_avoids_other_panels_when_it_can() -> None:
    panel = Rect(500, 0, 780, 200)
    p = Anchor().update([tag_at(300, 250)], fixed(400, 300), SCREEN, 0.0, avoid=[panel])
    assert not p.rect.intersects(panel)


def test_smoothing_follows_the_tag_without_jumping() -> None:
    anchor = Anchor(AnchorConfig(smoothing=0.4))
    first = anchor.update([tag_at(300, 300)], fixed(300, 200), SCREEN, 0.0)
    moved = anchor.update([tag_at(300, 360)], fixed(300, 200), SCREEN, 0.033)
    assert first.rect.y < moved.rect.y < first.rect.y + 60  # part of the way
    for i in range(30):
        last = anchor.update([tag_at(300, 360)], fixed(300, 200), SCREEN, 0.066 + i / 30)
    assert abs(last.rect.y - (410 - 100)) <= 1  # settles centred on the tag


def test_hysteresis_keeps_the_side_when_the_preferred_one_flickers() -> None:
    anchor = Anchor(AnchorConfig(switch_frames=6, smoothing=1.0))
    size = fixed(400, 300)
    sides = []
    for i in range(20):  # the tag oscillates near the right edge: right fits every other frame
        x = 740 if i % 2 == 0 else 800
        sides.append(anchor.update([tag_at(x, 300)], size, SCREEN, i / 30).side)
    assert sides[0] is Side.RIGHT
    assert len(set(sides[1:])) == 1  # no flip-flopping
    anchor = Anchor(AnchorConfig(switch_frames=6, smoothing=1.0))
    anchor.update([tag_at(800, 300)], size, SCREEN, 0.0)  # starts on the left
    got = [anchor.update([tag_at(700, 300)], size, SCREEN, i / 30).side for i in range(1, 8)]
    assert got[:5] == [Side.LEFT] * 5 and got[-1] is Side.RIGHT  # moves after 6 frames


def test_grace_period_then_dock() -> None:
    anchor = Anchor(AnchorConfig(grace_s=0.5, smoothing=1.0))
    seen = anchor.update([tag_at(300, 300)], fixed(300, 200), SCREEN, 0.0)
    held = anchor.update([], fixed(300, 200), SCREEN, 0.3)
    assert held.held and held.rect == seen.rect and held.tag == seen.tag
    gone = anchor.update([], fixed(300, 200), SCREEN, 0.9)
    assert gone.side is Side.DOCKED and not gone.held


def test_a_tag_filling_the_screen_is_reported() -> None:
    p = Anchor().update([tag_at(-50, -50, 1400)], fixed(400, 300), SCREEN, 0.0)
    assert p.covers_tag and FULL.contains(p.rect)


@settings(max_examples=200, deadline=None)
@given(
    x=st.integers(-40, 1240), y=st.integers(-40, 680), s=st.integers(20, 300),
    w=st.integers(120, 700), h=st.integers(80, 700), steps=st.integers(1, 4),
)
def test_never_over_a_tag_and_always_on_screen(x: int, y: int, s: int, w: int, h: int,
                                                steps: int) -> None:
    anchor = Anchor()
    for i in range(steps):  # also after smoothing from an earlier position
        p = anchor.update([tag_at(x + 30 * i, y, s)], fixed(w, h), SCREEN, i / 30)
    assert FULL.contains(p.rect)
    if not p.covers_tag:
        assert not p.rect.intersects(tag_at(x + 30 * (steps - 1), y, s).bbox)


def test_no_card_without_step_or_readings() -> None:
    import numpy as np

    frame = np.zeros((720, 1280, 3), np.uint8)
    result = OverlayRenderer().render(frame, [tag_at(300, 300)], 0.0, OverlayView())
    assert result.card is None and result.primary is not None
