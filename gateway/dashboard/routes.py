"""HTTP routes of the operator dashboard: the page, its assets, the JSON API, revocation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from gateway.dashboard.snapshot import snapshot
from gateway.service.status import json_response

if TYPE_CHECKING:
    from gateway.dashboard import Dashboard

log = logging.getLogger(__name__)
Route = Callable[[ServerConnection, Request], Response]

CSRF_HEADER = "X-Dashboard"
"""Revocation must carry this header: a cross-site form or link cannot add it."""
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


def load_assets() -> dict[str, bytes]:
    """The page's files, read once from the package."""
    package = resources.files("gateway.dashboard")
    return {name: package.joinpath(name).read_bytes() for name in ASSETS}


def static_response(name: str, body: bytes) -> Response:
    headers = Headers(
        [("Content-Type", ASSETS[name]), ("Content-Length", str(len(body))),
         ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"),
         ("Content-Security-Policy", CSP), ("Referrer-Policy", "no-referrer")]
    )  # fmt: skip
    return Response(HTTPStatus.OK.value, HTTPStatus.OK.phrase, headers, body)


def _static(name: str, body: bytes) -> Route:
    def route(connection: ServerConnection, request: Request) -> Response:
        return static_response(name, body)

    return route


def _api_status(board: Dashboard) -> Route:
    def route(connection: ServerConnection, request: Request) -> Response:
        try:
            return json_response(snapshot(board.hub, board.watch))
        except Exception as exc:  # one bad read must not take the page down
            log.exception("dashboard snapshot failed")
            return json_response({"error": str(exc)[:300]}, HTTPStatus.INTERNAL_SERVER_ERROR)

    return route


def _revoke(board: Dashboard) -> Route:
    def route(connection: ServerConnection, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return json_response({"error": "use POST"}, HTTPStatus.METHOD_NOT_ALLOWED)
        if not request.headers.get(CSRF_HEADER):
            return json_response({"error": f"missing {CSRF_HEADER} header"}, HTTPStatus.FORBIDDEN)
        if board.hub.devices is None:
            return json_response({"error": "no device registry"}, HTTPStatus.NOT_FOUND)
        query = parse_qs(urlsplit(request.path).query)
        device_id = (query.get("id") or [""])[0].strip()
        if not device_id:
            return json_response({"error": "missing ?id="}, HTTPStatus.BAD_REQUEST)
        try:
            result: Any = board.hub.devices.revoke(device_id)
        except (KeyError, ValueError) as exc:
            return json_response({"error": str(exc)[:300]}, HTTPStatus.NOT_FOUND)
        if result is False:
            return json_response({"error": f"unknown device {device_id!r}"}, HTTPStatus.NOT_FOUND)
        disconnected = board.after_revoke(device_id)
        return json_response({"ok": True, "device": device_id, "disconnected": disconnected})

    return route


def build_routes(board: Dashboard) -> dict[str, Route]:
    """Every path the dashboard serves, for ``hub.http_routes``."""
    assets = load_assets()
    page = _static("index.html", assets["index.html"])
    return {
        "/": page,
        "/dashboard": page,
        "/dashboard/": page,
        "/dashboard/app.js": _static("app.js", assets["app.js"]),
        "/dashboard/app.css": _static("app.css", assets["app.css"]),
        "/api/status": _api_status(board),
        "/api/devices/revoke": _revoke(board),
    }
