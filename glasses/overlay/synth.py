"""Generated equipment scenes with tags at known positions.

Used by the tests, the benchmark and ``scripts/make_scenes.py``: a grey
cabinet with panels and vents, a white label carrying an ArUco marker
(DICT_4X4_50) and/or a QR code, then a camera-like distortion (rotation,
perspective, blur, dimming, sensor noise). Every scene is reproducible from its
seed and knows where its tags ended up.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from glasses.overlay.tags import TagKind

Quad = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TagTruth:
    """Where a tag really is in the generated image."""

    kind: TagKind
    id: int | str
    corners: Quad

    @property
    def center(self) -> tuple[float, float]:
        xs = [p[0] for p in self.corners]
        ys = [p[1] for p in self.corners]
        return (sum(xs) / 4.0, sum(ys) / 4.0)


@dataclass(frozen=True)
class SceneSpec:
    """The knobs of one scene."""

    seed: int
    size: tuple[int, int] = (1280, 720)  # width, height
    aruco_id: int | None = 11
    qr_payload: str | None = "CRAC-01"
    rotation_deg: float = 0.0
    perspective: float = 0.0  # corner jitter as a fraction of the label size
    blur_sigma: float = 0.0
    brightness: float = 1.0
    noise: float = 3.0  # sensor noise standard deviation, grey levels
    label_at: tuple[int, int] | None = None  # label centre in pixels (random when None)


@dataclass(frozen=True)
class Scene:
    spec: SceneSpec
    image: np.ndarray
    truths: tuple[TagTruth, ...]


def random_spec(seed: int, size: tuple[int, int] = (1280, 720)) -> SceneSpec:
    """A scene with everything varied: up to ±45°, perspective, blur, dimming to 40%."""
    rng = np.random.default_rng(seed)
    layouts: list[tuple[int | None, str | None]] = [(11, "CRAC-01"), (23, None), (None, "UPS-02")]
    aruco_id, payload = layouts[seed % 3]
    return SceneSpec(
        seed=seed,
        size=size,
        aruco_id=aruco_id,
        qr_payload=payload,
        rotation_deg=float(rng.uniform(-45.0, 45.0)),
        perspective=float(rng.uniform(0.0, 0.08)),
        blur_sigma=float(rng.uniform(0.0, 1.5)),
        brightness=(1.0, 0.7, 0.4)[(seed // 3) % 3],
    )


@functools.lru_cache(maxsize=64)
def _marker(aruco_id: int, side: int) -> np.ndarray:
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    return cv2.aruco.generateImageMarker(dictionary, aruco_id, side)


@functools.lru_cache(maxsize=16)
def _qr(payload: str, module_px: int) -> np.ndarray:
    """The QR symbol without its quiet zone (the white label provides it)."""
    import cv2

    code = cv2.QRCodeEncoder.create().encode(payload)
    border = 2  # the encoder adds a 2-module margin
    code = code[border:-border, border:-border]
    return cv2.resize(code, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def _cabinet(img: np.ndarray, rng: np.random.Generator) -> tuple[int, int, int, int]:
    import cv2

    h, w = img.shape[:2]
    x1, y1 = int(w * 0.12), int(h * 0.05)
    x2, y2 = int(w * 0.88), int(h * 1.2)
    base = int(rng.integers(120, 160))
    cv2.rectangle(img, (x1, y1), (x2, y2), (base, base, base + 4), -1)
    for px in np.linspace(x1, x2, 4)[1:-1]:  # door seams
        cv2.line(img, (int(px), y1), (int(px), y2), (base - 50,) * 3, 3)
    for vy in range(y1 + 30, y1 + 150, 14):  # vents
        cv2.line(img, (x1 + 30, vy), (x1 + 200, vy), (base - 70,) * 3, 5)
        cv2.line(img, (x2 - 200, vy), (x2 - 30, vy), (base - 70,) * 3, 5)
    cv2.rectangle(img, (x2 - 160, y1 + 200), (x2 - 60, y1 + 260), (40, 60, 40), -1)  # display
    cv2.rectangle(img, (x1 + 40, y1 + 300), (x1 + 56, y1 + 420), (60, 60, 60), -1)  # handle
    return x1, y1, x2, y2


def _label(img: np.ndarray, spec: SceneSpec, cx: int, cy: int) -> list[TagTruth]:
    import cv2

    parts: list[tuple[TagKind, int | str, np.ndarray]] = []
    if spec.aruco_id is not None:
        parts.append((TagKind.ARUCO, spec.aruco_id, _marker(spec.aruco_id, 110)))
    if spec.qr_payload is not None:
        parts.append((TagKind.QR, spec.qr_payload, _qr(spec.qr_payload, 5)))
    gap, pad = 40, 26
    total_w = sum(p[2].shape[1] for p in parts) + gap * (len(parts) - 1)
    tallest = max(p[2].shape[0] for p in parts)
    lx, ly = cx - total_w // 2 - pad, cy - tallest // 2 - pad
    label_w, label_h = total_w + 2 * pad, tallest + 2 * pad + 34
    cv2.rectangle(img, (lx, ly), (lx + label_w, ly + label_h), (245,) * 3, -1)
    truths: list[TagTruth] = []
    x = lx + pad
    for kind, ident, sym in parts:
        sh, sw = sym.shape
        y = ly + pad + (tallest - sh) // 2
        img[y : y + sh, x : x + sw] = sym[..., None]
        quad = ((x, y), (x + sw, y), (x + sw, y + sh), (x, y + sh))
        truths.append(TagTruth(kind, ident, tuple((float(a), float(b)) for a, b in quad)))
        x += sw + gap
    text = str(spec.qr_payload or f"EQ-{spec.aruco_id}")
    cv2.putText(img, text, (lx + pad, ly + tallest + 2 * pad + 22), cv2.FONT_HERSHEY_SIMPLEX,
                0.8, (30, 30, 30), 2, cv2.LINE_AA)
    return truths


def _homography(spec: SceneSpec, center: tuple[float, float], span: float,
                rng: np.random.Generator) -> np.ndarray:
    import cv2

    rot = cv2.getRotationMatrix2D(center, spec.rotation_deg, 1.0)
    rot3 = np.vstack([rot, [0.0, 0.0, 1.0]])
    cx, cy = center
    src = np.array([[cx - span, cy - span], [cx + span, cy - span],
                    [cx + span, cy + span], [cx - span, cy + span]], dtype=np.float32)
    jitter = rng.uniform(-1.0, 1.0, size=(4, 2)) * spec.perspective * span * 2
    dst = (src + jitter).astype(np.float32)
    persp = np.asarray(cv2.getPerspectiveTransform(src, dst), dtype=np.float64)
    return np.asarray(persp @ rot3)


def make_scene(spec: SceneSpec) -> Scene:
    """Draw, distort and dim one scene; returns the image and where its tags are."""
    import cv2

    rng = np.random.default_rng(spec.seed)
    w, h = spec.size
    img = np.empty((h, w, 3), np.uint8)
    img[:] = np.linspace(70, 40, h, dtype=np.uint8)[:, None, None]  # wall/floor gradient
    _cabinet(img, rng)
    cx = int(w / 2 + rng.uniform(-0.15, 0.15) * w)
    cy = int(h / 2 + rng.uniform(-0.12, 0.12) * h)
    if spec.label_at is not None:
        cx, cy = spec.label_at
    truths = _label(img, spec, cx, cy)
    H = _homography(spec, (float(cx), float(cy)), 300.0, rng)
    warped: Any = cv2.warpPerspective(img, H, (w, h), borderMode=cv2.BORDER_REPLICATE)
    moved = []
    for t in truths:
        quad = np.array(t.corners, dtype=np.float32).reshape(-1, 1, 2)
        pts = np.asarray(cv2.perspectiveTransform(quad, H)).reshape(4, 2)
        moved.append(TagTruth(t.kind, t.id, tuple((float(a), float(b)) for a, b in pts)))
    if spec.blur_sigma > 0.0:
        warped = cv2.GaussianBlur(warped, (0, 0), spec.blur_sigma)
    dim = cv2.convertScaleAbs(warped, alpha=spec.brightness)
    noise: Any = np.empty((h, w), np.int16)  # luminance noise, the same on each channel
    cv2.setRNGSeed(spec.seed)
    cv2.randn(noise, 0.0, spec.noise)  # type: ignore[call-overload]
    out = cv2.add(dim, cv2.merge([noise, noise, noise]), dtype=cv2.CV_8U)
    return Scene(spec, np.asarray(out), tuple(moved))


def scene_series(count: int, first_seed: int = 0) -> list[SceneSpec]:
    """``count`` varied scene specs with consecutive seeds."""
    return [random_spec(s) for s in range(first_seed, first_seed + count)]


def pan_series(n: int, size: tuple[int, int] = (1280, 720), seed: int = 7) -> list[SceneSpec]:
    """``n`` frames of one label panning smoothly across the frame while turning.

    For tracking tests and the benchmark: ArUco + QR label, mild blur, one seed.
    """
    w, h = size
    return [
        SceneSpec(
            seed=seed, size=size, aruco_id=11, qr_payload="CRAC-01",
            rotation_deg=20.0 * math.sin(2 * math.pi * i / n), perspective=0.03,
            blur_sigma=0.8, brightness=0.8,
            label_at=(int(w / 2 + 0.22 * w * math.sin(2 * math.pi * i / n)),
                      int(h / 2 + 0.12 * h * math.sin(4 * math.pi * i / n))),
        )
        for i in range(n)
    ]
