"""``gateway telemetry``: points, last values and open alerts; a simulator of the controllers."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from gateway.telemetry.config import TelemetryConfig
from protocol.cli import ExitCode


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "telemetry",
        help="equipment telemetry: status, or simulate the site's controllers",
        description="'status' prints every point of the point list with its last stored value, "
        "age and trend, then the open alerts (read from the telemetry database the running "
        "gateway writes). 'simulate' serves the point list's Modbus registers from a local "
        "pymodbus server with healthy daily cycles (optionally seeding the database with "
        "history and injecting a fault) so the gateway can be demonstrated without a plant.",
        epilog="Example: gateway telemetry status --json   |   "
        "gateway telemetry simulate --port 5020 --fault CRAC-01.discharge_pressure=drift:0.5",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="points, last values and open alerts")
    status.add_argument("--points", type=Path, metavar="FILE", help="point list (points.toml)")
    status.add_argument("--db", type=Path, metavar="FILE", help="telemetry database")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    sim = actions.add_parser("simulate", help="serve the point list's registers (demo)")
    sim.add_argument("--points", type=Path, metavar="FILE", help="point list (points.toml)")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=5020)
    sim.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="TAG.POINT=KIND[:VALUE]",
        help="after --fault-after seconds: drift:UNITS_PER_S, step:OFFSET, set:VALUE or stuck",
    )
    sim.add_argument("--fault-after", type=float, default=30.0, metavar="SECONDS")
    sim.add_argument("--seed-db", type=Path, metavar="FILE", help="write synthetic history first")
    sim.add_argument("--days", type=float, default=2.0, help="days of history for --seed-db")
    sim.add_argument("--duration", type=float, default=0.0, help="stop after SECONDS (0: never)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gateway.telemetry.points import PointListError
    from protocol.configtree import ConfigError

    try:
        config = _config(args)
        points_path: Path = args.points or config.points_path
        from gateway.telemetry.pointfile import load_point_list

        points = load_point_list(points_path)
    except (ConfigError, PointListError) as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    if args.action == "status":
        return _status(points, args.db or config.db_path, args.json)
    return _simulate(points, args)


def _simulate(points: Any, args: argparse.Namespace) -> int:
    from gateway.telemetry.demo import FaultSpecError, parse_fault, run_simulator, seed_history

    try:
        faults = [parse_fault(text, points) for text in args.fault]
    except FaultSpecError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    if args.seed_db:
        rows = seed_history(points, args.seed_db, args.days)
        print(f"wrote {rows} synthetic readings ({args.days:g} days) to {args.seed_db}")
    try:
        asyncio.run(
            run_simulator(
                points, args.host, args.port, faults, args.fault_after, args.duration, print
            )
        )
    except OSError as exc:
        print(f"gateway: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)


def _config(args: argparse.Namespace) -> TelemetryConfig:
    """The gateway's ``telemetry`` table, with paths from its site and data directories."""
    from gateway.config import from_args

    config, _ = from_args(args)
    return config.telemetry.resolve(config.site_dir, config.data_dir)


def _status(points: Any, db: Path, as_json: bool) -> int:
    from gateway.telemetry.engine import trend
    from gateway.telemetry.store import StoreError, TelemetryStore

    store = None
    if db.is_file():
        try:
            store = TelemetryStore(db, readonly=True)
        except StoreError as exc:
            print(f"gateway: {exc}", file=sys.stderr)
            return int(ExitCode.FAILED)
    now = time.time()
    rows = []
    for p in points.points:
        recent = store.recent_values(p.tag, p.name, 6) if store else []
        ts, value = recent[-1] if recent else (None, None)
        noise = max(p.resolution, 0.01 * (p.high - p.low))
        rows.append(
            {
                "tag": p.tag,
                "point": p.name,
                "unit": p.unit,
                "value": value,
                "age_s": None if ts is None else round(now - ts, 1),
                "trend": trend(recent, noise).value,
                "low": p.low,
                "high": p.high,
                "source": p.source,
            }
        )
    alerts = store.active_alerts() if store else []
    if store:
        store.close()
    if as_json:
        out = {"points": rows, "alerts": [a.to_dict() for a in alerts], "db": str(db)}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return int(ExitCode.OK)
    _print_status(points, db, store is not None, rows, alerts)
    return int(ExitCode.OK)


def _print_status(
    points: Any, db: Path, have_db: bool, rows: list[dict[str, Any]], alerts: list[Any]
) -> None:
    from gateway.telemetry.speech import number

    n_src = len(points.sources)
    sources = f"{n_src} source" + ("" if n_src == 1 else "s")
    print(f"Point list: {points.path} ({len(points.points)} points, {sources})")
    print(f"Database:   {db}" + ("" if have_db else " (none yet: is the gateway running?)"))
    print(f"{'EQUIPMENT':10} {'POINT':22} {'VALUE':>14} {'AGE':>8} {'TREND':7} NORMAL")
    for r in rows:
        value = f"{number(r['value'])} {r['unit']}" if r["value"] is not None else "-"
        age = _age(r["age_s"])
        normal = f"{number(r['low'])}..{number(r['high'])}"
        print(f"{r['tag']:10} {r['point']:22} {value:>14} {age:>8} {r['trend']:7} {normal}")
    print(f"\nOpen alerts: {len(alerts)}")
    for a in alerts:
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(a.since))
        extra = f" Procedure: {a.procedure}." if a.procedure else ""
        ack = f" Acknowledged by {a.acknowledged_by}." if a.acknowledged_by else ""
        print(f"  [{a.severity.label}] {a.id} since {since}: {a.message}{extra}{ack}")


def _age(age_s: float | None) -> str:
    if age_s is None:
        return "-"
    if age_s < 120:
        return f"{age_s:.0f} s"
    if age_s < 7200:
        return f"{age_s / 60:.0f} min"
    return f"{age_s / 3600:.1f} h"
