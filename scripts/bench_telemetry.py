"""Benchmark telemetry anomaly detection and polling overhead.

1. Detection: a synthetic month of 1-minute readings for 32 points of the sample
   site's kinds (daily cycles, day-to-day weather, correlated noise, quantised
   values). The first days are the stored history the engine learns from; then
   faults are injected at random times and points (drift, step, stuck sensor,
   dropout) and the engine runs sample by sample. Prints the detection delay
   (samples from the fault's first sample to its alert, counting that sample)
   and false alerts per point-day on the fault-free part (outside the learning
   days and outside each fault plus 6 hours). Goals: delay <= 10, <= 0.05.
   Fault sizes are in units of each point's noise (sigma): drift 0.5 sigma per
   sample (e.g. 1.5 psig/min on a discharge pressure with 3 psig noise), step
   5 sigma. ``--sweep`` also measures other sizes.
2. Overhead: CPU time to ingest + detect one poll of 1,000 points, to store it
   in SQLite, and the wall/CPU time of a Modbus poll of 1,000 registers against
   a local pymodbus server (server and client share this process).

Usage: python scripts/bench_telemetry.py [--days 30] [--faults 10] [--seed 1] [--sweep]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gateway.telemetry.config import DetectionSettings
from gateway.telemetry.engine import TelemetryEngine
from gateway.telemetry.model import AlertChange, Reading
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
DRIFT = 0.5  # drift fault: change per sample, in units of the point's noise
STEP = 5.0  # step fault: offset, in units of the point's noise
RECOVERY = 360  # samples after a fault that do not count as fault-free

# kind: (mean, daily amplitude, noise, peak hour, noise autocorrelation, weather, resolution),
#       normal low, normal high, hard high
KINDS: dict[str, tuple[SeriesShape, float, float, float | None]] = {
    "discharge_pressure": (SeriesShape(390, 25, 3.0, 16, 0.6, 8, 0.1), 340, 450, 610),
    "suction_pressure": (SeriesShape(120, 5, 1.2, 15, 0.5, 3, 0.1), 100, 140, None),
    "supply_air_temp": (SeriesShape(18, 0.8, 0.15, 15, 0.6, 0.3, 0.1), 15, 21, 27),
    "return_air_temp": (SeriesShape(29, 2, 0.25, 16, 0.6, 0.6, 0.1), 24, 35, 40),
    "compressor_current": (SeriesShape(28, 3, 0.6, 15, 0.4, 1, 0.1), 15, 40, 48),
    "fan_speed": (SeriesShape(70, 8, 1.5, 15, 0.5, 2, 1.0), 40, 100, None),
    "valve_position": (SeriesShape(45, 12, 1.5, 15, 0.6, 3, 1.0), 10, 90, None),
    "chw_supply_temp": (SeriesShape(10, 0.3, 0.12, 15, 0.5, 0.1, 0.01), 7, 13, None),
    "chw_return_temp": (SeriesShape(15, 1, 0.15, 15, 0.5, 0.3, 0.01), 12, 19, None),
    "load_pct": (SeriesShape(55, 8, 0.8, 14, 0.5, 2, 0.1), 10, 80, 95),
    "battery_temp": (SeriesShape(23, 0.5, 0.1, 16, 0.7, 0.3, 0.1), 18, 27, 35),
}
CRAC = list(KINDS)[:6]
CRAH = ["valve_position", "chw_supply_temp", "chw_return_temp"]
EQUIPMENT: dict[str, tuple[str, list[str]]] = {
    **{f"CRAC-0{i}": ("crac", CRAC) for i in range(1, 5)},
    **{f"CRAH-0{i}": ("crah", CRAH) for i in (1, 2)},
    "UPS-A": ("ups", ["load_pct", "battery_temp"]),
}


@dataclass
class Series:
    point: Point
    shape: SeriesShape
    ts: np.ndarray
    values: np.ndarray
    faults: list[Fault] = field(default_factory=list)


def make_point(tag: str, name: str, register: int) -> Point:
    shape, low, high, hard = KINDS[name]
    address = ModbusAddress(register, RegisterType.HOLDING, DataType.INT16, shape.resolution)
    return Point(tag, name, "u", low, high, "bench", address, hard_high=hard)


def point_list(port: int = 5020, racks: int = 0) -> PointList:
    """The 32 site points, plus ``racks`` rack inlet temperatures (for the overhead run)."""
    spec = ModbusSourceSpec(
        "bench", f"modbus+tcp://127.0.0.1:{port}", "127.0.0.1", port, interval_s=INTERVAL
    )
    points = [make_point(tag, n, 0) for tag, (_t, names) in EQUIPMENT.items() for n in names]
    points += [make_point(f"RACK-{i:04d}", "supply_air_temp", 0) for i in range(racks)]
    points = [
        Point(p.tag, p.name, p.unit, p.low, p.high, p.source,
              ModbusAddress(i, RegisterType.HOLDING, DataType.INT16, p.resolution),
              hard_high=p.hard_high)
        for i, p in enumerate(points)
    ]  # fmt: skip
    equipment = {tag: Equipment(tag, etype) for tag, (etype, _) in EQUIPMENT.items()}
    return PointList(Path("bench"), {"bench": spec}, equipment, tuple(points))


def build_series(
    points: PointList, days: int, n_faults: int, rng: np.random.Generator, drift: float, step: float
) -> list[Series]:
    n = int(days * 86_400 / INTERVAL)
    series = []
    for p in points.points:
        shape = KINDS[p.name][0]
        ts, values = generate(shape, START, n, INTERVAL, rng)
        series.append(Series(p, shape, ts, values))
    first = int((WARMUP_DAYS + 1) * 86_400 / INTERVAL)
    sizes = {FaultKind.DRIFT: drift, FaultKind.STEP: step}
    for kind in FaultKind:
        for s in rng.choice(np.array(series, dtype=object), size=n_faults, replace=False):
            length = 30 if kind is FaultKind.DROPOUT else 120
            start = int(rng.integers(first, n - length - RECOVERY))
            if any(abs(f.start - start) < length + RECOVERY for f in s.faults):
                continue
            sign = 1.0 if rng.random() < 0.5 else -1.0
            fault = Fault(kind, start, length, sizes.get(kind, 0.0) * sign * s.shape.noise)
            s.faults.append(fault)
            s.values = inject(s.values, fault, s.shape.resolution)
    return series


def run_detection(
    points: PointList, series: list[Series], settings: DetectionSettings
) -> tuple[dict[tuple[str, str], list[tuple[int, str]]], float]:
    """Every alert opened (sample index, kind) per point, and CPU seconds per sample."""
    engine = TelemetryEngine(points, settings)
    warm = int(WARMUP_DAYS * 86_400 / INTERVAL)
    for s in series:
        engine.warm_up(s.point.tag, s.point.name, list(s.ts[:warm]), list(s.values[:warm]))
    n = len(series[0].ts)
    opened: dict[tuple[str, str], list[tuple[int, str]]] = {}
    cpu = 0.0
    for i in range(warm, n):
        batch = [
            Reading(s.point.tag, s.point.name, float(s.ts[i]),
                    None if math.isnan(s.values[i]) else float(s.values[i]))
            for s in series
        ]  # fmt: skip
        t0 = time.process_time()
        events = engine.ingest(batch)
        cpu += time.process_time() - t0
        for ev in events:
            if ev.change is AlertChange.OPENED:
                key = (ev.alert.tag, ev.alert.point)
                opened.setdefault(key, []).append((i, ev.alert.kind.value))
    return opened, cpu / (len(series) * (n - warm))


@dataclass
class Score:
    delays: dict[FaultKind, list[int | None]]
    false_alerts: int
    point_days: float
    false_kinds: dict[str, int]
    lines: list[str]


def score(series: list[Series], opened: dict[tuple[str, str], list[tuple[int, str]]]) -> Score:
    n = len(series[0].ts)
    warm = int(WARMUP_DAYS * 86_400 / INTERVAL)
    result = Score({k: [] for k in FaultKind}, 0, 0.0, {}, [])
    for s in series:
        alerts = opened.get((s.point.tag, s.point.name), [])
        excluded = np.zeros(n, dtype=bool)
        excluded[:warm] = True
        for f in s.faults:
            excluded[f.start : f.start + f.length + RECOVERY] = True
            hits = [(i, k) for i, k in alerts if f.start <= i < f.start + f.length]
            delay = hits[0][0] - f.start + 1 if hits else None
            result.delays[f.kind].append(delay)
            caught = f"{hits[0][1]} alert after {delay}" if hits else "MISSED"
            result.lines.append(
                f"  {f.kind.value:8s} {s.point.tag}.{s.point.name:19s} "
                f"size {f.size / s.shape.noise:+.2f} sigma -> {caught}"
            )
        result.point_days += float((~excluded).sum()) * INTERVAL / 86_400
        for i, kind in alerts:
            if not excluded[i]:
                result.false_alerts += 1
                result.false_kinds[kind] = result.false_kinds.get(kind, 0) + 1
    return result


def print_score(result: Score, verbose: bool) -> None:
    if verbose:
        print("\n".join(result.lines))
    print("fault     injected  missed  delay median  delay max  (samples, goal <= 10)")
    for kind, ds in result.delays.items():
        found = [d for d in ds if d is not None]
        med = f"{statistics.median(found):.1f}" if found else "-"
        worst = str(max(found)) if found else "-"
        print(f"{kind.value:9s} {len(ds):8d} {len(ds) - len(found):7d} {med:>13s} {worst:>10s}")
    rate = result.false_alerts / result.point_days
    print(f"false alerts: {result.false_alerts} in {result.point_days:.0f} fault-free point-days"
          f" = {rate:.4f} per point-day (goal <= 0.05)")  # fmt: skip
    if result.false_kinds:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(result.false_kinds.items()))
        print(f"  false alerts by detector: {kinds}")


def detection(args: argparse.Namespace, settings: DetectionSettings) -> None:
    rng = np.random.default_rng(args.seed)
    points = point_list()
    series = build_series(points, args.days, args.faults, rng, args.drift, args.step)
    print(f"== detection: {len(series)} points, {args.days} days of 1-minute samples, "
          f"first {WARMUP_DAYS} days learned as history; drift {args.drift} sigma/sample, "
          f"step {args.step} sigma")  # fmt: skip
    opened, cpu = run_detection(points, series, settings)
    print_score(score(series, opened), args.verbose)
    print(f"detection CPU: {cpu * 1e6:.1f} us per sample")
    if args.sweep:
        for drift, step in ((0.25, 3.0), (1.0, 8.0)):
            rng = np.random.default_rng(args.seed + 1)
            series = build_series(points, 12, args.faults, rng, drift, step)
            opened, _ = run_detection(points, series, settings)
            result = score(series, opened)
            print(f"-- sweep (12 days): drift {drift} sigma/sample, step {step} sigma")
            print_score(Score(result.delays, result.false_alerts, result.point_days, {}, []), False)


def overhead(n_points: int) -> None:
    print(f"== overhead: {n_points} points")
    points = point_list(racks=n_points - 32)
    rng = np.random.default_rng(3)
    engine = TelemetryEngine(points, DetectionSettings(utc_offset_s=0.0))
    history = int(2 * 86_400 / INTERVAL)
    for p in points.points:
        ts, values = generate(KINDS[p.name][0], START, history, INTERVAL, rng)
        engine.warm_up(p.tag, p.name, list(ts), list(values))
    polls = 30
    shape = KINDS["supply_air_temp"][0]
    ts, values = generate(shape, START + history * INTERVAL, polls, INTERVAL, rng)
    batches = [
        [Reading(p.tag, p.name, float(ts[i]), float(values[i]) + 0.01 * j)
         for j, p in enumerate(points.points)]
        for i in range(polls)
    ]  # fmt: skip
    cpu = []
    for batch in batches:
        t0 = time.process_time()
        engine.ingest(batch)
        cpu.append(time.process_time() - t0)
    per_poll = statistics.median(cpu)
    print(f"ingest + detect: {per_poll * 1e3:.1f} ms CPU per poll of {n_points} points "
          f"(= {per_poll * 100:.1f} % of one core at a 1 s poll interval)")  # fmt: skip
    from gateway.telemetry.store import TelemetryStore

    with tempfile.TemporaryDirectory() as tmp:
        store = TelemetryStore(Path(tmp) / "bench.sqlite3")
        cpu, wall = [], []
        for batch in batches:
            t0, w0 = time.process_time(), time.perf_counter()
            store.write(batch)
            cpu.append(time.process_time() - t0)
            wall.append(time.perf_counter() - w0)
        store.close()
    print(f"SQLite store: {statistics.median(wall) * 1e3:.1f} ms wall, "
          f"{statistics.median(cpu) * 1e3:.1f} ms CPU "
          f"per poll of {n_points} readings (WAL)")  # fmt: skip
    asyncio.run(modbus_poll(points))


async def modbus_poll(points: PointList) -> None:
    from gateway.telemetry.simulator import SiteSimulator, retarget
    from gateway.telemetry.source import open_source

    sim = SiteSimulator(points)
    port = await sim.start()
    try:
        live = retarget(points, "127.0.0.1", port)
        source = open_source(live.sources["bench"], live.points)
        await source.read(live.points)  # connect
        cpu, wall = [], []
        for _ in range(20):
            t0, w0 = time.process_time(), time.perf_counter()
            readings = await source.read(live.points)
            cpu.append(time.process_time() - t0)
            wall.append(time.perf_counter() - w0)
        await source.close()
    finally:
        await sim.stop()
    good = sum(r.value is not None for r in readings)
    requests = math.ceil(len(points.points) / 120)
    print(f"Modbus TCP poll of {len(points.points)} registers ({requests} block reads, {good} "
          f"values): {statistics.median(wall) * 1e3:.1f} ms wall, "
          f"{statistics.median(cpu) * 1e3:.1f} ms CPU "
          "(pymodbus server in the same process)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--faults", type=int, default=10, help="injections per fault kind")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--drift", type=float, default=DRIFT, help="drift, sigma per sample")
    ap.add_argument("--step", type=float, default=STEP, help="step size, sigma")
    ap.add_argument("--sweep", action="store_true", help="also measure other fault sizes")
    ap.add_argument("--points", type=int, default=1000, help="points in the overhead run")
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--skip-detection", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="print every injected fault")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a DetectionSettings field, e.g. --set cusum_h=10")  # fmt: skip
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = type(getattr(DetectionSettings(), key))(value)
    settings = DetectionSettings(utc_offset_s=0.0, **overrides)
    if not args.skip_detection:
        detection(args, settings)
    if not args.skip_overhead:
        overhead(args.points)
    return 0


if __name__ == "__main__":
    sys.exit(main())
