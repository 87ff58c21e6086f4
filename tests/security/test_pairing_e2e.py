"""Pairing end to end: `gateway pair` QR PNG -> `glasses pair --image` over pinned HTTPS
-> a real TLS gateway welcomes the token; a revoked token or a wrong pin is refused."""

from __future__ import annotations

import asyncio
import json
import stat
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.security.config import SecurityConfig
from gateway.security.devices import DeviceRegistry, format_code
from gateway.security.setup import Secured, secure_hub
from gateway.security.tls import load_or_create_identity
from gateway.service.server import GatewayServer
from glasses.link.config import LinkConfig
from glasses.link.manager import Identity, LinkManager, LinkStatusChange
from glasses.pairing import PairingFailed, link_identity, load_pairings, pair_with_gateway
from protocol.cli import ExitCode, build_parser
from protocol.messages import SessionState
from tests.service.conftest import ScriptedAnswerer, make_hub


class Gateway:
    def __init__(self, server: GatewayServer, secured: Secured, data: Path) -> None:
        self.server, self.secured, self.data = server, secured, data
        self.registry: DeviceRegistry = secured.registry
        self.fingerprint = server.hub.fingerprint

    async def stop(self) -> None:
        await self.server.stop()
        await self.secured.aclose()


async def _start(tmp_path: Path, **security: object) -> Gateway:
    """A real gateway wired the way ``gateway serve`` does it (secure_hub)."""
    data = tmp_path / "gw-data"
    hub = make_hub(tmp_path / "gw-hub", ScriptedAnswerer(), shutdown_grace=0.0)
    secured = secure_hub(hub, data, SecurityConfig(**security))  # type: ignore[arg-type]
    server = GatewayServer(hub, secured.ssl_context)
    await server.start()
    secured.start()
    return Gateway(server, secured, data)


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    gw = await _start(tmp_path, revocation_check_s=0.1)
    yield gw
    await gw.stop()


def _cli(side: str, argv: list[str], commands: tuple[str, ...] = ("pair",)) -> int:
    parser = build_parser(side, side, side, commands)
    args = parser.parse_args(argv)
    return int(args.func(args))


async def _link_status(uri: str, identity: Identity) -> LinkStatusChange:
    """Run the real link manager until its first status report."""
    reports: asyncio.Queue[LinkStatusChange] = asyncio.Queue()
    link = LinkManager(LinkConfig(gateway=uri, backoff_initial=5.0), identity,
                       SessionState, lambda m: None, reports.put_nowait)  # fmt: skip
    await link.start()
    try:
        return await asyncio.wait_for(reports.get(), 10)
    finally:
        await link.stop()


async def test_pair_by_qr_then_connect_then_revoke(
    gateway: Gateway, tmp_path: Path, capsys
) -> None:
    port, qr = gateway.server.port, tmp_path / "qr.png"
    base = ["--set", f"data_dir={gateway.data}", "--set", f"service.port={port}"]
    argv_gw = [*base, "pair", "--host", "127.0.0.1", "--qr", str(qr)]
    assert _cli("gateway", argv_gw) == ExitCode.OK
    printed = capsys.readouterr().out
    assert f"wss://127.0.0.1:{port}" in printed and "Pairing code:" in printed
    assert stat.S_IMODE(qr.stat().st_mode) == 0o600
    glasses = tmp_path / "glasses-data"
    argv = [
        "--set",
        f"data_dir={glasses}",
        "--set",
        "device_id=glasses-07",
        "pair",
        "--image",
        str(qr),
    ]
    assert await asyncio.to_thread(_cli, "glasses", argv) == ExitCode.OK
    assert "Paired glasses-07 with Test gateway" in capsys.readouterr().out

    [pairing] = load_pairings(glasses)
    assert stat.S_IMODE((glasses / "pairing.json").stat().st_mode) == 0o600
    assert pairing.fingerprint == gateway.fingerprint and pairing.device_id == "glasses-07"
    identity = link_identity("glasses-07", "Technician glasses", [pairing])
    assert identity.token == pairing.token and identity.pinned == {gateway.fingerprint}
    status = await _link_status(pairing.uri, identity)
    assert status.online and status.gateway == "Test gateway", status

    # the same QR code cannot pair a second device
    argv2 = [
        "--set",
        f"data_dir={tmp_path / 'other'}",
        "--set",
        "device_id=glasses-08",
        "pair",
        "--image",
        str(qr),
    ]
    assert await asyncio.to_thread(_cli, "glasses", argv2) == ExitCode.FAILED
    assert "already used" in capsys.readouterr().err

    assert gateway.registry.revoke("glasses-07")
    status = await _link_status(pairing.uri, identity)
    assert not status.online and status.fatal and "revoked" in status.reason
    events = [
        json.loads(line)["event"] for line in gateway.server.hub.audit.path.read_text().splitlines()
    ]
    assert "paired" in events and "pair_refused" in events and "refused" in events


