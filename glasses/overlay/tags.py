"""Equipment tags in a camera frame: ArUco markers (DICT_4X4_50) and QR codes.

:class:`TagDetector` finds both kinds in one frame; when a pass finds nothing it
retries on a contrast-enhanced copy (CLAHE, then a gamma lift) so dim, blurred
labels still read. :func:`primary_tag` picks the tag the wearer is looking at.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glasses.overlay.geometry import Rect, bounding_rect

log = logging.getLogger(__name__)

Point = tuple[float, float]


class TagKind(enum.Enum):
    ARUCO = "aruco"
    QR = "qr"


@dataclass(frozen=True)
class Tag:
    """One detected tag: an ArUco marker id (int) or a QR payload (str)."""

    kind: TagKind
    id: int | str
    corners: tuple[Point, Point, Point, Point]  # clockwise from the marker's top-left
    center: Point
    bbox: Rect

    @classmethod
    def from_corners(cls, kind: TagKind, ident: int | str, corners: Any) -> Tag:
        pts = np.asarray(corners, dtype=np.float64).reshape(4, 2)
        quad = tuple((float(x), float(y)) for x, y in pts)
        cx, cy = (float(v) for v in pts.mean(axis=0))
        return cls(kind, ident, quad, (cx, cy), bounding_rect(quad))  # type: ignore[arg-type]

    def scaled(self, factor: float, dx: float = 0.0, dy: float = 0.0) -> Tag:
        """The same tag with coordinates mapped by ``p * factor + (dx, dy)``."""
        pts = [(x * factor + dx, y * factor + dy) for x, y in self.corners]
        return Tag.from_corners(self.kind, self.id, pts)

    def to_json(self) -> dict[str, Any]:
        key = "id" if self.kind is TagKind.ARUCO else "payload"
        return {
            "kind": self.kind.value,
            key: self.id,
            "corners": [[round(x, 1), round(y, 1)] for x, y in self.corners],
            "center": [round(self.center[0], 1), round(self.center[1], 1)],
            "bbox": self.bbox.as_dict(),
        }


def primary_tag(tags: Sequence[Tag], frame_size: tuple[int, int] | None = None) -> Tag | None:
    """The tag the wearer is most likely looking at: large and near the centre.

    Score = area / (1 + 2·d/diagonal)², d being the tag centre's distance from
    the frame centre (a tag at a corner counts about a quarter of one in the
    middle). Without ``frame_size`` the largest tag wins.
    """
    if not tags:
        return None
    if frame_size is None:
        return max(tags, key=lambda t: t.bbox.area)
    w, h = frame_size
    diag = math.hypot(w, h)

    def score(t: Tag) -> float:
        d = math.hypot(t.center[0] - w / 2.0, t.center[1] - h / 2.0)
        return t.bbox.area / (1.0 + 2.0 * d / diag) ** 2

    return max(tags, key=score)


@dataclass(frozen=True)
class DetectorConfig:
    """How tags are searched for in each frame."""

    aruco: bool = True  # look for ArUco markers (DICT_4X4_50)
    qr: bool = True  # look for QR codes
    qr_scale: float = 0.5  # QR location runs on a frame downscaled by this (full size as fallback)
    enhance_on_miss: bool = True  # retry on a CLAHE/gamma-enhanced frame when a pass finds none
    clahe_clip: float = 3.0  # CLAHE clip limit of the retry
    gamma: float = 0.5  # gamma (<1 brightens) of the second retry


def to_gray(frame: np.ndarray) -> np.ndarray:
    import cv2

    if frame.ndim == 2:
        return frame
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


class TagDetector:
    """Finds ArUco markers and QR codes in BGR or grey frames."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        import cv2

        self.config = config or DetectorConfig()
        params = cv2.aruco.DetectorParameters()
        params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
        self._aruco = cv2.aruco.ArucoDetector(dictionary, params)
        self._qr = cv2.QRCodeDetector()  # decoder (reads blurred symbols best)
        self._qr_locator = cv2.QRCodeDetectorAruco()  # fast locator
        self._clahe = cv2.createCLAHE(clipLimit=self.config.clahe_clip, tileGridSize=(8, 8))
        lut = (np.linspace(0.0, 1.0, 256) ** self.config.gamma) * 255.0
        self._gamma_lut = np.clip(lut, 0, 255).astype(np.uint8)

    def enhanced(self, gray: np.ndarray) -> list[np.ndarray]:
        """The retry images: CLAHE, then a gamma lift."""
        import cv2

        return [self._clahe.apply(gray), cv2.LUT(gray, self._gamma_lut)]

    def detect(self, frame: np.ndarray, *, qr: bool | None = None) -> list[Tag]:
        """All tags in ``frame``; ``qr=False`` skips the (slower) QR search."""
        gray = to_gray(frame)
        want_qr = self.config.qr if qr is None else qr and self.config.qr
        tags: list[Tag] = []
        if self.config.aruco:
            tags += self._with_retry(gray, self.detect_aruco)
        if want_qr:
            tags += self._with_retry(gray, self.detect_qr)
        return tags

    def _with_retry(self, gray: np.ndarray, find: Any) -> list[Tag]:
        found: list[Tag] = find(gray)
        if found or not self.config.enhance_on_miss:
            return found
        for img in self.enhanced(gray):
            found = find(img)
            if found:
                return found
        return []

    def detect_aruco(self, gray: np.ndarray, scale: float = 1.0) -> list[Tag]:
        """ArUco markers, searched on ``gray`` resized by ``scale`` (full-frame coordinates)."""
        import cv2

        img = gray
        if scale < 1.0:
            img = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        corners, ids, _rejected = self._aruco.detectMarkers(img)
        if ids is None:
            return []
        return [
            Tag.from_corners(TagKind.ARUCO, int(i), np.asarray(c).reshape(4, 2) / scale)
            for c, i in zip(corners, ids.ravel(), strict=True)
        ]

    def detect_qr(self, gray: np.ndarray) -> list[Tag]:
        """QR codes: located on a downscaled frame, decoded at full size around each."""
        tags = []
        for quad in self.locate_qr(gray):
            text = self.decode_qr_at(gray, quad)
            if text:
                tags.append(Tag.from_corners(TagKind.QR, text, quad))
        return tags

    def locate_qr(self, gray: np.ndarray) -> list[np.ndarray]:
        """Corner quads of QR symbols (not decoded), in full-frame coordinates."""
        scale = self.config.qr_scale
        quads = self.locate_qr_scaled(gray, scale)
        if not quads and scale < 1.0:
            quads = self.locate_qr_scaled(gray, 1.0)
        return quads

    def locate_qr_scaled(self, gray: np.ndarray, scale: float) -> list[np.ndarray]:
        """QR corner quads found on ``gray`` resized by ``scale`` (full-frame coordinates)."""
        import cv2

        img = gray
        if scale < 1.0:
            img = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        try:
            ok, points = self._qr_locator.detectMulti(img)
        except cv2.error as exc:  # degenerate candidates make OpenCV throw
            log.debug("QR location failed on this frame: %s", exc)
            return []
        if not ok or points is None:
            return []
        return [np.asarray(p, dtype=np.float64).reshape(4, 2) / scale for p in points]

    def decode_qr_at(self, gray: np.ndarray, quad: np.ndarray) -> str:
        """The payload of the QR symbol at ``quad`` ("" when it cannot be read).

        Decodes a full-resolution crop around the symbol; on failure retries on
        a sharpened, a 2× upscaled and a CLAHE-enhanced crop.
        """
        import cv2

        box = bounding_rect((float(x), float(y)) for x, y in quad)
        h, w = gray.shape[:2]
        r = box.inflate(int(0.25 * max(box.w, box.h)) + 4).clipped(Rect(0, 0, w, h))
        if r.w < 21 or r.h < 21:
            return ""
        crop = gray[r.y : r.y2, r.x : r.x2]
        for img in self._decode_variants(crop):
            try:
                text, _points, _ = self._qr.detectAndDecode(img)
            except cv2.error as exc:
                log.debug("QR decode failed: %s", exc)
                continue
            if text:
                return str(text)
        return ""

    def _decode_variants(self, crop: np.ndarray) -> Iterator[np.ndarray]:
        import cv2

        yield crop
        soft = cv2.GaussianBlur(crop, (0, 0), 2.0)
        yield cv2.addWeighted(crop, 2.0, soft, -1.0, 0)
        yield cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
        yield self._clahe.apply(crop)
