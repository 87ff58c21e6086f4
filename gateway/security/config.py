"""The gateway's security settings (``[security]`` in the gateway's TOML)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecurityConfig:
    """TLS and pairing for ``gateway serve`` and ``gateway pair``."""

    tls: bool = True
    """Serve wss/https with the certificate in data_dir/tls (made on first start).
    False serves plain ws: a lab gateway only (glasses need ``link.insecure``), and
    pairing is then refused (codes and tokens never travel in clear text)."""
    require_pairing: bool = True
    """Only paired glasses with a live token get a session (see ``gateway pair``)."""
    code_ttl_s: float = 300.0
    """Seconds a pairing code from ``gateway pair`` stays valid."""
    max_failed_codes: int = 10
    """Wrong pairing codes tolerated before every open code is cancelled."""
    revocation_check_s: float = 2.0
    """Seconds between re-checks of live sessions' tokens (a revoked device is cut)."""
