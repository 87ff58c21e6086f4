"""Frame sources and sinks: device, video file, image folder, still image; window, MP4, PNG."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from glasses.overlay.camera import (
    CameraError,
    DeviceSource,
    ImageFolderSource,
    StillImageSource,
    VideoFileSource,
    open_source,
)
from glasses.overlay.sinks import (
    Mp4Sink,
    PngFolderSink,
    SinkError,
    WindowSink,
    open_sink,
    window_unavailable_reason,
)


def _frame(value: int, size: tuple[int, int] = (160, 120)) -> np.ndarray:
    img = np.zeros((size[1], size[0], 3), np.uint8)
    img[:, : size[0] // 2] = value
    return img


def test_image_folder_is_read_in_name_order_with_timestamps(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import cv2

    for name, value in (("b.png", 20), ("a.png", 10), ("c.jpg", 30)):
        cv2.imwrite(str(tmp_path / name), _frame(value))
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with caplog.at_level(logging.WARNING), ImageFolderSource(tmp_path, fps=10) as source:
        frames = list(source)
    assert [f.index for f in frames] == [0, 1, 2]
    assert [f.t for f in frames] == pytest.approx([0.0, 0.1, 0.2])
    assert [int(f.image[0, 0, 0]) for f in frames] == pytest.approx([10, 20, 30], abs=2)
    assert "broken.png: not a readable image" in caplog.text


def test_still_image_repeats_fresh_copies(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "still.png"
    cv2.imwrite(str(path), _frame(50))
    frames = list(StillImageSource(path, count=3))
    assert len(frames) == 3
    frames[0].image[:] = 0  # drawing on one frame leaves the others alone
    assert frames[1].image.max() == 50


def test_mp4_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    with Mp4Sink(path, fps=25) as sink:
        for i in range(12):
            sink.write(_frame(20 * i))
    assert path.stat().st_size > 0
    with VideoFileSource(path) as source:
        frames = list(source)
    assert len(frames) == 12
    assert frames[0].image.shape == (120, 160, 3)
    assert frames[3].t == pytest.approx(3 / 25)


def test_mp4_rejects_a_frame_of_another_size(tmp_path: Path) -> None:
    with Mp4Sink(tmp_path / "a.mp4") as sink:
        sink.write(_frame(1))
        with pytest.raises(SinkError, match="differs"):
            sink.write(_frame(1, (320, 240)))


def test_png_folder_sink_numbers_frames(tmp_path: Path) -> None:
    with PngFolderSink(tmp_path / "out") as sink:
        for i in range(3):
            sink.write(_frame(i))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "frame_000000.png", "frame_000001.png", "frame_000002.png"]


def test_open_source_picks_by_spec(tmp_path: Path) -> None:
    import cv2

    cv2.imwrite(str(tmp_path / "x.png"), _frame(1))
    assert isinstance(open_source(str(tmp_path)), ImageFolderSource)
    assert isinstance(open_source(str(tmp_path / "x.png")), StillImageSource)
    with pytest.raises(CameraError, match="no such video"):
        open_source(str(tmp_path / "missing.mp4"))
    with pytest.raises(CameraError, match="not a camera index"):
        open_source(str(tmp_path / "notes.txt"))
    with pytest.raises(CameraError, match="not a readable image"):
        (tmp_path / "bad.png").write_bytes(b"x")
        StillImageSource(tmp_path / "bad.png")


def test_missing_camera_device_is_a_clear_error() -> None:
    with pytest.raises(CameraError, match="cannot open camera device 57"):
        DeviceSource(57)


def test_window_falls_back_to_png_frames_with_a_message(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    reason = window_unavailable_reason()
    assert reason is not None  # headless OpenCV / no display on this machine
    with pytest.raises(SinkError, match="cannot open a window"):
        WindowSink()
    with caplog.at_level(logging.WARNING):
        sink = open_sink("window", fallback_dir=tmp_path / "frames")
    assert isinstance(sink, PngFolderSink)
    assert reason in caplog.text and "frames" in caplog.text


def test_open_sink_by_spec(tmp_path: Path) -> None:
    assert isinstance(open_sink(str(tmp_path / "v.mp4")), Mp4Sink)
    assert isinstance(open_sink(str(tmp_path / "pngs")), PngFolderSink)
    with pytest.raises(SinkError, match="window"):
        open_sink(str(tmp_path / "v.gif"))
