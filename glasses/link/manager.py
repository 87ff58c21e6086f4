"""The connection manager: choose a gateway, hello with the resume state, heartbeat,
detect a dead link fast, reconnect with backoff, tell retryable from fatal.

It reports through two callbacks (called on the event loop): ``on_status`` with
:class:`LinkStatusChange` and ``on_message`` with every message other than pong.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from glasses.link.backoff import Backoff
from glasses.link.choice import GatewayChoice
from glasses.link.config import LinkConfig
from glasses.link.discovery import Browser, Candidate, KnownGateways
from glasses.link.handshake import Identity, heartbeat, hello
from glasses.link.tls import FatalLinkError, check_pin, client_context
from protocol import codec
from protocol.errors import ProtocolError
from protocol.messages import (
    GoingAway,
    Message,
    Pong,
    SessionState,
    Welcome,
)
from protocol.version import PROTOCOL_MAJOR

log = logging.getLogger(__name__)
CLOSE_TIMEOUT = 0.5
"""Seconds to wait for the gateway's close frame before dropping the TCP connection."""
T = TypeVar("T")
__all__ = ["FatalLinkError", "Identity", "LinkManager", "LinkStatusChange"]


class NewGateway(Exception):
    """A gateway not yet tried this round appeared while we waited on another."""


@dataclass(frozen=True)
class LinkStatusChange:
    online: bool
    gateway: str = ""
    uri: str = ""
    reason: str = ""
    fatal: bool = False
    at: float = field(default_factory=time.monotonic)


