"""The gateway's TLS identity: made once, kept, pinned by fingerprint over a real handshake."""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from gateway.security.tls import (
    TlsError,
    load_or_create_identity,
    peer_fingerprint,
    pin_matches,
    pinning_client_context,
    server_ssl_context,
)


async def _echo(ws: ServerConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            await ws.send(message)


async def _pinned_roundtrip(uri: str, pinned: str) -> str:
    """Connect, check the pin before sending anything, then echo one message."""
    async with connect(uri, ssl=pinning_client_context(), open_timeout=5) as ws:
        seen = peer_fingerprint(ws.transport.get_extra_info("ssl_object"))
        if not pin_matches(seen, pinned):
            raise ConnectionRefusedError(f"certificate {seen[:16]} is not the pinned one")
        await ws.send("hello")
        return str(await ws.recv())


def test_identity_is_created_once_with_a_private_key(tmp_path: Path) -> None:
    first = load_or_create_identity(tmp_path)
    assert stat.S_IMODE(first.key_path.stat().st_mode) == 0o600
    assert len(first.fingerprint) == 64
    again = load_or_create_identity(tmp_path)
    assert again == first
    assert load_or_create_identity(tmp_path / "other").fingerprint != first.fingerprint


def test_half_missing_or_mismatched_identity_is_a_clear_error(tmp_path: Path) -> None:
    ident = load_or_create_identity(tmp_path / "a")
    ident.key_path.unlink()
    with pytest.raises(TlsError, match=r"gateway\.key is missing"):
        load_or_create_identity(tmp_path / "a")
    other = load_or_create_identity(tmp_path / "b")
    ident.key_path.write_bytes(other.key_path.read_bytes())
    with pytest.raises(TlsError, match="does not match"):
        load_or_create_identity(tmp_path / "a")


async def test_pinned_handshake_succeeds_and_a_wrong_pin_is_refused(tmp_path: Path) -> None:
    ident = load_or_create_identity(tmp_path / "gw")
    impostor = load_or_create_identity(tmp_path / "impostor")
    ctx = server_ssl_context(ident.cert_path, ident.key_path)
    async with serve(_echo, "127.0.0.1", 0, ssl=ctx) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        uri = f"wss://127.0.0.1:{port}"
        assert await _pinned_roundtrip(uri, ident.fingerprint) == "hello"
        assert await _pinned_roundtrip(uri, ident.fingerprint[:16]) == "hello"
        with pytest.raises(ConnectionRefusedError, match="not the pinned one"):
            await _pinned_roundtrip(uri, impostor.fingerprint)
        with pytest.raises(
            (OSError, InvalidHandshake)
        ):  # plain ws to a TLS port does not get a session
            async with connect(f"ws://127.0.0.1:{port}", open_timeout=3):
                pass


def test_short_pins_never_match() -> None:
    fp = "ab" * 32
    assert pin_matches(fp, "AB:AB:AB:AB:AB:AB:AB:AB")
    assert not pin_matches(fp, "abab")
    assert not pin_matches(fp, "")
