"""Text measuring, wrapping and ellipsis with OpenCV's built-in sans font."""

from __future__ import annotations

import functools
from typing import Any

ELLIPSIS = "…"


@functools.lru_cache(maxsize=4)
def font(name: str = "sans") -> Any:
    """OpenCV's built-in vector font (``cv2.FontFace``), loaded once."""
    import cv2

    return cv2.FontFace(name)


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: int, weight: int) -> int:
    """Advance width in pixels of ``text`` at ``size`` px and ``weight``."""
    import cv2

    if not text:
        return 0
    _x, _y, w, _h = cv2.getTextSize((0, 0), text, (0, 0), font(), size, weight)
    return int(w)


def ellipsize(text: str, max_w: int, size: int, weight: int) -> str:
    """``text`` cut with a trailing ellipsis so it fits ``max_w`` pixels."""
    if text_width(text, size, weight) <= max_w:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits together with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + ELLIPSIS, size, weight) <= max_w:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS


def wrap(text: str, max_w: int, size: int, weight: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines; overflow ends in an ellipsis.

    A single word wider than the line is cut with an ellipsis.
    """
    if max_lines <= 0:
        return []
    lines: list[str] = []
    words = text.split()
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if text_width(trial, size, weight) <= max_w:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word
        if len(lines) == max_lines:
            rest = " ".join([lines[-1], *words[i:]])
            lines[-1] = ellipsize(rest, max_w, size, weight)
            return lines
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[:max_lines - 1], ellipsize(rest, max_w, size, weight)]
    return [ellipsize(line, max_w, size, weight) for line in lines]


def line_height(size: int) -> int:
    """Baseline-to-baseline distance for ``size`` px text."""
    return round(size * 1.25)
