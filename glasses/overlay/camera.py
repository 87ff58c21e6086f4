"""Frame sources with one interface: iterate :class:`Frame` objects with timestamps.

A camera device (``cv2.VideoCapture`` on an index), a video file, a folder of
images (sorted by name) or one still image repeated. :func:`open_source` picks
the right one from a string such as ``"0"``, ``"clip.mp4"``, ``"frames/"`` or
``"label.png"``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".m4v", ".webm"})


class CameraError(RuntimeError):
    """A frame source cannot be opened or read."""


@dataclass(frozen=True)
class Frame:
    """One camera frame: BGR pixels, a timestamp in seconds and its index."""

    image: np.ndarray
    t: float
    index: int


class FrameSource:
    """Base of every source: iterate frames, then close (also as a context manager)."""

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file (idempotent)."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class _CaptureSource(FrameSource):
    def __init__(self, target: int | str, what: str) -> None:
        import cv2

        self._cap: Any = cv2.VideoCapture(target)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraError(f"cannot open {what}")
        self.what = what

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def _read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, image = self._cap.read()
        return image if ok else None


class DeviceSource(_CaptureSource):
    """A live camera; timestamps are ``time.monotonic()`` at capture."""

    def __init__(self, index: int = 0, size: tuple[int, int] | None = None,
                 fps: float | None = None) -> None:
        import cv2

        super().__init__(index, f"camera device {index}")
        if size is not None:
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        if fps is not None:
            self._cap.set(cv2.CAP_PROP_FPS, fps)

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while (image := self._read()) is not None:
            yield Frame(image, time.monotonic(), index)
            index += 1


class VideoFileSource(_CaptureSource):
    """A video file; timestamps are the frames' positions in the file."""

    def __init__(self, path: str | Path) -> None:
        import cv2

        p = Path(path)
        if not p.is_file():
            raise CameraError(f"{p}: no such video file")
        super().__init__(str(p), f"video file {p}")
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS)) or 30.0

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while (image := self._read()) is not None:
            yield Frame(image, index / self.fps, index)
            index += 1


class ImageFolderSource(FrameSource):
    """Every image in a folder, sorted by file name, at a nominal frame rate.

    An unreadable file is skipped with a warning; the stream goes on.
    """

    def __init__(self, folder: str | Path, fps: float = 30.0, loop: bool = False) -> None:
        root = Path(folder)
        if not root.is_dir():
            raise CameraError(f"{root}: not a folder of images")
        self.files = sorted(p for p in root.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise CameraError(f"{root}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self.fps, self.loop = fps, loop

    def __iter__(self) -> Iterator[Frame]:
        import cv2

        index = 0
        while True:
            for file in self.files:
                image = cv2.imread(str(file), cv2.IMREAD_COLOR)
                if image is None:
                    log.warning("%s: not a readable image, skipped", file)
                    continue
                yield Frame(image, index / self.fps, index)
                index += 1
            if not self.loop or index == 0:
                return


class StillImageSource(FrameSource):
    """One image repeated ``count`` times (forever when None); each frame is a fresh copy."""

    def __init__(self, path: str | Path, count: int | None = 1, fps: float = 30.0) -> None:
        self.image = read_image(path)
        self.count, self.fps = count, fps

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while self.count is None or index < self.count:
            yield Frame(self.image.copy(), index / self.fps, index)
            index += 1


def read_image(path: str | Path) -> np.ndarray:
    """A BGR image from a file, or a :class:`CameraError` naming the problem."""
    import cv2

    p = Path(path)
    if not p.is_file():
        raise CameraError(f"{p}: no such image file")
    image = cv2.imread(str(p), cv2.IMREAD_COLOR)
    if image is None:
        raise CameraError(f"{p}: not a readable image")
    return image


def open_source(spec: str, fps: float = 30.0, count: int | None = 1) -> FrameSource:
    """A source from a string: a device index ("0", "device:1"), a folder, a video or an image."""
    text = spec.strip()
    device = text.removeprefix("device:")
    if device.isdigit():
        return DeviceSource(int(device))
    path = Path(text)
    if path.is_dir():
        return ImageFolderSource(path, fps)
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return VideoFileSource(path)
    if suffix in IMAGE_SUFFIXES:
        return StillImageSource(path, count, fps)
    raise CameraError(
        f"{spec}: not a camera index, folder, video ({', '.join(sorted(VIDEO_SUFFIXES))}) "
        f"or image ({', '.join(sorted(IMAGE_SUFFIXES))})"
    )
