"""Run the demo story: a gateway with the sample site, then glasses replaying the session."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.config import GatewayConfig
from gateway.service.config import ServiceConfig
from glasses.config import GlassesConfig
from glasses.demo.film import DemoFilm
from glasses.demo.story import STORY, Beat
from glasses.link.config import LinkConfig
from glasses.machine.events import TagInView
from glasses.runtime.app import GlassesApp, RunOptions
from glasses.runtime.overlay_view import equipment_tag, view_from_state

AUDIO = Path(__file__).resolve().parents[2] / "audio_fixtures" / "demo"
LOOPBACK = ("127.0.0.1",)


@dataclass
class DemoResult:
    out_dir: Path
    events: list[dict[str, Any]]
    beats: list[tuple[Beat, float, list[dict[str, Any]]]] = field(default_factory=list)
    records_at_gateway: int = 0
    missing: list[str] = field(default_factory=list)


def gateway_config(out_dir: Path, points: Path | None = None) -> GatewayConfig:
    from gateway.telemetry.config import TelemetryConfig

    service = ServiceConfig(host="127.0.0.1", port=0, advertise=True, advertise_address="127.0.0.1",
                            zeroconf_interfaces=LOOPBACK, shutdown_grace=0.5)  # fmt: skip
    telemetry = TelemetryConfig(points=points)
    return GatewayConfig(gateway_id="demo-gateway", name="Control room gateway",
                         data_dir=out_dir / "gateway", service=service,
                         telemetry=telemetry)  # fmt: skip


async def start_site_simulator(out_dir: Path) -> tuple[Any, Path]:
    """The site's controllers (pymodbus), and a point list that points at them."""
    from gateway.config import sample_site
    from gateway.telemetry.demo import seed_history
    from gateway.telemetry.pointfile import load_point_list
    from gateway.telemetry.simulator import SiteSimulator

    source = sample_site() / "points.toml"
    points = load_point_list(source)
    sim = SiteSimulator(points)
    port = await sim.start()
    # a day of healthy history, as a gateway that has watched the site for a while has
    db = out_dir / "gateway" / "telemetry.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(seed_history, points, db, 1.1)
    text = source.read_text(encoding="utf-8").replace("127.0.0.1:5020", f"127.0.0.1:{port}")
    points = out_dir / "site_points.toml"
    points.write_text(text, encoding="utf-8")
    return sim, points


def glasses_config(out_dir: Path) -> GlassesConfig:
    # glasses and gateway share one machine here (ASR, LLM and video on 2 cores): allow
    # a longer silence before calling the link dead than a real headset needs (2.5 s)
    link = LinkConfig(gateway="auto", zeroconf_interfaces=LOOPBACK, dead_after=6.0)
    return GlassesConfig(device_id="glasses-demo", device_name="Demo glasses",
                         data_dir=out_dir / "glasses", link=link)  # fmt: skip


def matches(expect: str, event: dict[str, Any]) -> bool:
    name, _, cond = expect.partition(":")
    if event.get("event") != name:
        return False
    if not cond:
        return True
    key, _, value = cond.partition("=")
    return str(event.get(key)) == value