async def test_a_gateway_with_another_certificate_is_never_sent_the_code(
    gateway: Gateway, tmp_path: Path
) -> None:
    code = gateway.registry.create_code()
    impostor = load_or_create_identity(tmp_path / "impostor")
    uri = f"wss://127.0.0.1:{gateway.server.port}"
    with pytest.raises(PairingFailed, match="is not the expected"):
        await asyncio.to_thread(
            pair_with_gateway, uri, code, impostor.fingerprint, "glasses-09", "g"
        )
    # the code was not spent: pair by URI, code and a 16-digit fingerprint prefix
    data = tmp_path / "glasses-09"
    argv = ["--set", f"data_dir={data}", "--set", "device_id=glasses-09", "pair", uri,
            format_code(code), "--fingerprint", gateway.fingerprint[:16]]  # fmt: skip
    assert await asyncio.to_thread(_cli, "glasses", argv) == ExitCode.OK
    [pairing] = load_pairings(data)
    assert pairing.fingerprint == gateway.fingerprint  # the full one is kept
    wrong_pin = Identity("glasses-09", "g", pairing.token, frozenset({impostor.fingerprint}))
    status = await _link_status(uri, wrong_pin)
    assert not status.online and status.fatal and "not the paired one" in status.reason


async def test_wrong_code_and_unknown_device_are_refused(gateway: Gateway) -> None:
    uri = f"wss://127.0.0.1:{gateway.server.port}"
    fp = gateway.fingerprint
    with pytest.raises(PairingFailed, match="wrong pairing code"):
        await asyncio.to_thread(pair_with_gateway, uri, "0000-0000", fp, "glasses-10", "g")
    status = await _link_status(uri, Identity("glasses-10", "g", "made-up-token", frozenset({fp})))
    assert status.fatal and "unknown device" in status.reason


async def test_pairing_is_refused_without_tls(tmp_path: Path) -> None:
    gw = await _start(tmp_path, tls=False)
    try:
        code = gw.registry.create_code()
        url = f"http://127.0.0.1:{gw.server.port}/pair?code={code}&device=glasses-11"
        with pytest.raises(urllib.error.HTTPError) as info:
            await asyncio.to_thread(urllib.request.urlopen, url, None, 5)
        assert info.value.code == 403 and "needs TLS" in json.loads(info.value.read())["error"]
    finally:
        await gw.stop()


async def test_lab_mode_without_pairing_welcomes_any_device(tmp_path: Path) -> None:
    gw = await _start(tmp_path, tls=False, require_pairing=False)
    try:
        assert gw.fingerprint == "" and gw.server.uri.startswith("ws://")
        config_uri = gw.server.uri
        status = await _link_status(config_uri, Identity("glasses-12", "g"))
        assert status.online, status
    finally:
        await gw.stop()


def test_glasses_pair_usage_and_unreachable_gateway(tmp_path: Path, capsys) -> None:
    base = ["--set", f"data_dir={tmp_path}"]
    assert _cli("glasses", [*base, "pair"]) == ExitCode.USAGE
    assert "give --image FILE, or URI CODE --fingerprint HEX" in capsys.readouterr().err
    argv = [*base, "pair", "ws://127.0.0.1:9", "12345678", "--fingerprint", "ab" * 32]
    assert _cli("glasses", argv) == ExitCode.FAILED
    assert "needs a wss:// gateway URI" in capsys.readouterr().err
    argv = [*base, "pair", "wss://127.0.0.1:9", "12345678", "--fingerprint", "ab" * 32]
    assert _cli("glasses", argv) == ExitCode.UNREACHABLE
    assert "cannot reach gateway" in capsys.readouterr().err
    assert _cli("glasses", [*base, "pair", "--list"]) == ExitCode.OK


async def test_revoking_from_the_cli_cuts_a_live_session(gateway: Gateway) -> None:
    token = gateway.registry.redeem(gateway.registry.create_code(), "glasses-13", "g")
    identity = Identity("glasses-13", "g", token, frozenset({gateway.fingerprint}))
    reports: asyncio.Queue[LinkStatusChange] = asyncio.Queue()
    link = LinkManager(LinkConfig(gateway=gateway.server.uri, backoff_initial=0.05), identity,
                       SessionState, lambda m: None, reports.put_nowait)  # fmt: skip
    watcher = gateway.secured.watcher
    await link.start()
    try:
        assert (await asyncio.wait_for(reports.get(), 10)).online
        assert await watcher.sweep() == []
        argv = ["--set", f"data_dir={gateway.data}", "devices", "revoke", "glasses-13"]
        assert _cli("gateway", argv, ("devices",)) == ExitCode.OK  # as another process would
        down = await asyncio.wait_for(reports.get(), 10)
        assert not down.online and not down.fatal
        refused = await asyncio.wait_for(reports.get(), 10)
        assert refused.fatal and "revoked" in refused.reason
    finally:
        await link.stop()
    events = [json.loads(line) for line in gateway.server.hub.audit.path.read_text().splitlines()]
    assert any(e["event"] == "session_cut" and e["device"] == "glasses-13" for e in events)


async def test_glasses_paired_with_two_gateways_present_each_its_own_token(
    tmp_path: Path,
) -> None:
    """Two gateways with their own device registries: each welcomes the token it issued,
    whichever pairing was made last (the token follows the pinned certificate)."""
    gateways = [await _start(tmp_path / name) for name in ("hall-a", "hall-b")]
    try:
        pairings = []
        for gw in gateways:
            uri = f"wss://127.0.0.1:{gw.server.port}"
            code = format_code(gw.registry.create_code())
            pairings.append(
                await asyncio.to_thread(
                    pair_with_gateway, uri, code, gw.fingerprint, "glasses-07", "g"
                )
            )
        assert pairings[0].token != pairings[1].token
        identity = link_identity("glasses-07", "g", pairings)
        for pairing in pairings:
            status = await _link_status(pairing.uri, identity)
            assert status.online, status
    finally:
        for gw in gateways:
            await gw.stop()
