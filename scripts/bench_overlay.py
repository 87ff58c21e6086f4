#!/usr/bin/env python
"""Overlay benchmark at 1280×720 on one thread, on generated equipment scenes.

Prints:
  * frames per second with tag detection and drawing (goal ≥ 30);
  * compose time as a ratio to the raw OpenCV draw calls of the same panels drawn
    straight onto the frame (goal ≤ 1.2), both for a steady view and for a view
    that changes every frame;
  * intent → updated card latency in frames: a view submitted (from another
    thread) before frame k starts must be what frame k shows (goal: 0 frames late).

Usage: python scripts/bench_overlay.py [--frames 150] [--trials 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import threading
import time

import numpy as np

from glasses.overlay.paint import Painter
from glasses.overlay.pipeline import OverlayPipeline
from glasses.overlay.renderer import OverlayRenderer, RenderResult
from glasses.overlay.synth import make_scene, pan_series
from glasses.overlay.tags import Tag
from glasses.overlay.tracker import TagTracker
from glasses.overlay.view import (
    ListenState,
    Online,
    OverlayView,
    ReadingView,
    Trend,
)

SIZE = (1280, 720)


def bench_view(step: int = 3) -> OverlayView:
    return OverlayView(
        procedure_title="CRAC compressor high-pressure trip recovery",
        step_index=step, step_total=16,
        step_text="Read the discharge pressure on the manifold gauge and compare it with the "
        "unit display.",
        hold_point="Confirm the disconnect is locked and tagged.",
        expected="discharge pressure 250–450 psig",
        cautions=("Discharge lines can exceed 90 °C.",),
        listening=ListenState.LISTENING, caption="next step",
        connectivity=Online("gw-hall-a"),
        readings=(ReadingView("discharge_pressure", 312.0, "psig", Trend.UP, 4.0),
                  ReadingView("supply_air_temp", 18.5, "°C", Trend.FLAT, 12.0)),
    )


def load_frames(n: int) -> list[np.ndarray]:
    return [make_scene(spec).image for spec in pan_series(n, SIZE)]


def measure_fps(frames: list[np.ndarray], rounds: int = 2) -> tuple[float, list[float], float]:
    """Whole pipeline (detect + anchor + draw), one thread; the view advances every 30 frames."""
    pipeline = OverlayPipeline()
    from glasses.overlay.camera import Frame

    per_frame: list[float] = []
    detect_s = 0.0
    index = 0
    for _ in range(rounds):
        for image in frames:
            if index % 30 == 0:
                pipeline.submit(bench_view(1 + (index // 30) % 16))
            frame = Frame(image.copy(), index / 30.0, index)
            t0 = time.perf_counter()
            pipeline.process(frame)
            per_frame.append(time.perf_counter() - t0)
            index += 1
    tracker = TagTracker()
    t0 = time.perf_counter()
    for image in frames:
        tracker.update(image)
    detect_s = (time.perf_counter() - t0) / len(frames)
    return len(per_frame) / sum(per_frame), per_frame, detect_s


def draw_raw(frame: np.ndarray, result: RenderResult) -> None:
    """The same panels' OpenCV draw calls, straight onto the frame (no cache, no blend)."""
    for panel in result.panels:
        panel.column.paint(Painter(frame, origin=(panel.x, panel.y), opaque=True))


def measure_compose(frames: list[np.ndarray], tags: list[list[Tag]],
                    change_every_frame: bool) -> tuple[float, float]:
    """Mean seconds per frame: renderer.render vs the raw draw calls of what it drew."""
    renderer = OverlayRenderer()
    compose: list[float] = []
    raw: list[float] = []
    for i, (image, frame_tags) in enumerate(zip(frames, tags, strict=True)):
        view = bench_view()
        if change_every_frame:
            view = dataclasses.replace(view, caption=f"go to step {i}", step_index=1 + i % 16)
        frame = image.copy()
        t0 = time.perf_counter()
        result = renderer.render(frame, frame_tags, i / 30.0, view)
        compose.append(time.perf_counter() - t0)
        frame = image.copy()
        t0 = time.perf_counter()
        draw_raw(frame, result)
        raw.append(time.perf_counter() - t0)
    return statistics.fmean(compose[5:]), statistics.fmean(raw[5:])


def measure_latency(frames: list[np.ndarray], trials: int) -> list[int]:
    """Frames between submitting a view (from another thread) and a frame showing it."""
    pipeline = OverlayPipeline()
    pipeline.submit(bench_view(1))
    from glasses.overlay.camera import Frame

    started = 0  # frames whose processing has begun
    lock = threading.Lock()
    shown: dict[int, OverlayView] = {}
    stop = threading.Event()

    def loop() -> None:
        nonlocal started
        i = 0
        while not stop.is_set():
            with lock:
                index = started
                started += 1
            image = frames[i % len(frames)].copy()
            result = pipeline.process(Frame(image, index / 30.0, index))
            shown[index] = result.view
            i += 1
            time.sleep(0.001)

    worker = threading.Thread(target=loop, daemon=True)
    worker.start()
    lates: list[int] = []
    rng = np.random.default_rng(5)
    for trial in range(trials):
        time.sleep(float(rng.uniform(0.02, 0.08)))
        view = bench_view(2 + trial % 14)
        view = dataclasses.replace(view, caption=f"go to step {trial}")
        with lock:
            pipeline.submit(view)
            first_after = started  # the first frame to start after the submission
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            hits = [k for k, v in list(shown.items()) if v is view]
            if hits:  # a frame already in flight may pick the view up: that counts as 0
                lates.append(max(0, min(hits) - first_after))
                break
            time.sleep(0.005)
    stop.set()
    worker.join()
    return lates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=150, help="generated frames (default 150)")
    ap.add_argument("--trials", type=int, default=20, help="latency trials (default 20)")
    args = ap.parse_args()
    print(f"generating {args.frames} scenes at {SIZE[0]}x{SIZE[1]} …", flush=True)
    frames = load_frames(args.frames)

    fps, per_frame, detect_s = measure_fps(frames)
    ms = sorted(t * 1e3 for t in per_frame)
    print(f"pipeline (detect + anchor + draw, 1 thread): {fps:.1f} fps  "
          f"(per frame p50 {ms[len(ms) // 2]:.1f} ms, p95 {ms[int(len(ms) * 0.95)]:.1f} ms; "
          f"detection alone {detect_s * 1e3:.1f} ms)  goal >= 30 fps")

    tracker = TagTracker()
    tags = [tracker.update(f) for f in frames]
    found = sum(bool(t) for t in tags) / len(tags)
    print(f"frames with a tag found while panning: {found:.1%}")
    for label, change in (("steady view", False), ("view changing every frame", True)):
        compose, raw = measure_compose(frames, tags, change)
        print(f"compose {label}: {compose * 1e3:.2f} ms vs raw draw calls {raw * 1e3:.2f} ms "
              f"-> ratio {compose / raw:.2f}  goal <= 1.2")

    lates = measure_latency(frames, args.trials)
    on_time = sum(late == 0 for late in lates)
    print(f"intent -> updated card: shown by the next frame in {on_time}/{len(lates)} trials "
          f"(frames late: max {max(lates)})  goal: every trial, 0 frames late")


if __name__ == "__main__":
    main()
