"""Benchmark telemetry anomaly detection and polling overhead.

1. Detection: a synthetic month of 1-minute readings for a site's points (daily
   cycles, day-to-day weather, correlated noise, quantised values). The first
   days seed the learned pattern (as stored history would); then faults are
   injected (drift, step, stuck sensor, dropout) and the engine runs sample by
   sample. Prints the detection delay (samples from the fault's first sample to
   the alert) for each fault, and false alerts per point-day on the fault-free
   part. Goals: delay <= 10 samples, <= 0.05 false alerts per point-day.
2. Overhead: CPU time to ingest + detect one poll of 1,000 points (and to store
   it in SQLite), and the wall/CPU time of one Modbus poll of 1,000 registers
   against a local pymodbus server.

Usage: python scripts/bench_telemetry.py [--days 30] [--faults 8] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.engine import TelemetryEngine
from gateway.telemetry.model import AlertCategory, AlertChange, Reading
from gateway.telemetry.points import (
    DataType,
    Equipment,
    ModbusAddress,
    ModbusSourceSpec,
    Point,
    PointList,
    RegisterType,
)
from gateway.telemetry.synthetic import Fault, FaultKind, SeriesShape, generate, inject

INTERVAL = 60.0
START = 1_700_000_000.0 - (1_700_000_000.0 % 86_400.0)
WARMUP_DAYS = 3
DRIFT_PER_SAMPLE = 0.5  # drift fault: change per sample, in units of the point's noise
STEP_SIZE = 5.0  # step fault: offset, in units of the point's noise
RECOVERY = 360
VERBOSE = False  # samples after a fault that are not counted as fault-free

# name: (shape, low, high, hard_high, resolution)
KINDS: dict[str, tuple[SeriesShape, float, float, float | None]] = {
    "discharge_pressure": (SeriesShape(390, 25, 3.0, 16, 0.6, 8, 0.1), 340, 450, 600),
    "suction_pressure": (SeriesShape(120, 5, 1.2, 15, 0.5, 3, 0.1), 100, 140, None),
    "supply_air_temp": (SeriesShape(18, 0.8, 0.15, 15, 0.6, 0.3, 0.1), 15, 21, 27),
    "return_air_temp": (SeriesShape(29, 2, 0.25, 16, 0.6, 0.6, 0.1), 24, 35, 40),
    "compressor_current": (SeriesShape(28, 3, 0.6, 15, 0.4, 1, 0.1), 15, 40, 48),
    "fan_speed": (SeriesShape(70, 8, 1.5, 15, 0.5, 2, 1.0), 40, 100, None),
    "valve_position": (SeriesShape(45, 12, 1.5, 15, 0.6, 3, 1.0), 10, 90, None),
    "chw_supply_temp": (SeriesShape(7, 0.3, 0.12, 15, 0.5, 0.1, 0.01), 5.5, 9, None),
    "chw_return_temp": (SeriesShape(13, 1, 0.15, 15, 0.5, 0.3, 0.01), 10, 16, None),
    "load_pct": (SeriesShape(55, 8, 0.8, 14, 0.5, 2, 0.1), 20, 80, 95),
    "battery_temp": (SeriesShape(24, 0.5, 0.1, 16, 0.7, 0.3, 0.1), 20, 27, 35),
}
EQUIPMENT = {
    **{f"CRAC-0{i}": ("crac", list(KINDS)[:6]) for i in range(1, 5)},
    **{f"CRAH-0{i}": ("crah", ["valve_position", "chw_supply_temp", "chw_return_temp"]) for i in (1, 2)},
    "UPS-A": ("ups", ["load_pct", "battery_temp"]),
}


@dataclass
class Series:
    point: Point
    shape: SeriesShape
    ts: np.ndarray
    values: np.ndarray
    faults: list[Fault]


def point_list(port: int = 5020, n_extra: int = 0) -> PointList:
    source = ModbusSourceSpec("bench", f"modbus+tcp://127.0.0.1:{port}", "127.0.0.1", port,
                              interval_s=INTERVAL)
    points: list[Point] = []
    for tag, (_etype, names) in EQUIPMENT.items():
        for name in names:
            shape, low, high, hard = KINDS[name]
            points.append(_point(tag, name, shape, low, high, hard, len(points)))
    for i in range(n_extra):
        shape, low, high, hard = KINDS["supply_air_temp"]
        points.append(_point(f"RACK-{i:04d}", "inlet_temp", shape, low, high, hard, len(points)))
    equipment = {tag: Equipment(tag, etype) for tag, (etype, _) in EQUIPMENT.items()}
    return PointList(Path("bench"), {"bench": source}, equipment, tuple(points))


def _point(tag: str, name: str, shape: SeriesShape, low: float, high: float,
           hard: float | None, register: int) -> Point:
    address = ModbusAddress(register, RegisterType.HOLDING, DataType.INT16, shape.resolution or 0.01)
    return Point(tag, name, "u", low, high, "bench", address, hard_high=hard)


def build_series(
    points: PointList, days: int, n_faults: int, rng: np.random.Generator,
    drift: float = DRIFT_PER_SAMPLE, step: float = STEP_SIZE,
) -> list[Series]:
    n = int(days * 86_400 / INTERVAL)
    series = []
    for p in points.points:
        shape = KINDS[p.name][0]
        ts, values = generate(shape, START, n, INTERVAL, rng)
        series.append(Series(p, shape, ts, values, []))
    first = int(WARMUP_DAYS * 86_400 / INTERVAL) + 1440
    for kind in FaultKind:
        for s in rng.choice(series, size=n_faults, replace=False):
            length = 30 if kind is FaultKind.DROPOUT else 120
            start = int(rng.integers(first, n - length - RECOVERY))
            sign = 1.0 if rng.random() < 0.5 else -1.0
            size = {FaultKind.DRIFT: drift, FaultKind.STEP: step}.get(kind, 0.0) * sign * s.shape.noise
            fault = Fault(kind, start, length, size)
            if any(abs(f.start - start) < length + RECOVERY for f in s.faults):
                continue
            s.faults.append(fault)
            s.values = inject(s.values, fault, s.shape.resolution)
    return series


def run_detection(points: PointList, series: list[Series], settings: DetectionSettings) -> None:
    engine = TelemetryEngine(points, settings)
    warm = int(WARMUP_DAYS * 86_400 / INTERVAL)
    for s in series:
        engine.warm_up(s.point.tag, s.point.name, list(s.ts[:warm]), list(s.values[:warm]))
    n = len(series[0].ts)
    opened: dict[tuple[str, str], list[tuple[int, AlertCategory, str]]] = {}
    t0 = time.process_time()
    for i in range(warm, n):
        batch = [
            Reading(s.point.tag, s.point.name, float(s.ts[i]),
                    None if math.isnan(s.values[i]) else float(s.values[i]))
            for s in series
        ]
        for ev in engine.ingest(batch):
            if ev.change is AlertChange.OPENED:
                key = (ev.alert.tag, ev.alert.point)
                opened.setdefault(key, []).append((i, ev.alert.category, ev.alert.kind.value))
    cpu = time.process_time() - t0
    report(series, opened, warm, n)
    print(f"detection run: {len(series)} points x {n - warm} samples in {cpu:.1f} s CPU "
          f"({1e6 * cpu / (len(series) * (n - warm)):.1f} us per sample)")


def report(series: list[Series], opened: dict, warm: int, n: int) -> None:
    delays: dict[FaultKind, list[int | None]] = {k: [] for k in FaultKind}
    false_alerts, clean_samples = 0, 0
    false_kinds: dict[str, int] = {}
    for s in series:
        alerts = opened.get((s.point.tag, s.point.name), [])
        excluded = np.zeros(n, dtype=bool)
        excluded[:warm] = True
        for f in s.faults:
            excluded[f.start : f.start + f.length + RECOVERY] = True
            hits = [(i, k) for i, _c, k in alerts if f.start <= i < f.start + f.length]
            delays[f.kind].append(hits[0][0] - f.start + 1 if hits else None)
            if VERBOSE:
                print(f"  {f.kind.value:8s} {s.point.tag}.{s.point.name:20s} size {f.size:+.3f} "
                      f"-> {hits[0][1] + ' after ' + str(hits[0][0] - f.start + 1) if hits else 'missed'}")
        clean_samples += int((~excluded).sum())
        for i, cat, kind in alerts:
            if not excluded[i]:
                false_alerts += 1
                false_kinds[kind] = false_kinds.get(kind, 0) + 1
    print("fault       n  missed  delay median  delay max   (samples, goal <= 10)")
    for kind, ds in delays.items():
        found = [d for d in ds if d is not None]
        med = f"{statistics.median(found):.1f}" if found else "-"
        print(f"{kind.value:9s} {len(ds):3d} {len(ds) - len(found):6d} {med:>13s} "
              f"{max(found) if found else '-':>10}")
    point_days = clean_samples * INTERVAL / 86_400
    print(f"false alerts: {false_alerts} in {point_days:.0f} fault-free point-days = "
          f"{false_alerts / point_days:.4f} per point-day (goal <= 0.05)")
    if false_kinds:
        print("  false alerts by detector: "
              + ", ".join(f"{k} {n}" for k, n in sorted(false_kinds.items())))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--faults", type=int, default=8, help="injections per fault kind")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a DetectionSettings field, e.g. --set cusum_h=12")
    ap.add_argument("--drift", type=float, default=DRIFT_PER_SAMPLE,
                    help="drift fault rate, in noise units per sample")
    ap.add_argument("--verbose", action="store_true", help="print every injected fault")
    args = ap.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    rng = np.random.default_rng(args.seed)
    points = point_list()
    series = build_series(points, args.days, args.faults, rng, args.drift)
    print(f"{len(series)} points, {args.days} days of 1-minute samples, "
          f"first {WARMUP_DAYS} days as learned history")
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = type(getattr(DetectionSettings(), key))(value)
    settings = DetectionSettings(utc_offset_s=0.0, **overrides)
    run_detection(points, series, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
