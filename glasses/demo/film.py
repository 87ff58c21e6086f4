"""The demo's camera: a tagged CRAC unit, filmed with a slow pan, overlay drawn on each frame."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from glasses.overlay.camera import Frame
from glasses.overlay.pipeline import OverlayPipeline
from glasses.overlay.sinks import Mp4Sink
from glasses.overlay.synth import SceneSpec, make_scene
from glasses.overlay.view import OverlayView


class DemoFilm:
    """Renders frames of the scene with the current view into an MP4 (and key PNGs)."""

    def __init__(self, out_dir: Path, fps: float = 15.0, on_tag=None) -> None:  # type: ignore[no-untyped-def]
        import cv2

        self.cv2 = cv2
        self.out_dir = out_dir
        self.fps = fps
        spec = SceneSpec(seed=7, aruco_id=11, qr_payload="CRAC-01", label_at=(380, 300),
                         rotation_deg=8.0, noise=2.0)  # fmt: skip
        self.scene = make_scene(spec).image
        self.pipeline = OverlayPipeline(on_primary=on_tag)
        self.video = Mp4Sink(out_dir / "overlay.mp4", fps)
        self.frames = 0
        self.last: np.ndarray | None = None

    def _camera(self) -> np.ndarray:
        """The scene, panned a little: the card must follow the tag."""
        t = self.frames / self.fps
        dx, dy = 25 * math.sin(t / 3.0), 12 * math.sin(t / 2.1)
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        h, w = self.scene.shape[:2]
        return self.cv2.warpAffine(self.scene, m, (w, h), borderMode=self.cv2.BORDER_REPLICATE)

    def shoot(self, view: OverlayView, seconds: float) -> None:
        """Film ``seconds`` with ``view`` submitted (blocking: call from a worker thread)."""
        self.pipeline.submit(view)
        for _ in range(max(1, int(seconds * self.fps))):
            image = self._camera()
            self.pipeline.process(Frame(image, self.frames / self.fps, self.frames))
            self.video.write(image)
            self.last = image
            self.frames += 1

    def keyframe(self, name: str) -> Path:
        path = self.out_dir / "keyframes" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.last is not None:
            self.cv2.imwrite(str(path), self.last)
        return path

    def close(self) -> None:
        self.video.close()
