"""Cut live sessions whose device was revoked (``gateway devices revoke`` runs in another
process, so the server polls the registry instead of being told)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from websockets.exceptions import ConnectionClosed

from protocol import codec
from protocol.messages import ErrorMessage

log = logging.getLogger(__name__)


class RevocationWatcher:
    """Every ``interval`` seconds, re-check each session's token; close refused ones."""

    def __init__(self, hub: Any, interval: float = 2.0) -> None:
        self.hub = hub
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.hub.devices is not None:
            self._task = asyncio.create_task(self._run(), name="revocation-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sweep()
            except Exception:  # one failed sweep (e.g. a locked DB) must not end the watch
                log.exception("revocation sweep failed")

    async def sweep(self) -> list[str]:
        """Close every session whose token is no longer accepted; return their device ids."""
        devices = self.hub.devices
        cut = []
        for device_id, session in list(self.hub.sessions.items()):
            token = session.hello.auth_token or ""
            refusal = await asyncio.to_thread(devices.check, device_id, token)
            if refusal:
                cut.append(device_id)
                await self._cut(session, device_id, refusal)
        return cut

    async def _cut(self, session: Any, device_id: str, refusal: str) -> None:
        log.warning("closing session of %s: %s", device_id, refusal)
        await self.hub.audit.write("session_cut", device=device_id, reason=refusal)
        with contextlib.suppress(ConnectionClosed):
            await session.ws.send(codec.encode(ErrorMessage("unauthorized", refusal, fatal=True)))
            await session.ws.close(1008, "unauthorized")
