"""Find gateways: zeroconf browsing plus explicit and last-known URIs.

Candidates are filtered by protocol major version and, when pairing pins
fingerprints, by fingerprint; an advertised gateway that is not pinned is
ignored and logged once. The connection manager measures round trips and
chooses among the candidates.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from zeroconf import IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

SERVICE_TYPE = "_glasses-gateway._tcp.local."
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A gateway the glasses could connect to."""

    uri: str
    gateway_id: str = ""
    name: str = ""
    version: str = ""
    fingerprint: str = ""
    sessions: int = 0
    queue: int = 0
    source: str = "config"  # "zeroconf" | "config" | "cache"


def _txt(info: AsyncServiceInfo) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (info.properties or {}).items():
        k = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        v = value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")
        out[k] = v
    return out


def candidate_from_info(info: AsyncServiceInfo) -> Candidate | None:
    txt = _txt(info)
    addresses = info.parsed_addresses()
    if not addresses or not info.port:
        return None
    scheme = txt.get("scheme", "ws")

    def _int(text: str) -> int:
        return int(text) if text.isdigit() else 0

    return Candidate(
        uri=f"{scheme}://{addresses[0]}:{info.port}",
        gateway_id=txt.get("id", ""),
        name=txt.get("name", ""),
        version=txt.get("v", ""),
        fingerprint=txt.get("fp", ""),
        sessions=_int(txt.get("sessions", "0")),
        queue=_int(txt.get("queue", "0")),
        source="zeroconf",
    )


def compatible(candidate: Candidate, our_major: int, pinned: frozenset[str] | None) -> bool:
    major = candidate.version.split(".", 1)[0]
    if candidate.version and (not major.isdigit() or int(major) != our_major):
        return False
    return pinned is None or candidate.fingerprint in pinned


class Browser:
    """Keeps ``candidates`` current from zeroconf; calls ``on_change`` on every change."""

    def __init__(
        self,
        our_major: int,
        pinned: frozenset[str] | None = None,
        interfaces: list[str] | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.candidates: dict[str, Candidate] = {}
        self._our_major = our_major
        self._pinned = pinned
        self._interfaces = interfaces
        self._on_change = on_change
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ignored: set[str] = set()

    async def start(self) -> None:
        kwargs = {"interfaces": self._interfaces} if self._interfaces else {}
        self._zc = AsyncZeroconf(ip_version=IPVersion.V4Only, **kwargs)  # type: ignore[arg-type]
        self._browser = AsyncServiceBrowser(
            self._zc.zeroconf, [SERVICE_TYPE], handlers=[self._on_service]
        )

    def _on_service(
        self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is ServiceStateChange.Removed:
            if self.candidates.pop(name, None) is not None and self._on_change:
                self._on_change()
            return
        task = asyncio.get_running_loop().create_task(self._resolve(name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resolve(self, name: str) -> None:
        if self._zc is None:
            return
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        if not await info.async_request(self._zc.zeroconf, 2000):
            return
        candidate = candidate_from_info(info)
        if candidate is None:
            return
        if not compatible(candidate, self._our_major, self._pinned):
            if name not in self._ignored:
                self._ignored.add(name)
                log.warning(
                    "ignoring gateway %s at %s: version %s / fingerprint %s not accepted",
                    candidate.name or name,
                    candidate.uri,
                    candidate.version,
                    candidate.fingerprint[:16] or "none",
                )
            return
        self.candidates[name] = candidate
        if self._on_change:
            self._on_change()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._browser is not None:
            await self._browser.async_cancel()
            self._browser = None
        if self._zc is not None:
            await self._zc.async_close()
            self._zc = None


class KnownGateways:
    """Last-known gateways, cached on disk for networks where multicast is blocked."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Candidate]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [Candidate(**{**item, "source": "cache"}) for item in data]
        except (OSError, ValueError, TypeError):
            return []

    def remember(self, candidate: Candidate) -> None:
        known = {c.uri: c for c in self.load()}
        known[candidate.uri] = candidate
        self.path.parent.mkdir(parents=True, exist_ok=True)
        items = [c.__dict__ for c in list(known.values())[-8:]]
        self.path.write_text(json.dumps(items, indent=1), encoding="utf-8")


async def probe_rtt(uri: str, timeout: float = 0.5) -> float | None:
    """TCP connect time to a gateway in milliseconds, or None when it does not answer."""
    parts = urlsplit(uri)
    if not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    start = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), timeout)
    except (OSError, TimeoutError):
        return None
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return (time.monotonic() - start) * 1000.0
