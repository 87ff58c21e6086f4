"""The camera stage: frames in a worker thread, tags to the core, the current view drawn.

The overlay pipeline (detection, anchoring, drawing) runs on its own thread so the
event loop never waits on a frame; the primary tag comes back to the loop with
``call_soon_threadsafe`` and every state change re-submits the view.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from glasses.machine.events import TagInView
from glasses.overlay.camera import Frame, open_source
from glasses.overlay.pipeline import OverlayConfig, OverlayPipeline
from glasses.overlay.sinks import open_sink
from glasses.runtime.core import GlassesCore
from glasses.runtime.overlay_view import equipment_tag, view_from_state

log = logging.getLogger(__name__)


def paced(frames: Iterable[Frame]) -> Iterator[Frame]:
    """Hand out recorded frames no faster than their timestamps (a live camera paces itself)."""
    start = time.monotonic()
    for frame in frames:
        delay = frame.t - (time.monotonic() - start)
        if delay > 0:
            time.sleep(delay)
        yield frame


class CameraStage:
    def __init__(self, core: GlassesCore, camera: str, output: str, config: OverlayConfig,
                 last_sync: Any = None) -> None:  # fmt: skip
        self.core = core
        self.camera = camera
        self.output = output
        self._last_sync = last_sync
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.pipeline = OverlayPipeline(config, on_primary=self._on_primary)
        self.task: asyncio.Task[int] | None = None

    def _on_primary(self, tag: Any) -> None:  # called on the camera thread
        name = equipment_tag(tag, self.core.state.library.registry)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.core.post, TagInView(name))

    def refresh(self) -> None:
        """Submit the view for the current state (thread-safe on the pipeline side)."""
        sync = self._last_sync() if callable(self._last_sync) else None
        self.pipeline.submit(view_from_state(self.core.state, self.core.readings, sync))

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.core.on_change.append(self.refresh)
        self.refresh()
        self.task = asyncio.create_task(asyncio.to_thread(self._run), name="camera")

    def _run(self) -> int:
        source = open_source(self.camera, count=None)
        with open_sink(self.output) as sink:
            return self.pipeline.run(paced(source), sink, self._stop)

    async def stop(self) -> None:
        self._stop.set()
        if self.task is not None:
            try:
                frames = await self.task
                log.info("camera stage wrote %d frames", frames)
            except Exception:
                log.exception("camera stage failed")
