"""One thread, one frame at a time: detect tags, anchor the card, draw, hand on.

The voice loop submits views with :meth:`OverlayPipeline.submit` from any
thread; the next frame processed shows them. When the primary tag in view
changes, ``on_primary`` is called (with None when no tag is in view), which is
where the glasses look the equipment up (``identify_equipment``); a tag missed
for less than the anchor's grace period does not count as a change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from glasses.overlay.camera import Frame
from glasses.overlay.renderer import OverlayRenderer, RenderConfig, RenderResult
from glasses.overlay.sinks import FrameSink, WindowSink
from glasses.overlay.tags import DetectorConfig, Tag, TagDetector
from glasses.overlay.tracker import TagTracker, TrackerConfig
from glasses.overlay.view import OverlayView

log = logging.getLogger(__name__)

PrimaryHook = Callable[[Tag | None], None]


@dataclass(frozen=True)
class OverlayConfig:
    """The whole overlay: detection, stream cadence, drawing and anchoring."""

    detector: DetectorConfig = field(default_factory=DetectorConfig)
    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    render: RenderConfig = field(default_factory=RenderConfig)


def tag_key(tag: Tag | None) -> tuple[str, int | str] | None:
    """What identifies a tag across frames (its kind and id)."""
    return None if tag is None else (tag.kind.value, tag.id)


class OverlayPipeline:
    """Camera frames in, annotated frames out."""

    def __init__(
        self, config: OverlayConfig | None = None, on_primary: PrimaryHook | None = None
    ) -> None:
        self.config = config or OverlayConfig()
        self.tracker = TagTracker(TagDetector(self.config.detector), self.config.tracker)
        self.renderer = OverlayRenderer(self.config.render)
        self.on_primary = on_primary
        self._primary: tuple[str, int | str] | None = None
        self._primary_seen = float("-inf")

    def submit(self, view: OverlayView) -> None:
        """Show ``view`` from the next processed frame on (thread-safe)."""
        self.renderer.submit(view)

    def process(self, frame: Frame) -> RenderResult:
        """Detect, anchor and draw onto ``frame.image`` in place."""
        tags = self.tracker.update(frame.image)
        result = self.renderer.render(frame.image, tags, frame.t)
        key = tag_key(result.primary)
        if key is not None:
            self._primary_seen = frame.t
        elif frame.t - self._primary_seen <= self.config.render.anchor.grace_s:
            key = self._primary  # a tag missed for a frame or two is still the same tag
        if key != self._primary:
            self._primary = key
            if self.on_primary is not None:
                try:
                    self.on_primary(result.primary)
                except Exception:  # a failing lookup must not stop the camera
                    log.exception("primary-tag hook failed for %s", key)
        return result

    def run(
        self,
        source: Iterable[Frame],
        sink: FrameSink,
        stop: threading.Event | None = None,
        max_frames: int | None = None,
    ) -> int:
        """Process frames from ``source`` into ``sink`` until the end, ``stop`` or a closed window.

        Returns the number of frames written.
        """
        count = 0
        for frame in source:
            if stop is not None and stop.is_set():
                break
            self.process(frame)
            sink.write(frame.image)
            count += 1
            if max_frames is not None and count >= max_frames:
                break
            if isinstance(sink, WindowSink) and sink.closed:
                break
        return count
