"""What the overlay draws: golden card, next-frame updates, colours, regions."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from glasses.overlay.geometry import Rect
from glasses.overlay.renderer import OverlayRenderer, RenderConfig
from glasses.overlay.tags import Tag, TagKind
from glasses.overlay.text import ELLIPSIS, text_width, wrap
from glasses.overlay.view import Online, OverlayView, ReadingView, Trend

from .helpers import full_view, step_only

GOLDEN = Path(__file__).parent / "golden" / "reference_card.png"
GOLDEN_SIZE = (1280, 720)
MAX_FRAME_DIFF = 1.0  # mean absolute difference over the frame, grey levels
MAX_CARD_DIFF = 4.0  # mean absolute difference over the card, grey levels


def background(w: int, h: int) -> np.ndarray:
    """A deterministic, flat backdrop with a few blocks (compresses well as a golden PNG)."""
    frame = np.full((h, w, 3), 118, np.uint8)
    frame[: h // 3] = 96
    frame[h // 2 :, w // 4 : w // 2] = (150, 150, 156)
    return frame


def label_tag(x: float = 250, y: float = 200, s: float = 90) -> Tag:
    return Tag.from_corners(TagKind.QR, "CRAC-01", [(x, y), (x + s, y), (x + s, y + s),
                                                    (x, y + s)])


def render(view: OverlayView, size: tuple[int, int] = GOLDEN_SIZE,
           renderer: OverlayRenderer | None = None) -> np.ndarray:
    frame = background(*size)
    (renderer or OverlayRenderer()).render(frame, [label_tag()], 0.0, view)
    return frame


def golden_view() -> OverlayView:
    """A typical step card: hold point, expected reading, caution, one warning, online."""
    return dataclasses.replace(full_view(online=True), answer=None, alerts=(), readings=(),
                               warnings=("Never jumper or bypass the high-pressure switch.",))


def test_new_content_drawn_directly_looks_like_the_cached_sprite() -> None:
    renderer = OverlayRenderer()
    first, second = background(1280, 720), background(1280, 720)
    renderer.render(first, [label_tag()], 0.0, full_view())  # drawn straight onto the frame
    renderer.render(second, [label_tag()], 0.0, full_view())  # painted once, then blended
    d = np.abs(first.astype(np.int16) - second.astype(np.int16))
    assert float(d.mean()) < 0.2  # rounding, and anti-aliased polygon edges:
    assert int((d.max(axis=2) > 3).sum()) < 200  # a few dozen pixels of the trend arrows


def _diffs(a: np.ndarray, b: np.ndarray, card: Rect) -> tuple[float, float]:
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))
    return float(d.mean()), float(d[card.y : card.y2, card.x : card.x2].mean())


def test_reference_card_matches_the_golden_image() -> None:
    import cv2

    frame = background(*GOLDEN_SIZE)
    result = OverlayRenderer().render(frame, [label_tag()], 0.0, golden_view())
    assert result.card is not None and result.placement is not None
    assert result.placement.scale == 1.0
    if os.environ.get("UPDATE_GOLDEN") == "1":
        cv2.imwrite(str(GOLDEN), frame, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    golden = cv2.imread(str(GOLDEN), cv2.IMREAD_COLOR)
    assert golden is not None, f"missing {GOLDEN}; run with UPDATE_GOLDEN=1 once"
    assert golden.shape == frame.shape
    whole, card = _diffs(golden, frame, result.card)
    assert whole <= MAX_FRAME_DIFF and card <= MAX_CARD_DIFF, (whole, card)


def test_golden_comparison_detects_a_different_card() -> None:
    import cv2

    golden = cv2.imread(str(GOLDEN), cv2.IMREAD_COLOR)
    frame = background(*GOLDEN_SIZE)
    view = dataclasses.replace(golden_view(), step_index=7,
                               step_text="Reset the high-pressure switch once and watch it.")
    result = OverlayRenderer().render(frame, [label_tag()], 0.0, view)
    assert result.card is not None
    _, card = _diffs(golden, frame, result.card)
    assert card > MAX_CARD_DIFF


def test_a_view_submitted_before_a_frame_shows_in_that_frame() -> None:
    before = step_only(1, 5, "Check the unit display and note the alarm code.")
    after = step_only(2, 5, "Check the unit display and note the alarm time.")
    live, reference = OverlayRenderer(), OverlayRenderer()
    live.submit(before)
    reference.submit(after)
    for k in range(5):
        if k == 3:
            live.submit(after)  # the intent lands between frame 2 and frame 3
        frame_live = background(1280, 720)
        frame_ref = background(1280, 720)
        got = live.render(frame_live, [label_tag()], k / 30)
        reference.render(frame_ref, [label_tag()], k / 30)
        card = got.card
        assert card is not None
        d = np.abs(frame_live.astype(np.int16) - frame_ref.astype(np.int16))
        card_diff = float(d[card.y : card.y2, card.x : card.x2].mean())
        if k >= 3:  # same card (drawn directly when new, from the cached sprite after)
            assert got.view == after
            assert card_diff < 0.5
        else:
            assert card_diff > 2.0


def test_only_panel_regions_are_touched() -> None:
    renderer = OverlayRenderer(RenderConfig(outline_tag=False))
    frame = background(1280, 720)
    result = renderer.render(frame, [label_tag()], 0.0, full_view())
    untouched = np.ones(frame.shape[:2], bool)
    for panel in result.panels:
        r = panel.rect
        untouched[r.y : r.y2, r.x : r.x2] = False
    assert np.array_equal(frame[untouched], background(1280, 720)[untouched])
    names = {p.name for p in result.panels}
    assert names == {"step", "readings", "connectivity", "alert", "status", "caption", "answer"}


def _color_pixels(img: np.ndarray, bgr: tuple[int, int, int], tol: int = 40) -> int:
    return int((np.abs(img.astype(np.int16) - np.array(bgr)).max(axis=2) <= tol).sum())


def test_warnings_are_red_and_cautions_amber() -> None:
    plain = render(step_only(2, 5))
    warned = render(dataclasses.replace(step_only(2, 5), warnings=("Never bypass the switch.",)))
    cautioned = render(dataclasses.replace(step_only(2, 5), cautions=("Hot surface.",)))
    red, amber = (70, 70, 255), (0, 190, 255)
    assert _color_pixels(warned, red) > _color_pixels(plain, red) + 50
    assert _color_pixels(cautioned, amber) > _color_pixels(plain, amber) + 50
    assert _color_pixels(warned, amber) <= _color_pixels(plain, amber) + 5


def test_offline_mode_is_prominent_and_online_is_a_small_pill() -> None:
    offline = OverlayRenderer().render(background(1280, 720), [], 0.0, step_only())
    online = OverlayRenderer().render(background(1280, 720), [], 0.0,
                                      dataclasses.replace(step_only(), connectivity=Online("gw")))
    off_panel = next(p for p in offline.panels if p.name == "connectivity").rect
    on_panel = next(p for p in online.panels if p.name == "connectivity").rect
    assert off_panel.area > 4 * on_panel.area


def test_stale_readings_are_greyed() -> None:
    def readings_panel(stale: bool) -> np.ndarray:
        view = OverlayView(connectivity=Online("gw"), readings=(
            ReadingView("discharge_pressure", 312.0, "psig", Trend.UP, 4.0, stale=stale),))
        frame = background(1280, 720)
        result = OverlayRenderer().render(frame, [label_tag()], 0.0, view)
        r = next(p for p in result.panels if p.name == "readings").rect
        return frame[r.y : r.y2, r.x : r.x2]

    assert readings_panel(False).max() == 255
    assert readings_panel(True).max() < 200


def test_card_is_docked_without_tags() -> None:
    result = OverlayRenderer().render(background(1280, 720), [], 0.0, full_view())
    assert result.placement is not None and result.placement.tag is None
    assert result.card is not None and result.card.x2 > 1280 * 0.6


@pytest.mark.parametrize("max_lines", [1, 2, 3])
def test_wrap_fits_the_width_and_ends_with_an_ellipsis(max_lines: int) -> None:
    text = "Apply lockout and tagout to the disconnect and verify zero energy " * 3
    lines = wrap(text, 300, 28, 600, max_lines)
    assert len(lines) == max_lines
    assert all(text_width(line, 28, 600) <= 300 for line in lines)
    assert lines[-1].endswith(ELLIPSIS)
    assert wrap("Short text.", 300, 28, 600, 3) == ["Short text."]


def test_view_rejects_a_step_outside_the_procedure() -> None:
    with pytest.raises(ValueError, match="outside"):
        OverlayView(step_index=6, step_total=5)


def test_answer_shows_briefly() -> None:
    renderer = OverlayRenderer(RenderConfig(answer_s=2.0))
    view = dataclasses.replace(step_only(), answer="450 psig.")

    def names(t: float, v: OverlayView = view) -> set[str]:
        return {p.name for p in renderer.render(background(1280, 720), [], t, v).panels}

    assert "answer" in names(10.0) and "answer" in names(11.9)
    assert "answer" not in names(12.1)
    assert "answer" in names(12.2, dataclasses.replace(view, answer="A new answer."))
