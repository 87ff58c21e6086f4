"""``/dashboard/ws``: push a JSON snapshot on connect and then every second."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from gateway.service.hub import Hub

if TYPE_CHECKING:
    from gateway.dashboard.board import Dashboard

log = logging.getLogger(__name__)


def same_origin(ws: ServerConnection) -> bool:
    """Browsers send Origin; a page from another site must not read the feed."""
    request = ws.request
    if request is None:
        return False
    origin = request.headers.get("Origin")
    if not origin:
        return True  # not a browser (or a same-origin tool): nothing to hijack
    return urlsplit(origin).netloc.lower() == request.headers.get("Host", "").lower()


async def dashboard_socket(ws: ServerConnection, hub: Hub) -> None:
    """Serve one live dashboard page until it goes away."""
    from gateway.dashboard import mount

    board: Dashboard = getattr(hub, "dashboard", None) or mount(hub)
    if not same_origin(ws):
        await ws.close(1008, "cross-origin dashboard refused")
        return
    if board.clients >= board.max_clients:
        await ws.close(1013, "too many dashboards")
        return
    board.clients += 1
    try:
        await _push_loop(ws, board)
    except ConnectionClosed:
        pass
    finally:
        board.clients -= 1


async def _push_loop(ws: ServerConnection, board: Dashboard) -> None:
    while True:
        try:
            payload = json.dumps(await board.snapshot(), default=str)
        except Exception as exc:  # one bad read must not end the page's feed
            log.exception("dashboard snapshot failed")
            payload = json.dumps({"error": str(exc)[:300]})
        await ws.send(payload)
        try:  # any message from the page asks for an immediate refresh
            await asyncio.wait_for(ws.recv(), timeout=board.push_interval)
        except TimeoutError:
            continue
