"""Where rendered frames go: a window (when a display exists), an MP4 file, PNG frames.

``opencv-python-headless`` (what this project installs) has no GUI support, so
:func:`open_sink` with ``"window"`` falls back to a PNG folder and says so.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


class SinkError(RuntimeError):
    """A frame sink cannot be opened or written."""


class FrameSink:
    """Base of every sink: ``write`` frames, then ``close`` (also as a context manager)."""

    def write(self, image: np.ndarray) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Flush and release (idempotent)."""

    def __enter__(self) -> FrameSink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def window_unavailable_reason() -> str | None:
    """Why no window can be shown here, or None when one can."""
    import cv2

    gui = [line for line in cv2.getBuildInformation().splitlines() if "GUI:" in line]
    if gui and gui[0].split(":", 1)[1].strip().upper() in ("NONE", "NO", ""):
        return "this OpenCV build has no GUI (opencv-python-headless)"
    if os.name != "nt" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "no display (DISPLAY/WAYLAND_DISPLAY not set)"
    return None


class WindowSink(FrameSink):
    """Shows frames in an OpenCV window; closing it or pressing q/Esc sets ``closed``."""

    def __init__(self, title: str = "glasses overlay") -> None:
        reason = window_unavailable_reason()
        if reason is not None:
            raise SinkError(f"cannot open a window: {reason}")
        self.title = title
        self.closed = False

    def write(self, image: np.ndarray) -> None:
        import cv2

        cv2.imshow(self.title, image)
        if cv2.waitKey(1) & 0xFF in (ord("q"), 27):
            self.closed = True

    def close(self) -> None:
        import cv2

        cv2.destroyWindow(self.title)


class Mp4Sink(FrameSink):
    """Writes an MP4 (codec mp4v); opened on the first frame, whose size it keeps."""

    def __init__(self, path: str | Path, fps: float = 30.0) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise SinkError(f"{self.path.parent}: no such folder for the video")
        self.fps = fps
        self._writer: Any = None
        self._size: tuple[int, int] | None = None
        self.frames = 0

    def write(self, image: np.ndarray) -> None:
        import cv2

        h, w = image.shape[:2]
        if self._writer is None:
            fourcc = cv2.VideoWriter.fourcc(*"mp4v")
            self._writer = cv2.VideoWriter(str(self.path), fourcc, self.fps, (w, h))
            if not self._writer.isOpened():
                raise SinkError(f"{self.path}: cannot open an mp4v video writer")
            self._size = (w, h)
        elif (w, h) != self._size:
            raise SinkError(f"frame size {w}x{h} differs from the video's {self._size}")
        self._writer.write(image)
        self.frames += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None


class PngFolderSink(FrameSink):
    """Writes ``frame_000000.png``, ``frame_000001.png``, … into a folder (created)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.frames = 0

    def write(self, image: np.ndarray) -> None:
        import cv2

        path = self.folder / f"frame_{self.frames:06d}.png"
        if not cv2.imwrite(str(path), image):
            raise SinkError(f"{path}: cannot write the frame")
        self.frames += 1


def open_sink(spec: str, fps: float = 30.0,
              fallback_dir: str | Path = "overlay_frames") -> FrameSink:
    """``"window"``, a ``.mp4`` path or a folder for PNG frames.

    A window that cannot be shown falls back to PNG frames in ``fallback_dir``,
    with a warning naming the reason and the folder.
    """
    if spec == "window":
        try:
            return WindowSink()
        except SinkError as exc:
            log.warning("%s; writing PNG frames to %s instead", exc, fallback_dir)
            return PngFolderSink(fallback_dir)
    if Path(spec).suffix.lower() == ".mp4":
        return Mp4Sink(spec, fps)
    if Path(spec).suffix:
        raise SinkError(f"{spec}: write frames to 'window', a .mp4 file or a folder")
    return PngFolderSink(spec)
