"""The gateway's websocket service: sessions, fair LLM queue, audit log, status."""
