"""Wire TLS, the device registry, the ``/pair`` route and the revocation watch into a Hub."""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.security.config import SecurityConfig
from gateway.security.devices import DeviceRegistry, open_registry
from gateway.security.http import pair_route
from gateway.security.tls import load_or_create_identity, server_ssl_context
from gateway.security.watch import RevocationWatcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Secured:
    ssl_context: ssl.SSLContext | None
    """For ``GatewayServer(hub, ssl_context)``; None when TLS is off."""
    registry: DeviceRegistry
    """Open for the life of the gateway."""
    watcher: RevocationWatcher
    """Cuts live sessions of revoked devices once started."""

    def start(self) -> None:
        """Start the revocation watch (call on the running loop, after the server starts)."""
        self.watcher.start()

    async def aclose(self) -> None:
        """Stop the watch and close the registry (after the server stopped)."""
        await self.watcher.stop()
        self.registry.close()


def secure_hub(
    hub: Any, data_dir: Path, config: SecurityConfig, extra: dict[str, str] | None = None
) -> Secured:
    """Set ``hub.fingerprint``, ``hub.devices`` and ``hub.http_routes["/pair"]``."""
    context: ssl.SSLContext | None = None
    if config.tls:
        identity = load_or_create_identity(data_dir, hub.gateway_id)
        hub.fingerprint = identity.fingerprint
        context = server_ssl_context(identity.cert_path, identity.key_path)
    else:
        log.warning("TLS is off: glasses and gateway talk in clear text (lab only)")
    registry = open_registry(data_dir, config.max_failed_codes)
    if config.require_pairing:
        hub.devices = registry
    else:
        log.warning("pairing is not required: any device on the network gets a session")
    routes = dict(getattr(hub, "http_routes", None) or {})
    routes["/pair"] = pair_route(
        registry,
        hub.audit,
        {"gateway_id": hub.gateway_id, "gateway_name": hub.gateway_name, **(extra or {})},
        require_tls=True,
    )
    hub.http_routes = routes
    return Secured(context, registry, RevocationWatcher(hub, config.revocation_check_s))
