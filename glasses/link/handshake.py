"""The glasses' side of a session's opening and its heartbeat (protocol/README.md)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from glasses.link.tls import FatalLinkError
from protocol import codec
from protocol.messages import ErrorMessage, Hello, Ping, SessionState, Welcome
from protocol.version import PROTOCOL_VERSION

FEATURES = ("audio", "packs", "records", "telemetry")


@dataclass(frozen=True)
class Identity:
    device_id: str
    device_name: str
    token: str | None = None
    pinned: frozenset[str] | None = None
    """Accepted certificate fingerprints (SHA-256 hex); None accepts any (lab)."""
    tokens: tuple[tuple[str, str], ...] = ()
    """(certificate fingerprint, token) per paired gateway: each gateway is sent the token
    it issued; ``token`` goes to a gateway not listed here."""

    def token_for(self, fingerprint: str | None) -> str | None:
        """The token to present to the gateway whose certificate has ``fingerprint``."""
        return dict(self.tokens).get(fingerprint or "", self.token)


async def hello(
    ws: ClientConnection,
    identity: Identity,
    state: SessionState,
    reply_within: float,
    fingerprint: str | None = None,
) -> Welcome:
    """Send hello with the resume state and the token this gateway (its certificate's
    ``fingerprint``) issued; the welcome, or why the gateway refused."""
    token = identity.token_for(fingerprint)
    await ws.send(codec.encode(Hello(PROTOCOL_VERSION, identity.device_id,
                                     identity.device_name, FEATURES, token, state)))  # fmt: skip
    reply = codec.decode(await asyncio.wait_for(ws.recv(), reply_within))
    if isinstance(reply, ErrorMessage):
        if reply.fatal:
            raise FatalLinkError(reply.message)
        raise ConnectionClosed(None, None)
    if not isinstance(reply, Welcome):
        raise FatalLinkError(f"gateway answered hello with {reply.TYPE}")
    return reply


async def heartbeat(ws: ClientConnection, interval: float) -> None:
    """Ping every ``interval`` seconds until cancelled (the pong gives the round trip)."""
    ping_id = 0
    while True:
        ping_id = (ping_id + 1) % 2**32
        with contextlib.suppress(ConnectionClosed):
            await ws.send(codec.encode(Ping(ping_id, time.monotonic())))
        await asyncio.sleep(interval)