class LinkManager:
    def __init__(
        self,
        config: LinkConfig,
        identity: Identity,
        resume_state: Callable[[], SessionState],
        on_message: Callable[[Message], None],
        on_status: Callable[[LinkStatusChange], None],
        known: KnownGateways | None = None,
    ) -> None:
        self.config = config
        self.identity = identity
        self._resume_state = resume_state
        self._on_message = on_message
        self._on_status = on_status
        self._known = known
        self.choice = GatewayChoice(config, known)
        self._ws: ClientConnection | None = None
        self._welcome: Welcome | None = None
        self._current: Candidate | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.rtt_ms: float | None = None
        self._warned: set[str] = set()
        self.is_idle: Callable[[], bool] = lambda: True
        """Set by the runtime: True between interactions (a switch never cuts an answer)."""

    # -- public ------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._ws is not None and self._welcome is not None

    @property
    def gateway_name(self) -> str:
        return self._welcome.gateway_name if self._welcome else ""

    @property
    def probes(self) -> dict[str, float | None]:
        """Last measured round trip per gateway URI (None: unreachable)."""
        return self.choice.probes

    async def start(self) -> None:
        if self.config.gateway == "off":
            return
        if self.config.gateway == "auto":
            self.choice.browser = Browser(
                PROTOCOL_MAJOR, self.identity.pinned,
                list(self.config.zeroconf_interfaces) or None, self._wake.set,
            )  # fmt: skip
            await self.choice.browser.start()
        self._task = asyncio.create_task(self._run(), name="link")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.choice.browser is not None:
            await self.choice.browser.stop()
            self.choice.browser = None

    async def send(self, message: Message) -> bool:
        """Send if connected; False when there is no link (the caller falls back)."""
        ws = self._ws
        if ws is None or self._welcome is None:
            return False
        try:
            await ws.send(codec.encode(message))
            return True
        except ConnectionClosed:
            return False

    def candidates(self) -> list[Candidate]:
        """The gateways that may be tried now (see :class:`GatewayChoice`)."""
        return self.choice.candidates()

    async def ranked(self) -> list[Candidate]:
        """Candidates, fastest measured round trip first (unreachable ones last)."""
        return await self.choice.ranked()

    # -- the loop ----------------------------------------------------------
    async def _run(self) -> None:
        backoff = Backoff(self.config.backoff_initial, self.config.backoff_max)
        while True:
            self._wake.clear()  # any discovery from here on is noticed
            round_ = await self.ranked()
            tried = {c.uri for c in round_}
            for candidate in round_:
                try:
                    await self._session(candidate, backoff, tried)
                except NewGateway:
                    break  # re-sort: the new gateway is tried before the failing ones
                except FatalLinkError as exc:
                    self.choice.refuse(candidate.uri, self.config.fatal_retry)
                    self._report(
                        LinkStatusChange(False, candidate.name, candidate.uri, str(exc), True)
                    )
                except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed,
                        ProtocolError) as exc:  # fmt: skip
                    self.choice.failed(candidate.uri)
                    self._log_once(candidate.uri, exc)
            if any(c.uri not in tried for c in self.candidates()):
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), backoff.next())

    def _log_once(self, uri: str, exc: BaseException) -> None:
        level = logging.DEBUG if uri in self._warned else logging.WARNING
        self._warned.add(uri)
        log.log(level, "gateway %s unreachable: %s", uri, exc)

    async def _unless_new_gateway(self, opening: Awaitable[T], tried: set[str]) -> T:
        """Await ``opening``, but give up as soon as a gateway not in ``tried`` appears."""
        task = asyncio.ensure_future(opening)
        try:
            while True:
                waker = asyncio.ensure_future(self._wake.wait())
                await asyncio.wait((task, waker), return_when=asyncio.FIRST_COMPLETED)
                waker.cancel()
                if task.done():
                    return task.result()
                self._wake.clear()
                if any(c.uri not in tried for c in self.candidates()):
                    raise NewGateway
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _session(self, candidate: Candidate, backoff: Backoff, tried: set[str]) -> None:
        opening = asyncio.wait_for(
            connect(candidate.uri, ping_interval=None,
                    ssl=client_context(candidate.uri, self.config.insecure, self.identity.pinned),
                    open_timeout=self.config.connect_timeout, max_size=1 << 21,
                    compression=None, close_timeout=CLOSE_TIMEOUT),
            self.config.connect_timeout + 0.5,
        )  # fmt: skip
        ws = await self._unless_new_gateway(opening, tried)
        reason = "connection lost"
        try:
            fingerprint = check_pin(ws, self.identity.pinned)
            state = self._resume_state()
            welcome = await hello(
                ws, self.identity, state, self.config.connect_timeout, fingerprint
            )
            self._ws, self._welcome, self._current = ws, welcome, candidate
            backoff.reset()
            self.choice.succeeded(candidate.uri)
            self._warned.discard(candidate.uri)
            if self._known is not None:
                self._known.remember(
                    Candidate(
                        candidate.uri,
                        welcome.gateway_id,
                        welcome.gateway_name,
                        welcome.protocol_version,
                        candidate.fingerprint,
                    )
                )
            self._report(LinkStatusChange(True, welcome.gateway_name, candidate.uri))
            reason = await self._serve(ws, welcome)
        finally:
            was_up = self._welcome is not None and self._ws is ws
            self._ws, self._welcome = None, None
            if was_up:  # report first: a dead peer never completes the closing handshake
                self.choice.failed(candidate.uri)
                self._report(LinkStatusChange(False, candidate.name, candidate.uri, reason))
            await ws.close()

    async def _serve(self, ws: ClientConnection, welcome: Welcome) -> str:
        """Heartbeat and read until the link dies; return why."""
        interval = min(self.config.heartbeat_interval, welcome.heartbeat_interval)
        beat = asyncio.create_task(heartbeat(ws, interval))
        scout = asyncio.create_task(self._scout(ws))
        try:
            while True:
                try:
                    data = await asyncio.wait_for(ws.recv(), self.config.dead_after)
                except TimeoutError:
                    return f"no heartbeat for {self.config.dead_after:.1f} s"
                except ConnectionClosed:
                    return "connection closed"
                try:
                    message = codec.decode(data)
                except ProtocolError as exc:
                    log.warning("bad frame from gateway: %s", exc)
                    continue
                if isinstance(message, Pong):
                    self.rtt_ms = round((time.monotonic() - message.sent) * 1000, 1)
                    continue
                if isinstance(message, GoingAway):
                    self.choice.refuse(ws_uri(self._current), message.retry_after)
                    return f"gateway going away: {message.reason}"
                self._on_message(message)
        finally:
            beat.cancel()
            scout.cancel()
            await asyncio.gather(beat, scout, return_exceptions=True)

    async def _scout(self, ws: ClientConnection) -> None:
        """Every few seconds, measure the others; move to a much faster one when idle."""
        while True:
            await asyncio.sleep(self.config.scout_interval)
            if self.config.gateway != "auto" or len(self.candidates()) < 2:
                continue
            await self.ranked()
            if self.choice.better_than(ws_uri(self._current)) and self.is_idle():
                log.info("switching to a faster gateway between interactions")
                await ws.close(1000, "switching gateway")
                return

    def _report(self, change: LinkStatusChange) -> None:
        try:
            self._on_status(change)
        except Exception:  # a faulty listener must not kill the link
            log.exception("link status listener failed")


def ws_uri(candidate: Candidate | None) -> str:
    return candidate.uri if candidate else ""
