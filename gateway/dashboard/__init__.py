"""The operator dashboard served by the gateway on its own port.

``mount(hub)`` registers the page (``/``, ``/dashboard``), its assets, ``/api/status``
and ``/api/devices/revoke`` in ``hub.http_routes``; the server routes websocket
connections on ``/dashboard/ws`` to :func:`dashboard_socket`, which pushes a JSON
snapshot on connect and every second after.
"""

from __future__ import annotations

from gateway.dashboard.board import Dashboard
from gateway.dashboard.live import dashboard_socket
from gateway.dashboard.routes import build_routes
from gateway.service.hub import Hub

__all__ = ["Dashboard", "dashboard_socket", "mount"]


def mount(hub: Hub, push_interval: float = 1.0) -> Dashboard:
    """Attach the dashboard to ``hub`` (idempotent) and return it."""
    board = getattr(hub, "dashboard", None)
    if isinstance(board, Dashboard):
        return board
    board = Dashboard(hub, push_interval)
    routes = dict(getattr(hub, "http_routes", None) or {})
    routes.update(build_routes(board))
    hub.http_routes = routes
    setattr(hub, "dashboard", board)  # noqa: B010 (not a Hub field: the dashboard is optional)
    return board
