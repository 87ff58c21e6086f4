"""Zeroconf advertisement of the gateway as ``_glasses-gateway._tcp.local.``.

TXT fields: ``v`` protocol version, ``id`` gateway id, ``name``, ``fp`` the
certificate fingerprint (SHA-256 hex, empty for a lab gateway without TLS),
``scheme`` ws or wss, ``sessions`` and ``queue`` (current load), ``caps``
(comma-separated capabilities). Registered with the asyncio API, updated when
the load changes materially, unregistered on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass

from zeroconf import IPVersion
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

SERVICE_TYPE = "_glasses-gateway._tcp.local."
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Advert:
    gateway_id: str
    name: str
    port: int
    version: str
    fingerprint: str
    scheme: str
    capabilities: tuple[str, ...]
    address: str = "127.0.0.1"


def _txt(advert: Advert, sessions: int, queue: int) -> dict[str, str]:
    return {
        "v": advert.version,
        "id": advert.gateway_id,
        "name": advert.name,
        "fp": advert.fingerprint,
        "scheme": advert.scheme,
        "sessions": str(sessions),
        "queue": str(queue),
        "caps": ",".join(advert.capabilities),
    }


async def await_task(task: object) -> None:
    """Wait for a zeroconf broadcast task (goodbye packets must leave before close)."""
    if isinstance(task, asyncio.Future | asyncio.Task):
        await task


class Advertiser:
    """Owns one AsyncZeroconf instance and one service registration."""

    def __init__(self, advert: Advert, interfaces: list[str] | None = None) -> None:
        self.advert = advert
        self._interfaces = interfaces or [advert.address]
        self._zc: AsyncZeroconf | None = None
        self._info: AsyncServiceInfo | None = None
        self._load = (0, 0)

    def _make_info(self, sessions: int, queue: int) -> AsyncServiceInfo:
        a = self.advert
        return AsyncServiceInfo(
            SERVICE_TYPE,
            f"{a.gateway_id}.{SERVICE_TYPE}",
            addresses=[socket.inet_aton(a.address)],
            port=a.port,
            properties=_txt(a, sessions, queue),
            server=f"{a.gateway_id}.local.",
        )

    async def start(self) -> None:
        self._zc = AsyncZeroconf(interfaces=self._interfaces, ip_version=IPVersion.V4Only)
        self._info = self._make_info(0, 0)
        # the asyncio API returns a task that completes once the announcement is out
        await await_task(await self._zc.async_register_service(self._info, allow_name_change=True))
        log.info(
            "advertising %s on %s:%d", self.advert.gateway_id, self.advert.address, self.advert.port
        )

    async def update_load(self, sessions: int, queue: int) -> None:
        """Re-announce when the load changed materially (sessions, or queue by ≥ 2)."""
        if self._zc is None or self._info is None:
            return
        old_sessions, old_queue = self._load
        if sessions == old_sessions and abs(queue - old_queue) < 2:
            return
        self._load = (sessions, queue)
        self._info = self._make_info(sessions, queue)
        await await_task(await self._zc.async_update_service(self._info))

    async def stop(self) -> None:
        if self._zc is None:
            return
        zc, self._zc = self._zc, None
        try:
            if self._info is not None:
                await await_task(await zc.async_unregister_service(self._info))
        finally:
            await zc.async_close()
