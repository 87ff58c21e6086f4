"""The AR step overlay: tag detection, card anchoring, rendering, camera sources and sinks.

Typical use on the device::

    pipeline = OverlayPipeline(config, on_primary=identify_equipment)
    pipeline.submit(view)                      # from the voice loop, any thread
    with open_source("0") as source, open_sink("window") as sink:
        pipeline.run(source, sink)

OpenCV is imported only inside the functions that draw or detect.
"""

from glasses.overlay.anchor import Anchor, AnchorConfig, Corner, Placement, Side
from glasses.overlay.camera import CameraError, Frame, FrameSource, open_source
from glasses.overlay.from_document import step_view
from glasses.overlay.geometry import Rect
from glasses.overlay.pipeline import OverlayConfig, OverlayPipeline
from glasses.overlay.renderer import OverlayRenderer, RenderConfig, RenderResult
from glasses.overlay.sinks import FrameSink, SinkError, open_sink
from glasses.overlay.tags import DetectorConfig, Tag, TagDetector, TagKind, primary_tag
from glasses.overlay.tracker import TagTracker, TrackerConfig
from glasses.overlay.view import (
    AlertView,
    ListenState,
    Offline,
    Online,
    OverlayView,
    ReadingView,
    Severity,
    Trend,
)

__all__ = [
    "AlertView", "Anchor", "AnchorConfig", "CameraError", "Corner", "DetectorConfig", "Frame",
    "FrameSink", "FrameSource", "ListenState", "Offline", "Online", "OverlayConfig",
    "OverlayPipeline", "OverlayRenderer", "OverlayView", "Placement", "ReadingView", "Rect",
    "RenderConfig", "RenderResult", "Severity", "Side", "SinkError", "Tag", "TagDetector",
    "TagKind", "TagTracker", "TrackerConfig", "Trend", "open_sink", "open_source",
    "primary_tag", "step_view",
]
