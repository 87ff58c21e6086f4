"""``gateway serve``: the websocket server, its HTTP status page, and its lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from gateway.service.advertise import Advert, Advertiser
from gateway.service.hub import Hub
from gateway.service.session import Session, new_session_id
from gateway.service.status import http_response
from protocol import codec
from protocol.errors import ProtocolError
from protocol.messages import ErrorMessage, Hello, Welcome
from protocol.version import PROTOCOL_VERSION, negotiate

log = logging.getLogger(__name__)
CAPABILITIES = ("ask", "procedures", "records", "telemetry", "packs")


def primary_ipv4() -> str:
    """The address other machines reach us on (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


class GatewayServer:
    """Owns the websocket server, the zeroconf advert and every session."""

    def __init__(self, hub: Hub, ssl_context: ssl.SSLContext | None = None) -> None:
        self.hub = hub
        self.ssl_context = ssl_context
        self._server: Server | None = None
        self._advertiser: Advertiser | None = None
        self._load_task: asyncio.Task[None] | None = None
        self.port = 0

    @property
    def scheme(self) -> str:
        return "wss" if self.ssl_context else "ws"

    @property
    def uri(self) -> str:
        host = self.hub.config.host
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"{self.scheme}://{host}:{self.port}"

    async def start(self) -> None:
        cfg = self.hub.config
        self._server = await serve(
            self._handle,
            cfg.host,
            cfg.port,
            ssl=self.ssl_context,
            process_request=self._process_request,
            max_size=1 << 20,
            ping_interval=None,  # the application heartbeat is ours (about 1 s)
            compression=None,
        )
        sockets = list(self._server.sockets)
        self.port = sockets[0].getsockname()[1] if sockets else cfg.port
        if cfg.advertise:
            await self._start_advert()
        log.info("gateway %s listening on %s", self.hub.gateway_id, self.uri)
        await self.hub.audit.write("gateway_start", gateway=self.hub.gateway_id, uri=self.uri)

    async def _start_advert(self) -> None:
        cfg = self.hub.config
        address = cfg.advertise_address or (
            cfg.host if cfg.host not in ("0.0.0.0", "") else primary_ipv4()
        )
        advert = Advert(
            self.hub.gateway_id, self.hub.gateway_name, self.port, PROTOCOL_VERSION,
            self.hub.fingerprint, self.scheme, CAPABILITIES, address,
        )  # fmt: skip
        interfaces = list(cfg.zeroconf_interfaces) or None
        self._advertiser = Advertiser(advert, interfaces)
        await self._advertiser.start()
        self._load_task = asyncio.create_task(self._advertise_load())

    async def _advertise_load(self) -> None:
        while self._advertiser is not None:
            await self._advertiser.update_load(len(self.hub.sessions), self.hub.queue.length)
            await asyncio.sleep(2.0)

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        return http_response(connection, request, self.hub)

    async def _handle(self, ws: ServerConnection) -> None:
        hub = self.hub
        if ws.request is not None and ws.request.path.startswith("/dashboard/ws"):
            from gateway.dashboard import dashboard_socket

            await dashboard_socket(ws, hub)
            return
        if len(hub.sessions) >= hub.config.max_sessions:
            await self._refuse(ws, ErrorMessage("unavailable", "gateway is at its session limit"))
            return
        hello = await self._read_hello(ws)
        if hello is None:
            return
        session = Session(ws, hub, hello, new_session_id())
        previous = hub.sessions.get(session.device_id)
        if previous is not None:  # the same glasses reconnected: the old link is dead
            await previous.ws.close(1001, "replaced by a new connection")
        hub.sessions[session.device_id] = session
        try:
            await self._welcome(session, hello)
            await session.run()
        except ConnectionClosed:
            pass
        finally:
            await session.close()
            if hub.sessions.get(session.device_id) is session:
                del hub.sessions[session.device_id]
            await session.audit("disconnect")

    async def _read_hello(self, ws: ServerConnection) -> Hello | None:
        try:
            data = await asyncio.wait_for(ws.recv(), self.hub.config.hello_timeout)
            message = codec.decode(data)
        except (TimeoutError, ConnectionClosed):
            return None
        except ProtocolError as exc:
            await self._refuse(ws, ErrorMessage.from_exception(exc))
            return None
        if not isinstance(message, Hello):
            await self._refuse(
                ws, ErrorMessage("malformed_frame", "the first message must be hello")
            )
            return None
        try:
            negotiate(PROTOCOL_VERSION, message.protocol_version, local="gateway")
        except ProtocolError as exc:
            await self.hub.audit.write("refused", device=message.device_id, reason=str(exc))
            await self._refuse(ws, ErrorMessage.from_exception(exc))
            return None
        refusal = self._authenticate(message)
        if refusal:
            await self.hub.audit.write("refused", device=message.device_id, reason=refusal)
            await self._refuse(ws, ErrorMessage("unauthorized", refusal, fatal=True))
            return None
        return message

    def _authenticate(self, hello: Hello) -> str:
        devices: Any = self.hub.devices
        if devices is None:
            return ""
        return str(devices.check(hello.device_id, hello.auth_token or ""))

    async def _refuse(self, ws: ServerConnection, error: ErrorMessage) -> None:
        with contextlib.suppress(ConnectionClosed):
            await ws.send(codec.encode(error))
            await ws.close(1008 if error.fatal else 1013, error.code)

    async def _welcome(self, session: Session, hello: Hello) -> None:
        hub = self.hub
        version = negotiate(PROTOCOL_VERSION, hello.protocol_version, local="gateway")
        await session.send(
            Welcome(
                version,
                hub.gateway_id,
                hub.gateway_name,
                session.session_id,
                hub.answerer.kb_version[:64] or "none",
                CAPABILITIES,
                hub.pack_version,
                hub.config.heartbeat_interval,
            )  # fmt: skip
        )
        await session.audit(
            "hello", version=version, resume=hello.state.to_json(), name=hello.device_name
        )

    async def stop(self, reason: str = "gateway shutting down") -> None:
        """Stop advertising, tell every session we are going, finish or cancel answers.

        The zeroconf goodbye takes about 250 ms (three broadcasts); it goes out while the
        sessions are told, so glasses learn of the shutdown at once.
        """
        if self._load_task is not None:
            self._load_task.cancel()
            await asyncio.gather(self._load_task, return_exceptions=True)
        unadvertise: asyncio.Task[None] | None = None
        if self._advertiser is not None:
            advertiser, self._advertiser = self._advertiser, None
            unadvertise = asyncio.create_task(advertiser.stop())
        sessions = list(self.hub.sessions.values())
        if sessions:
            pending = [t for s in sessions for t in s.asks.values()]
            if pending:
                await asyncio.wait(pending, timeout=self.hub.config.shutdown_grace)
            farewells = asyncio.gather(
                *(s.going_away(reason, 5.0) for s in sessions), return_exceptions=True
            )
            try:
                await asyncio.wait_for(farewells, self.hub.config.send_timeout + 1.0)
            except TimeoutError:
                log.warning("some glasses did not take the going-away message")
        if unadvertise is not None:
            await unadvertise
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self.hub.audit.write("gateway_stop", gateway=self.hub.gateway_id)
