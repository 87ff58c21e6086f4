"""The gateway service's configuration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceConfig:
    """Network, session and queue settings of ``gateway serve``."""

    host: str = "0.0.0.0"
    """Interface to listen on."""
    port: int = 8765
    """TCP port for websockets and HTTP (status, dashboard); 0 picks a free one."""
    advertise: bool = True
    """Announce the gateway on the LAN with zeroconf."""
    advertise_address: str = ""
    """Address put in the zeroconf record; empty: the host's primary IPv4 (127.0.0.1 for loopback)."""
    zeroconf_interfaces: tuple[str, ...] = ()
    """Interfaces zeroconf uses (empty: all)."""
    heartbeat_interval: float = 1.0
    """Seconds between the glasses' pings (told to them in welcome)."""
    idle_timeout: float = 15.0
    """Close a session that sent nothing (not even a ping) for this long."""
    hello_timeout: float = 5.0
    """Seconds a new connection has to send hello."""
    queue_capacity: int = 32
    """Asks waiting for the LLM before new ones are answered "busy"."""
    max_queue_wait: float = 120.0
    """Asks whose estimated wait for the LLM is longer are answered "busy" at once."""
    max_sessions: int = 64
    """Concurrent sessions accepted; more get an error and close."""
    max_bad_frames: int = 20
    """Malformed frames tolerated per session before it is disconnected."""
    asks_per_minute: int = 30
    """Per-device rate limit on questions."""
    send_timeout: float = 10.0
    """Seconds a send may wait for a peer that stopped reading before its link is dropped."""
    shutdown_grace: float = 2.0
    """Seconds to let answers in progress finish when shutting down."""
