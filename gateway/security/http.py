"""``GET /pair?code=…&device=…&name=…`` on the gateway's TLS port: spend a pairing code.

websockets' HTTP parser accepts no request body, so the code travels in the query
string; the route refuses plain HTTP, and responses are never cached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from gateway.security.devices import DeviceRegistry, PairingError
from gateway.service.status import json_response

log = logging.getLogger(__name__)
Route = Callable[[ServerConnection, Request], Response]


def handle_pair(
    params: Mapping[str, str], registry: DeviceRegistry, gateway: Mapping[str, str] | None = None
) -> tuple[HTTPStatus, dict[str, Any]]:
    """Redeem ``params['code']`` for ``params['device']``; the JSON carries the token."""
    missing = [key for key in ("code", "device") if not params.get(key)]
    if missing:
        return HTTPStatus.BAD_REQUEST, {"error": f"missing parameter: {', '.join(missing)}"}
    device = params["device"]
    try:
        token = registry.redeem(params["code"], device, params.get("name", ""))
    except PairingError as exc:
        return HTTPStatus.FORBIDDEN, {"error": str(exc)}
    return HTTPStatus.OK, {"device": device, "token": token, **(gateway or {})}


def _query(path: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))


def pair_route(
    registry: DeviceRegistry,
    audit: Any = None,
    gateway: Mapping[str, str] | None = None,
    require_tls: bool = True,
) -> Route:
    """The ``/pair`` handler for ``hub.http_routes``.

    ``audit`` is an AuditLog (``append`` is used: this runs inside websockets'
    synchronous request hook); ``gateway`` (e.g. ``{"gateway_id":…, "gateway_name":…}``)
    is echoed to the glasses on success.
    """

    def route(connection: ServerConnection, request: Request) -> Response:
        if request.method != "GET":
            return json_response({"error": "use GET /pair?code=…&device=…&name=…"},
                                 HTTPStatus.METHOD_NOT_ALLOWED)  # fmt: skip
        if require_tls and connection.transport.get_extra_info("ssl_object") is None:
            return json_response({"error": "pairing needs TLS (wss/https)"}, HTTPStatus.FORBIDDEN)
        params = _query(request.path)
        status, body = handle_pair(params, registry, gateway)
        device = params.get("device", "")
        if status == HTTPStatus.OK:
            log.info("paired device %s", device)
            if audit is not None:
                audit.append("paired", device=device, name=params.get("name", ""))
        else:
            log.warning("pairing refused for %r: %s", device, body["error"])
            if audit is not None:
                audit.append("pair_refused", device=device[:64], reason=body["error"])
        return json_response(body, status)

    return route
