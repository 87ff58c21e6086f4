"""A drifting CRAC on a real Modbus server: the gateway alerts, the glasses hear and show it."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from gateway.service.server import GatewayServer
from gateway.service.telemetry_bridge import TelemetryBridge
from gateway.telemetry.config import TelemetryConfig
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.service import TelemetryService
from gateway.telemetry.simulator import SiteSimulator, retarget
from glasses.events import EventLog
from glasses.link.config import LinkConfig
from glasses.link.manager import Identity, LinkManager
from glasses.machine import TagInView
from glasses.procedures.library import Library
from glasses.runtime.core import GlassesCore
from glasses.runtime.overlay_view import view_from_state
from glasses.runtime.speaker import TextSpeaker
from tests.service.conftest import ScriptedAnswerer, make_hub
from tests.telemetry.conftest import SAMPLE_DOCS, crac_points_toml
from tests.telemetry.test_service import seed_history, write_points

SITE = Path(__file__).resolve().parents[2] / "gateway" / "sample_site"


async def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_drift_alert_reaches_the_glasses_with_its_procedure(tmp_path):
    rng = random.Random(3)
    points = load_point_list(write_points(tmp_path, crac_points_toml(0, interval=0.1)))
    sim = SiteSimulator(points)
    sim.set_value("CRAC-01", "discharge_pressure", lambda _ts: 390 + rng.gauss(0, 2.0))
    sim.set_value("CRAC-01", "suction_pressure", lambda _ts: 120 + rng.gauss(0, 1.0))
    port = await sim.start()
    db = tmp_path / "telemetry.sqlite3"
    seed_history(db, rng, time.time())
    service = TelemetryService(TelemetryConfig(db=db, docs=SAMPLE_DOCS),
                               retarget(points, "127.0.0.1", port))  # fmt: skip
    await service.start()
    hub = make_hub(tmp_path / "gw", ScriptedAnswerer())
    bridge = TelemetryBridge(hub, service)
    hub.telemetry = bridge
    bridge.start()
    server = GatewayServer(hub)
    await server.start()
    core = GlassesCore(Library.load(SITE), EventLog(), TextSpeaker(), device_id="glasses-tm")
    link = LinkManager(LinkConfig(gateway=server.uri), Identity("glasses-tm", "T"),
                       core.resume_state, core.on_link_message, core.on_link_status)  # fmt: skip
    core.attach_link(link)
    runner = asyncio.create_task(core.run())
    await link.start()
    try:
        await wait_for(lambda: core.state.online)
        core.post(TagInView("CRAC-01"))  # the technician looks at the unit
        await wait_for(lambda: "CRAC-01" in core.readings)
        live = view_from_state(core.state, core.readings)
        assert {r.point for r in live.readings} >= {"discharge_pressure", "suction_pressure"}
        start = time.time()
        sim.set_value("CRAC-01", "discharge_pressure",
                      lambda ts: 390 + 20.0 * (ts - start) + rng.gauss(0, 2.0))  # fmt: skip
        await wait_for(lambda: any(e["event"] == "alert" for e in core.events.events))
        alert = next(e for e in core.events.events if e["event"] == "alert")
        assert alert["tag"] == "CRAC-01" and alert["procedure"] == "crac-hp-trip-recovery"
        said = core.speaker.said[-1]
        assert "discharge pressure" in said and "high-pressure trip recovery" in said
        view = view_from_state(core.state, core.readings)
        assert view.alerts and view.alerts[0].equipment_tag == "CRAC-01"
        await sim.stop()  # the controller goes silent: a communication alert
        await wait_for(lambda: sum(e["event"] == "alert" for e in core.events.events) >= 2)
    finally:
        await link.stop()
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await server.stop()
        await bridge.stop()
        await service.stop()
        await sim.stop()
