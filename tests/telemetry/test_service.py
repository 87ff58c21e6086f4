"""The telemetry service against a real Modbus TCP server (pymodbus), end to end.

A CRAC controller served by pymodbus reports a discharge pressure that starts
to drift upward; the service, having relearned the normal pattern from the
history stored by an earlier run, raises an alert that names the procedure
from the site documents. Then the controller goes silent: a communication
alert follows. Intervals are 0.1 s so this runs in seconds.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import time
from collections.abc import Callable
from pathlib import Path

from gateway.telemetry import (
    Alert,
    AlertCategory,
    AlertChange,
    AlertEvent,
    AlertKind,
    AlertState,
    Reading,
    ReadingEvent,
    Severity,
    TelemetryConfig,
    TelemetryService,
    Trend,
)
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.simulator import SiteSimulator, retarget
from gateway.telemetry.store import TelemetryStore
from gateway.telemetry.subscription import Subscription
from tests.telemetry.conftest import SAMPLE_DOCS, crac_points_toml, write_points

TIMEOUT = 20.0


def seed_history(db: Path, rng: random.Random, now: float) -> None:
    """What an earlier run stored: 400 samples over the last 26 hours."""
    store = TelemetryStore(db)
    step = 26 * 3600 / 400
    store.write(
        [
            Reading("CRAC-01", point, now - (400 - i) * step, round(mean + rng.gauss(0, sd), 1))
            for i in range(400)
            for point, mean, sd in (
                ("discharge_pressure", 390, 2.0),
                ("suction_pressure", 120, 1.0),
            )
        ]
    )
    store.close()


async def next_alert(feed: Subscription, match: Callable[[Alert], bool]) -> Alert:
    async with asyncio.timeout(TIMEOUT):
        async for event in feed:
            if isinstance(event, AlertEvent) and event.change is AlertChange.OPENED:
                if match(event.alert):
                    return event.alert
    raise AssertionError("feed closed")


async def test_drift_alert_names_the_procedure_then_communication_loss(tmp_path: Path) -> None:
    rng = random.Random(5)
    points = load_point_list(write_points(tmp_path, crac_points_toml(0, interval=0.1)))
    assert points.point("CRAC-01", "discharge_pressure").procedure is None  # from the documents
    sim = SiteSimulator(points)
    sim.set_value("CRAC-01", "discharge_pressure", lambda _ts: 390 + rng.gauss(0, 2.0))
    sim.set_value("CRAC-01", "suction_pressure", lambda _ts: 120 + rng.gauss(0, 1.0))
    port = await sim.start()
    db = tmp_path / "telemetry.sqlite3"
    seed_history(db, rng, time.time())
    config = TelemetryConfig(db=db, docs=SAMPLE_DOCS)
    service = TelemetryService(config, retarget(points, "127.0.0.1", port))
    await service.start()
    try:
        assert service.engine.detectors[("CRAC-01", "discharge_pressure")].ready
        async with service.subscribe() as feed:
            async with asyncio.timeout(TIMEOUT):
                event = await feed.get()
                while not isinstance(event, ReadingEvent):
                    event = await feed.get()
            assert event.tag == "CRAC-01"
            values = {r.point: r for r in event.readings}
            assert abs((values["discharge_pressure"].value or 0) - 390) < 12
            assert service.open_alerts() == ()

            start = time.time()
            sim.set_value(  # +2 psig per poll, on top of the noise
                "CRAC-01",
                "discharge_pressure",
                lambda ts: 390 + 20.0 * (ts - start) + rng.gauss(0, 2.0),
            )
            alert = await next_alert(feed, lambda a: a.category is AlertCategory.VALUE)
            assert (alert.tag, alert.point, alert.unit) == ("CRAC-01", "discharge_pressure", "psig")
            assert alert.kind in (AlertKind.DRIFT, AlertKind.STEP)
            assert alert.severity is Severity.WARNING and alert.state is AlertState.OPEN
            assert alert.procedure == "crac-hp-trip-recovery"
            assert alert.observed is not None and alert.expected is not None
            assert alert.observed > alert.expected + 5 and abs(alert.expected - 390) < 5
            assert json.loads(json.dumps(alert.to_dict()))["procedure"] == "crac-hp-trip-recovery"
            assert alert.message.startswith("CRAC-01 discharge pressure ")
            assert "usually about 39" in alert.message
            assert alert.since >= start - 1.0
            latest = {r.point: r for r in service.latest("CRAC-01")}
            assert latest["discharge_pressure"].trend is Trend.UP
            assert (latest["discharge_pressure"].age_s or 0) < 2.0

            await sim.stop()
            comm = await next_alert(feed, lambda a: a.category is AlertCategory.COMM)
            assert comm.kind is AlertKind.COMM_LOST and comm.source == "crac01"
            assert comm.message.startswith("Communication lost with CRAC-01 controller for ")

            acked = await service.acknowledge(alert.id, "tech-7")
            assert acked.state is AlertState.ACKNOWLEDGED and acked.acknowledged_by == "tech-7"
            assert {a.id for a in service.open_alerts()} == {alert.id, comm.id}
    finally:
        await service.stop()
        await sim.stop()
    store = TelemetryStore(db, readonly=True)
    stored = {a.id: a for a in store.active_alerts()}
    assert stored[alert.id].state is AlertState.ACKNOWLEDGED and comm.id in stored
    assert store.count() > 800  # history + what this run polled
    store.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_controller_raises_a_communication_alert(tmp_path: Path) -> None:
    points = load_point_list(write_points(tmp_path, crac_points_toml(closed_port(), interval=0.1)))
    config = TelemetryConfig(db=tmp_path / "t.db", use_documents=False)
    async with TelemetryService(config, points) as service:
        async with service.subscribe() as feed:
            comm = await next_alert(feed, lambda a: True)
        assert comm.category is AlertCategory.COMM and comm.tag == "CRAC-01"
        assert "Communication lost with CRAC-01 controller" in comm.message
        assert [r.value for r in service.latest("CRAC-01")] == [None, None]


async def test_a_slow_subscriber_loses_old_readings_not_alerts(tmp_path: Path) -> None:
    from gateway.telemetry.subscription import Subscription

    closed: list[Subscription] = []
    sub = Subscription(3, closed.append)
    alert_event = AlertEvent(object(), AlertChange.OPENED)  # type: ignore[arg-type]
    sub.offer(alert_event)
    for i in range(5):
        sub.offer(ReadingEvent(f"T{i}", ()))
    assert sub.dropped == 3 and sub.pending() == 3
    assert await sub.get() is alert_event
    assert [(await sub.get()).tag for _ in range(2)] == ["T3", "T4"]  # type: ignore[union-attr]
    async with sub:
        pass
    assert closed == [sub]
    assert [e async for e in sub] == []
