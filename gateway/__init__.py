"""The control-room gateway: sessions, retrieval-grounded answers, packs, telemetry."""

__version__ = "0.1.0"
