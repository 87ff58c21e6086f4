"""The gateway's zeroconf advertisement, browsed for real on loopback."""

from __future__ import annotations

import asyncio

from glasses.link.discovery import Browser
from tests.service.conftest import ScriptedAnswerer, make_hub
from gateway.service.server import GatewayServer


async def test_browse_finds_gateway_with_txt_and_sees_it_removed(tmp_path):
    hub = make_hub(tmp_path, ScriptedAnswerer(), advertise=True, advertise_address="127.0.0.1",
                   zeroconf_interfaces=("127.0.0.1",))  # fmt: skip
    hub.gateway_id, hub.gateway_name = "gw-zc", "Zeroconf gateway"
    server = GatewayServer(hub)
    changed = asyncio.Event()
    browser = Browser(1, None, ["127.0.0.1"], changed.set)
    await browser.start()
    try:
        await server.start()
        await asyncio.wait_for(changed.wait(), 15)
        (found,) = [c for c in browser.candidates.values() if c.gateway_id == "gw-zc"]
        assert found.uri == f"ws://127.0.0.1:{server.port}"
        assert found.version == "1.0" and found.name == "Zeroconf gateway"
        assert found.sessions == 0 and found.queue == 0 and found.fingerprint == ""
        changed.clear()
        await server.stop()
        await asyncio.wait_for(changed.wait(), 15)
        assert not [c for c in browser.candidates.values() if c.gateway_id == "gw-zc"]
    finally:
        await browser.stop()


async def test_browser_ignores_an_unpinned_gateway(tmp_path, caplog):
    hub = make_hub(tmp_path, ScriptedAnswerer(), advertise=True, advertise_address="127.0.0.1",
                   zeroconf_interfaces=("127.0.0.1",))  # fmt: skip
    hub.gateway_id, hub.fingerprint = "gw-rogue", "ab" * 32
    server = GatewayServer(hub)
    browser = Browser(1, frozenset({"cd" * 32}), ["127.0.0.1"])
    await browser.start()
    try:
        await server.start()
        await asyncio.sleep(1.5)
        assert not browser.candidates
        assert "ignoring gateway" in caplog.text
    finally:
        await server.stop()
        await browser.stop()
