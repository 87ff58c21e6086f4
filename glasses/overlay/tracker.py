"""Tag detection on a live stream, within a frame budget.

Every frame: ArUco markers and QR symbols are *located* on a downscaled frame
(cheap). A QR symbol is decoded only when it is new: one that
sits where a known symbol was in the previous frame keeps its payload. The
expensive fallbacks (full-size search, contrast-enhanced retries) run only
every ``fallback_every`` frames while nothing is found.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from glasses.overlay.tags import Tag, TagDetector, TagKind, to_gray


@dataclass(frozen=True)
class TrackerConfig:
    """Cadence of the stream detector."""

    fallback_every: int = 6  # frames between expensive retries while a kind is missing
    aruco_scale: float = 0.5  # ArUco search runs downscaled by this (full size as fallback)
    reuse_distance: float = 0.6  # a QR keeps its payload if it moved less than this × its size


class TagTracker:
    """Detects tags frame after frame, reusing what the previous frame decoded."""

    def __init__(self, detector: TagDetector | None = None,
                 config: TrackerConfig | None = None) -> None:
        self.detector = detector or TagDetector()
        self.config = config or TrackerConfig()
        self._qr: list[Tag] = []
        self._frame = 0
        self._small_markers = False

    def update(self, frame: np.ndarray) -> list[Tag]:
        """The tags in this frame."""
        gray = to_gray(frame)
        fallback = self._frame % max(1, self.config.fallback_every) == 0
        self._frame += 1
        tags: list[Tag] = []
        det = self.detector
        if det.config.aruco:
            tags += self._track_aruco(gray, fallback)
        if det.config.qr:
            self._qr = self._track_qr(gray, fallback)
            tags += self._qr
        return tags

    @staticmethod
    def _first(find: Callable[[np.ndarray], list[Tag]], images: list[np.ndarray]) -> list[Tag]:
        for img in images:
            found = find(img)
            if found:
                return found
        return []

    def _track_aruco(self, gray: np.ndarray, fallback: bool) -> list[Tag]:
        """Markers on a downscaled frame; full size (and enhanced) retries on fallback frames.

        Once markers are found only at full size (small or distant), full size is
        kept until a full-size search comes back empty.
        """
        det = self.detector
        scale = 1.0 if self._small_markers else self.config.aruco_scale
        tags = det.detect_aruco(gray, scale)
        if tags or not fallback:
            return tags
        if scale < 1.0:
            tags = det.detect_aruco(gray)
        if not tags and det.config.enhance_on_miss:
            tags = self._first(det.detect_aruco, det.enhanced(gray))
        self._small_markers = bool(tags)
        return tags

    def _track_qr(self, gray: np.ndarray, fallback: bool) -> list[Tag]:
        det = self.detector
        quads = det.locate_qr_scaled(gray, det.config.qr_scale)
        if not quads and fallback:
            quads = det.locate_qr_scaled(gray, 1.0)
            if not quads and det.config.enhance_on_miss:
                quads = det.locate_qr_scaled(det.enhanced(gray)[0], det.config.qr_scale)
        tags = []
        for quad in quads:
            text = self._known_payload(quad) or det.decode_qr_at(gray, quad)
            if text:
                tags.append(Tag.from_corners(TagKind.QR, text, quad))
        return tags

    def _known_payload(self, quad: np.ndarray) -> str | None:
        cx, cy = (float(v) for v in quad.mean(axis=0))
        size = float(np.linalg.norm(quad[0] - quad[2]))
        for tag in self._qr:
            if math.dist((cx, cy), tag.center) < self.config.reuse_distance * size:
                return str(tag.id)
        return None

    def reset(self) -> None:
        self._qr = []
        self._frame = 0
        self._small_markers = False
