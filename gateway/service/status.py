"""The HTTP side of the gateway's port: ``/status`` (JSON) and ``/healthz``."""

from __future__ import annotations

import json
import time
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

import gateway
from gateway.service.hub import Hub
from protocol.version import PROTOCOL_VERSION


def status(hub: Hub) -> dict[str, Any]:
    now = time.time()
    sessions = [
        {
            "device": s.device_id,
            "name": s.hello.device_name,
            "session": s.session_id,
            "procedure": s.state.procedure_id,
            "step": s.state.step_index,
            "last_seen": round(s.last_seen, 3),
            "last_seen_s": round(now - s.last_seen, 1),
            "connected_s": round(now - s.connected_at, 1),
            "answering": len(s.asks),
        }
        for s in hub.sessions.values()
    ]
    return {
        "gateway": hub.gateway_id,
        "name": hub.gateway_name,
        "version": gateway.__version__,
        "protocol": PROTOCOL_VERSION,
        "uptime_s": round(now - hub.started, 1),
        "sessions": sessions,
        "queue": {
            "length": hub.queue.length,
            "busy": hub.queue.busy,
            "capacity": hub.queue.capacity,
        },
        "kb_version": hub.answerer.kb_version,
        "pack_version": hub.pack_version,
        "fingerprint": hub.fingerprint,
    }


def json_response(payload: Any, code: HTTPStatus = HTTPStatus.OK) -> Response:
    body = json.dumps(payload, default=str).encode("utf-8")
    headers = Headers(
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
         ("Cache-Control", "no-store")]
    )  # fmt: skip
    return Response(code.value, code.phrase, headers, body)


def http_response(connection: ServerConnection, request: Request, hub: Hub) -> Response:
    path = request.path.split("?", 1)[0]
    if path == "/status":
        return json_response(status(hub))
    if path == "/healthz":
        return connection.respond(HTTPStatus.OK, "ok\n")
    routes = getattr(hub, "http_routes", None)
    if routes and path in routes:
        return routes[path](connection, request)
    return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
