"""Demo helpers: seed a database with synthetic history, run the site simulator with faults."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gateway.telemetry.baseline import local_utc_offset
from gateway.telemetry.model import Reading
from gateway.telemetry.points import PointList
from gateway.telemetry.simulator import SiteSimulator, point_shape
from gateway.telemetry.store import TelemetryStore
from gateway.telemetry.synthetic import generate

log = logging.getLogger(__name__)

FAULT_KINDS = ("drift", "step", "set", "stuck")


class FaultSpecError(ValueError):
    """A ``--fault`` argument is malformed or names an unknown point."""


@dataclass(frozen=True)
class DemoFault:
    tag: str
    point: str
    kind: str
    """drift (units per second), step (offset), set (value) or stuck."""
    value: float = 0.0


def parse_fault(text: str, points: PointList) -> DemoFault:
    """``CRAC-01.discharge_pressure=drift:0.5`` -> DemoFault."""
    target, sep, spec = text.partition("=")
    tag, dot, name = target.rpartition(".")
    if not sep or not dot:
        raise FaultSpecError(f"--fault {text!r}: expected TAG.POINT=KIND[:VALUE]")
    if points.find(tag, name) is None:
        raise FaultSpecError(f"--fault {text!r}: no point {name!r} on {tag!r} in the point list")
    kind, _, raw = spec.partition(":")
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f"--fault {text!r}: kind must be one of {', '.join(FAULT_KINDS)}")
    if kind == "stuck":
        return DemoFault(tag, name, kind)
    try:
        value = float(raw)
    except ValueError:
        raise FaultSpecError(f"--fault {text!r}: {kind} needs a number, e.g. {kind}:2") from None
    return DemoFault(tag, name, kind, value)


def apply_fault(sim: SiteSimulator, fault: DemoFault, now: float) -> None:
    base = sim.value_fn(fault.tag, fault.point)
    if fault.kind == "stuck":
        sim.freeze(fault.tag, fault.point)
    elif fault.kind == "set":
        sim.set_value(fault.tag, fault.point, fault.value)
    elif fault.kind == "step":
        sim.set_value(fault.tag, fault.point, lambda ts: base(ts) + fault.value)
    else:
        sim.set_value(fault.tag, fault.point, lambda ts: base(ts) + fault.value * (ts - now))


def seed_history(
    points: PointList, db: Path, days: float, interval_s: float = 60.0, seed: int = 0
) -> int:
    """Write ``days`` of healthy 1-minute history ending now; returns rows written."""
    rng = np.random.default_rng(seed)
    n = max(2, int(days * 86_400 / interval_s))
    start = time.time() - n * interval_s
    store = TelemetryStore(db)
    rows = 0
    try:
        for p in points.points:
            ts, values = generate(point_shape(p), start, n, interval_s, rng, local_utc_offset())
            readings = [
                Reading(p.tag, p.name, float(t), None if math.isnan(v) else float(v))
                for t, v in zip(ts, values, strict=True)
            ]
            store.write(readings)
            rows += len(readings)
    finally:
        store.close()
    return rows


async def run_simulator(
    points: PointList,
    host: str,
    port: int,
    faults: Sequence[DemoFault] = (),
    fault_after_s: float = 30.0,
    duration_s: float = 0.0,
    report: Callable[[str], None] = log.info,
) -> None:
    """Serve until cancelled (or for ``duration_s``); inject ``faults`` after a delay."""
    sim = SiteSimulator(points, host, port)
    bound = await sim.start()
    report(f"serving {len(points.points)} points on modbus+tcp://{host}:{bound} (Ctrl-C stops)")
    try:
        started = time.monotonic()
        if faults:
            await asyncio.sleep(fault_after_s)
            for fault in faults:
                apply_fault(sim, fault, time.time())
                report(f"fault injected: {fault.tag}.{fault.point} {fault.kind} {fault.value:g}")
        if duration_s > 0:
            await asyncio.sleep(max(0.0, duration_s - (time.monotonic() - started)))
        else:
            await asyncio.Event().wait()
    finally:
        await sim.stop()
