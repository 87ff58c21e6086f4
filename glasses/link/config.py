"""How the glasses find and keep a gateway."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LinkConfig:
    gateway: str = "auto"
    """``auto`` (zeroconf + known URIs), ``off`` (never connect), or one ``ws://``/``wss://`` URI."""
    uris: tuple[str, ...] = ()
    """Extra gateway URIs to try (networks where multicast does not cross VLANs)."""
    zeroconf_interfaces: tuple[str, ...] = ()
    """Interfaces to browse on (empty: all)."""
    heartbeat_interval: float = 1.0
    """Seconds between pings (the gateway's welcome may change it)."""
    dead_after: float = 2.5
    """A link with no frame for this long is dead (goal: detected within 3 s)."""
    connect_timeout: float = 2.0
    backoff_initial: float = 0.2
    backoff_max: float = 10.0
    fatal_retry: float = 60.0
    """Seconds before retrying a gateway that refused us for good (version, auth)."""
    switch_ratio: float = 0.5
    """Switch to another gateway only if its round trip is below this share of ours."""
    scout_interval: float = 15.0
    """Seconds between round-trip measurements of the other gateways while connected."""
    insecure: bool = False
    """Allow plain ws:// (lab only)."""
