"""Two gateways on loopback: discovery, fallback mid-answer, handoff without losing the step."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.service.server import GatewayServer
from glasses.events import EventLog
from glasses.link.config import LinkConfig
from glasses.link.manager import Identity, LinkManager
from glasses.machine import IntentRecognized
from glasses.procedures.library import Library
from glasses.runtime.core import GlassesCore
from glasses.runtime.speaker import TextSpeaker
from tests.service.conftest import ScriptedAnswerer, make_hub

SITE = Path(__file__).resolve().parents[2] / "gateway" / "sample_site"


async def wait_for(predicate, timeout: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def start_gateway(tmp_path: Path, gid: str, delay: float, port: int = 0) -> GatewayServer:
    hub = make_hub(tmp_path / gid, ScriptedAnswerer(delay), advertise=True,
                   advertise_address="127.0.0.1", zeroconf_interfaces=("127.0.0.1",),
                   shutdown_grace=0.0, port=port)  # fmt: skip
    hub.gateway_id = gid
    hub.gateway_name = f"Gateway {gid}"
    server = GatewayServer(hub)
    await server.start()
    return server


@pytest.fixture
async def glasses():
    core = GlassesCore(Library.load(SITE), EventLog(), TextSpeaker(), device_id="glasses-t")
    link = LinkManager(
        LinkConfig(gateway="auto", zeroconf_interfaces=("127.0.0.1",)),
        Identity("glasses-t", "Test glasses"), core.resume_state,
        core.on_link_message, core.on_link_status,
    )  # fmt: skip
    core.attach_link(link)
    runner = asyncio.create_task(core.run())
    await link.start()
    yield core, link
    await link.stop()
    runner.cancel()
    await asyncio.gather(runner, return_exceptions=True)
    await core.close()


def say(core: GlassesCore, text: str, intent: str, **slots) -> None:
    core.post(IntentRecognized(text, intent, slots))


async def test_fallback_mid_answer_then_handoff_to_the_other_gateway(tmp_path, glasses):
    core, link = glasses
    a = await start_gateway(tmp_path, "gw-a", delay=0.3)
    await wait_for(lambda: link.connected)
    first = link.gateway_name
    b = await start_gateway(tmp_path, "gw-b", delay=0.3)
    say(core, "start the compressor restart procedure", "start_procedure",
        procedure="crac-hp-trip-recovery")
    for _ in range(2):
        say(core, "next step", "next_step")
    await core.settle()
    assert core.state.step_index == 3
    say(core, "why would head pressure climb", "ask", question="why would head pressure climb")
    await asyncio.sleep(0.5)  # the answer is streaming from the first gateway
    current = a if first == "Gateway gw-a" else b
    other = b if current is a else a
    await current.stop()
    await wait_for(lambda: any(e["event"] == "answer" for e in core.events.events))
    answers = [e for e in core.events.events if e["event"] == "answer"]
    assert answers[0]["source"] == "pack" and answers[0]["citations"]
    await wait_for(lambda: link.connected and link.gateway_name == other.hub.gateway_name)
    await wait_for(lambda: core.state.device_id in other.hub.sessions)
    session = other.hub.sessions["glasses-t"]
    assert session.state.procedure_id == "crac-hp-trip-recovery"
    assert session.state.step_index == 2  # step 3, 0-based on the wire
    say(core, "confirm", "confirm")  # step 3 is a hold point
    say(core, "next step", "next_step")
    await core.settle()
    await wait_for(lambda: other.hub.sessions["glasses-t"].state.step_index == 3)
    restarted = await start_gateway(tmp_path, current.hub.gateway_id + "-again", delay=0.0)
    await asyncio.sleep(1.0)
    answers = [e for e in core.events.events if e["event"] == "answer"]
    assert len(answers) == 1, answers
    assert not [e for e in core.events.events if e["event"] == "duplicate_answer"]
    await other.stop()
    await restarted.stop()


async def test_gateway_off_never_connects_and_answers_from_pack(tmp_path):
    core = GlassesCore(Library.load(SITE), EventLog(), TextSpeaker())
    runner = asyncio.create_task(core.run())
    say(core, "what is alarm A07", "ask", question="what is alarm A07")
    await core.settle()
    (answer,) = [e for e in core.events.events if e["event"] == "answer"]
    assert answer["source"] == "pack" and "A07" in answer["text"]
    assert "gateway" in core.speaker.said[-1].lower()  # the plain offline notice
    runner.cancel()
    await asyncio.gather(runner, return_exceptions=True)


async def test_ranked_prefers_the_reachable_fastest(tmp_path):
    from glasses.link.discovery import probe_rtt

    gw = await start_gateway(tmp_path, "gw-r", delay=0.0)
    try:
        alive = await probe_rtt(gw.uri)
        dead = await probe_rtt("ws://127.0.0.1:9")  # discard port: nothing listens
        assert alive is not None and alive >= 0 and dead is None
        link = LinkManager(
            LinkConfig(gateway="auto", uris=("ws://127.0.0.1:9", gw.uri)),
            Identity("g", "g"), lambda: None, lambda m: None, lambda c: None,  # type: ignore[arg-type,return-value]
        )  # fmt: skip
        ranked = await link.ranked()
        assert ranked[0].uri == gw.uri
    finally:
        await gw.stop()
