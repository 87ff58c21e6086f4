"""The glasses' link to gateways: discovery, connection, fallback and handoff."""
