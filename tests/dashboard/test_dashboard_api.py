"""The dashboard's HTTP API and live websocket, over a real gateway on localhost."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from protocol import codec
from protocol.messages import ErrorMessage, Hello
from tests.dashboard.conftest import (
    PROCEDURE,
    MemoryRegistry,
    PairedDevice,
    ask,
    http_url,
    open_glasses,
)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


async def get_json(url: str, **kwargs: Any) -> tuple[int, Any]:
    code, _, body = await asyncio.to_thread(fetch, url, **kwargs)
    return code, json.loads(body)


async def test_page_and_assets_are_served(gateway):
    for path, kind in [
        ("/", "text/html"),
        ("/dashboard", "text/html"),
        ("/dashboard/app.js", "javascript"),
        ("/dashboard/app.css", "text/css"),
    ]:
        code, headers, body = await asyncio.to_thread(fetch, http_url(gateway, path))
        assert code == 200 and kind in headers["Content-Type"], path
        assert body
    assert (await asyncio.to_thread(fetch, http_url(gateway, "/status")))[0] == 200


async def test_api_status_has_sessions_feed_and_intact_audit(gateway):
    ws = await open_glasses(gateway)
    await ask(ws, "q-1", "why did the compressor trip")
    code, data = await get_json(http_url(gateway, "/api/status"))
    assert code == 200
    (session,) = data["sessions"]
    assert session["device"] == "glasses-a" and session["procedure"] == PROCEDURE
    assert session["step"] == 3 and session["step_number"] == 4
    assert data["feed"][0]["question"] == "why did the compressor trip"
    assert data["feed"][0]["citations"][0]["doc_id"] == PROCEDURE
    assert data["kb_version"] == "test-kb-1" and data["pack_version"] == "pack-2026-12-04"
    assert data["devices"] is None
    audit = data["audit"]
    assert audit["ok"] and audit["verdict"] == "chain intact"
    assert [r["event"] for r in audit["tail"]][:2] == ["answer", "ask"]
    await ws.close()


async def test_tampered_audit_shows_the_broken_line(gateway):
    ws = await open_glasses(gateway)
    await ask(ws, "q-1", "what is the reset pressure")
    path = gateway.hub.audit.path
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"hello"', '"hellO"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, data = await get_json(http_url(gateway, "/api/status"))
    assert not data["audit"]["ok"]
    assert data["audit"]["verdict"] == "broken at line 2"
    await ws.close()


async def test_live_socket_pushes_on_connect_and_every_second(gateway):
    uri = gateway.uri + "/dashboard/ws"
    async with connect(uri) as live:
        first = json.loads(await asyncio.wait_for(live.recv(), 5))
        assert first["sessions"] == [] and first["gateway"] == "gw-test"
        ws = await open_glasses(gateway, step=5)
        while True:  # the next pushes show the glasses without asking
            snap = json.loads(await asyncio.wait_for(live.recv(), 5))
            if snap["sessions"]:
                break
        assert snap["sessions"][0]["step"] == 5
        assert "glasses-a" in gateway.hub.sessions  # a dashboard is not a session
        assert len(gateway.hub.sessions) == 1
        await ws.close()


async def test_live_socket_refuses_another_origin(gateway):
    uri = gateway.uri + "/dashboard/ws"
    async with connect(uri, origin="http://evil.example") as live:  # type: ignore[arg-type]
        try:
            await asyncio.wait_for(live.recv(), 5)
            raise AssertionError("a cross-origin page got a snapshot")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 1008


async def test_revoke_needs_the_header_and_disconnects_the_glasses(gateway):
    hub = gateway.hub
    hub.devices = MemoryRegistry({"glasses-a": PairedDevice("glasses-a", "Aisle 4", 1.7e9)})
    ws = await open_glasses(gateway)
    url = http_url(gateway, "/api/devices/revoke?id=glasses-a")
    code, body = await get_json(url, method="POST")
    assert code == 403 and "X-Dashboard" in body["error"]
    assert not hub.devices.devices["glasses-a"].revoked
    code, body = await get_json(url, method="POST", headers={"X-Dashboard": "revoke"})
    assert code == 200 and body == {"ok": True, "device": "glasses-a", "disconnected": True}
    await asyncio.wait_for(ws.wait_closed(), 5)
    assert ws.close_code == 1008
    code, body = await get_json(
        http_url(gateway, "/api/devices/revoke?id=nobody"), headers={"X-Dashboard": "1"}
    )
    assert code == 404
    _, data = await get_json(http_url(gateway, "/api/status"))
    assert data["devices"][0]["revoked"] is True
    assert any(r["event"] == "revoke" for r in data["audit"]["tail"])
    async with connect(gateway.uri) as again:  # the revoked glasses are refused from now on
        await again.send(codec.encode(Hello("1.0", "glasses-a", "Aisle 4", (), "token")))
        refusal = codec.decode(await asyncio.wait_for(again.recv(), 5))
        assert isinstance(refusal, ErrorMessage) and refusal.code == "unauthorized"
