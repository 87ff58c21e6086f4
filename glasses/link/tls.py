"""TLS towards a gateway: trust comes from the paired certificate's fingerprint."""

from __future__ import annotations

import hashlib
import ssl

from websockets.asyncio.client import ClientConnection


class FatalLinkError(Exception):
    """The gateway refused us for a reason retrying will not fix."""


def client_context(
    uri: str, insecure: bool, pinned: frozenset[str] | None
) -> ssl.SSLContext | None:
    """The TLS context for ``uri``; a plain ws:// gateway only when unpinned or ``insecure``."""
    if not uri.startswith("wss://"):
        if not insecure and pinned is not None:
            raise FatalLinkError(f"{uri} is not TLS; use --insecure for a lab gateway")
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # trust comes from the pinned fingerprint (check_pin)
    return ctx


def check_pin(ws: ClientConnection, pinned: frozenset[str] | None) -> str | None:
    """The gateway certificate's SHA-256 fingerprint (None without TLS); refuse a gateway
    whose certificate is not one of the ``pinned`` fingerprints (None pins nothing)."""
    ssl_object = ws.transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True) or b""
    fingerprint = hashlib.sha256(der).hexdigest()
    if pinned is not None and fingerprint not in pinned:
        raise FatalLinkError(f"gateway certificate {fingerprint[:16]}… is not the paired one")
    return fingerprint