class Demo:
    def __init__(self, out_dir: Path, fast: bool, say: Callable[[str], None]) -> None:
        self.out_dir = out_dir
        self.fast = fast
        self.say = say
        self.gateway: contextlib.AsyncExitStack | None = None
        self.server: Any = None
        self.app: GlassesApp | None = None
        self.film: DemoFilm | None = None
        self.t0 = time.monotonic()
        self.sim: Any = None
        self.points: Path | None = None

    async def start_gateway(self) -> None:
        from gateway.service.app import running_gateway

        stack = contextlib.AsyncExitStack()
        config = gateway_config(self.out_dir, self.points)
        self.server = await stack.enter_async_context(running_gateway(config))
        self.gateway = stack

    async def pair(self) -> None:
        """Pair the glasses as a technician would: a one-time code, the pinned certificate."""
        from glasses.pairing import pair_with_gateway, save_pairing

        hub = self.server.hub
        code = hub.devices.create_code()
        cfg = glasses_config(self.out_dir)
        pairing = await asyncio.to_thread(
            pair_with_gateway, self.server.uri, code, hub.fingerprint, cfg.device_id,
            cfg.device_name,
        )  # fmt: skip
        save_pairing(cfg.data_dir, pairing)
        self.say(f"paired the glasses with {hub.gateway_name} (certificate "
                 f"{hub.fingerprint[:16]}…, code {code})")  # fmt: skip

    async def stop_gateway(self) -> None:
        if self.gateway is not None:
            await self.gateway.aclose()
            self.gateway = None

    async def film_for(self, seconds: float) -> None:
        app, film = self.app, self.film
        assert app is not None and film is not None
        view = view_from_state(app.core.state, app.core.readings)
        await asyncio.to_thread(film.shoot, view, seconds * (0.3 if self.fast else 1.0))

    def _on_tag(self, tag: Any) -> None:
        app = self.app
        assert app is not None
        name = equipment_tag(tag, app.library.registry)
        self._loop.call_soon_threadsafe(app.core.post, TagInView(name))

    async def run(self) -> DemoResult:
        self._loop = asyncio.get_running_loop()
        self.say("starting the site's controllers (Modbus TCP simulator)")
        self.sim, self.points = await start_site_simulator(self.out_dir)
        self.say("starting the gateway with the sample site (indexing documents, loading models)")
        await self.start_gateway()
        await self.pair()
        options = RunOptions(speak=str(self.out_dir / "replies.wav"), gateway="auto",
                             events=str(self.out_dir / "events.jsonl"))  # fmt: skip
        self.app = app = GlassesApp(glasses_config(self.out_dir), options)
        self.say("starting the glasses (wake word, Whisper, intent model, Piper voice)")
        await app.start()
        self.film = DemoFilm(self.out_dir, on_tag=self._on_tag)
        await self.film_for(1.0)
        await self._wait(lambda: app.link is not None and app.link.connected, 15)
        result = DemoResult(self.out_dir, app.events.events)
        try:
            for beat in STORY:
                start = len(app.events.events)
                began = time.monotonic()
                self.say(f"▶ {beat.title}" + (f': "{beat.say}"' if beat.say else ""))
                await self._play(beat)
                new = app.events.events[start:]
                result.beats.append((beat, time.monotonic() - began, new))
                await self.film_for(2.0)
                if beat.keyframe:
                    self.film.keyframe(beat.keyframe)
                result.missing += [f"{beat.title}: {e}" for e in beat.expect
                                   if not any(matches(e, ev) for ev in new)]  # fmt: skip
            await self._wait(
                lambda: app.core.outbox is not None and app.core.outbox.count() == 0, 15
            )
            if self.server is not None:
                result.records_at_gateway = self.server.hub.records.count("glasses-demo")
        finally:
            await self._finish(result)
        return result

    async def _play(self, beat: Beat) -> None:
        app = self.app
        assert app is not None
        if beat.action == "drift":
            self.sim.set_value(
                "CRAC-01", "discharge_pressure", 625.0
            )  # past the 610 psig HP switch
            await self._wait(lambda: bool(app.core.state.alerts), 30)
        elif beat.action == "gateway_stop":
            await self.stop_gateway()
            await self._wait(lambda: not app.core.state.online, 10)
        elif beat.action == "gateway_start":
            await self.start_gateway()
            await self._wait(lambda: app.core.state.online, 20)
        else:
            await app.hear(AUDIO / f"{beat.file}.wav")
            if any(e.startswith("answer") for e in beat.expect):
                await self._wait(lambda: app.core.state.pending is None, 60)
        await app.core.settle(60)

    async def _wait(self, predicate: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not predicate() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def _finish(self, result: DemoResult) -> None:
        app = self.app
        if app is not None:
            report = self.out_dir / "worklog.md"
            report.write_text(worklog_report(app.events.events), encoding="utf-8")
            await app.stop()
        if self.film is not None:
            self.film.close()
        await self.stop_gateway()
        if self.sim is not None:
            await self.sim.stop()


def worklog_report(events: list[dict[str, Any]]) -> str:
    """The work log of the demo session, readable by a supervisor."""
    lines = ["# Work log: demo session", ""]
    for e in events:
        if e["event"] != "work":
            continue
        what = e.get("entry", e.get("kind"))
        step = f"step {e['step']}" if e.get("step") is not None else ""
        detail = e.get("text", "")
        if e.get("value") is not None:
            detail = (f"{e.get('name', '')} = {e['value']} {e.get('unit', '')} "
                      f"(expected {e.get('low')}–{e.get('high')} {e.get('expected_unit', '')}: "
                      f"{e.get('verdict', '')})")  # fmt: skip
        lines.append(f"- t+{e['t']:.1f}s · {what} {step} · {detail}".rstrip(" ·"))
    return "\n".join(lines) + "\n"


async def run_demo(out_dir: Path, fast: bool, say: Callable[[str], None]) -> DemoResult:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    result = await Demo(out_dir, fast, say).run()
    summary = {
        "beats": [
            {"title": b.title, "seconds": round(s, 2), "events": [e["event"] for e in ev]}
            for b, s, ev in result.beats
        ],  # fmt: skip
        "missing": result.missing,
        "records_at_gateway": result.records_at_gateway,
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return result
