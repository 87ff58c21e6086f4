"""A real gateway on localhost:0 with the dashboard mounted, and glasses that talk to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from gateway.dashboard import mount
from gateway.service.server import GatewayServer
from protocol import codec
from protocol.messages import Answer, Ask, Hello, SessionState, Welcome
from tests.service.conftest import ScriptedAnswerer, make_hub

PROCEDURE = "crac-hp-trip-recovery"


@dataclass
class PairedDevice:
    device_id: str
    name: str
    paired_at: float
    revoked: bool = False


@dataclass
class MemoryRegistry:
    """Stands in for the pairing registry (its own module is built elsewhere)."""

    devices: dict[str, PairedDevice] = field(default_factory=dict)

    def list(self) -> Iterable[PairedDevice]:
        return list(self.devices.values())

    def revoke(self, device_id: str) -> bool:
        if device_id not in self.devices:
            raise KeyError(f"unknown device {device_id!r}")
        self.devices[device_id].revoked = True
        return True

    def check(self, device_id: str, token: str) -> str:
        device = self.devices.get(device_id)
        if device is None or device.revoked:
            return "device is not paired"
        return ""


@pytest.fixture
async def gateway(tmp_path) -> AsyncIterator[GatewayServer]:
    hub = make_hub(tmp_path, ScriptedAnswerer())
    hub.fingerprint = "sha256:ab12cd34ef56"
    hub.pack_version = "pack-2026-12-04"
    mount(hub)
    server = GatewayServer(hub)
    await server.start()
    yield server
    await server.stop()


def http_url(server: GatewayServer, path: str) -> str:
    return server.uri.replace("ws://", "http://", 1) + path


async def open_glasses(
    server: GatewayServer, device: str = "glasses-a", name: str = "Aisle 4 glasses",
    step: int = 3,
) -> ClientConnection:  # fmt: skip
    ws = await connect(server.uri)
    state = SessionState(procedure_id=PROCEDURE, step_index=step)
    await ws.send(codec.encode(Hello("1.0", device, name, (), "token", state)))
    welcome = codec.decode(await asyncio.wait_for(ws.recv(), 5))
    assert isinstance(welcome, Welcome), welcome
    return ws


async def ask(ws: ClientConnection, question_id: str, text: str) -> Answer:
    await ws.send(codec.encode(Ask(question_id, text)))
    while True:
        message: Any = codec.decode(await asyncio.wait_for(ws.recv(), 5))
        if isinstance(message, Answer):
            return message
