"""One dashboard per hub: the audit watcher, live-socket bookkeeping and revocation."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from websockets.exceptions import ConnectionClosed

from gateway.dashboard.snapshot import AuditWatch, audit_state, live_part
from gateway.service.hub import Hub

log = logging.getLogger(__name__)


class Dashboard:
    """State shared by the dashboard's HTTP routes and its live websockets."""

    def __init__(self, hub: Hub, push_interval: float = 1.0, max_clients: int = 16) -> None:
        self.hub = hub
        self.push_interval = push_interval
        """Seconds between two snapshots pushed to a live page."""
        self.max_clients = max_clients
        """Live pages served at once; more are refused (close code 1013)."""
        self.watch = AuditWatch(hub.audit.path)
        self.clients = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    async def snapshot(self) -> dict[str, Any]:
        """Live state read on the loop, audit file read and verified in a thread."""
        data = live_part(self.hub)
        audit = await asyncio.to_thread(audit_state, self.hub, self.watch)
        data["audit"] = audit.to_json()
        return data

    def after_revoke(self, device_id: str) -> bool:
        """Audit the revocation and drop the device's live session; True if it was connected."""
        self.hub.audit.append("revoke", device=device_id, by="dashboard")  # one line, in order
        session = self.hub.sessions.get(device_id)
        if session is None:
            return False
        spawn(self._tasks, self._close(session.ws))
        return True

    @staticmethod
    async def _close(ws: Any) -> None:
        with contextlib.suppress(ConnectionClosed):
            await ws.close(1008, "device revoked")


def spawn(tasks: set[asyncio.Task[Any]], coro: Any) -> None:
    """Run ``coro`` on the running loop, keeping a reference until it ends."""
    task = asyncio.get_running_loop().create_task(coro)
    tasks.add(task)
    task.add_done_callback(tasks.discard)
