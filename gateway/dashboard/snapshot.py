"""The data the operator dashboard shows: one JSON snapshot of the running gateway.

The live part (sessions, feed, devices) is read on the event loop, where those
structures change; the audit part (file reads and the hash-chain check) is pure
file I/O and may run in a worker thread. Verification is cached by the file's
size and modification time, so an idle gateway does not re-hash its log.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gateway.service.audit import VerifyResult, verify
from gateway.service.hub import Hub
from gateway.service.status import status

AUDIT_ROWS = 50
"""How many audit records the dashboard shows (newest last in the file, first on screen)."""
FEED_ROWS = 50
"""How many questions and answers the dashboard shows."""


class DeviceRegistry(Protocol):
    """What the dashboard needs from ``hub.devices`` (the pairing registry)."""

    def list(self) -> Iterable[Any]:
        """Every paired device: objects or dicts with ``device_id`` and optionally
        ``name``, ``revoked`` (bool) and ``paired_at`` (epoch seconds)."""
        ...

    def revoke(self, device_id: str) -> Any:
        """Refuse this device from now on."""
        ...


@dataclass(frozen=True)
class AuditState:
    """The audit tail plus the verdict on the whole chain."""

    ok: bool
    records: int
    first_broken: int | None
    reason: str
    tail: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        verdict = "chain intact" if self.ok else f"broken at line {self.first_broken}"
        return {
            "ok": self.ok, "records": self.records, "first_broken": self.first_broken,
            "reason": self.reason, "verdict": verdict, "tail": list(self.tail),
        }  # fmt: skip


class AuditWatch:
    """Re-verifies the audit log only when the file changed (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._result: VerifyResult | None = None

    def _stat_key(self) -> tuple[int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return (-1, -1)
        return (st.st_size, st.st_mtime_ns)

    def verdict(self) -> VerifyResult:
        with self._lock:
            key = self._stat_key()
            if self._result is None or key != self._key:
                self._result = verify(self.path)
                self._key = key
            return self._result


def audit_state(hub: Hub, watch: AuditWatch, rows: int = AUDIT_ROWS) -> AuditState:
    """Blocking: read the tail and check the chain."""
    result = watch.verdict()
    tail = tuple(reversed(hub.audit.tail(rows)))
    return AuditState(result.ok, result.records, result.first_broken, result.reason, tail)


def step_details(hub: Hub, procedure_id: str | None, index: int | None) -> dict[str, Any]:
    """Title of the procedure, the 1-based step number, the step count and its text."""
    doc = hub.documents.get(procedure_id) if procedure_id else None
    details: dict[str, Any] = {
        "procedure_title": doc.title if doc else None,
        "step_number": None if index is None else index + 1,
        "step_count": len(doc.steps) if doc else None,
        "step_text": None,
    }
    if doc is not None and index is not None and 0 <= index < len(doc.steps):
        details["step_text"] = doc.steps[index].text
    return details


def session_rows(hub: Hub, now: float | None = None) -> list[dict[str, Any]]:
    """One row per connected pair of glasses (call on the event loop)."""
    now = time.time() if now is None else now
    rows = []
    for s in list(hub.sessions.values()):
        rows.append(
            {
                "device": s.device_id,
                "name": s.hello.device_name,
                "procedure": s.state.procedure_id,
                "step": s.state.step_index,
                **step_details(hub, s.state.procedure_id, s.state.step_index),
                "last_seen_s": round(max(0.0, now - s.last_seen), 1),
                "rtt_ms": None if s.rtt_ms is None else round(s.rtt_ms, 1),
                "connected_s": round(max(0.0, now - s.connected_at), 1),
                "answering": len(s.asks),
                "tag_in_view": getattr(s, "tag_in_view", None),
            }
        )
    rows.sort(key=lambda r: str(r["device"]))
    return rows


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def device_rows(devices: DeviceRegistry | None) -> list[dict[str, Any]] | None:
    """The paired devices, or None when the gateway has no registry."""
    if devices is None:
        return None
    rows = []
    for item in devices.list():
        device_id = _field(item, "device_id") or _field(item, "id")
        if not device_id:
            continue
        rows.append(
            {
                "device": str(device_id),
                "name": str(_field(item, "name", "") or ""),
                "revoked": bool(_field(item, "revoked", False)),
                "paired_at": _field(item, "paired_at"),
            }
        )
    rows.sort(key=lambda r: r["device"])
    return rows


def telemetry_part(hub: Hub) -> dict[str, Any] | None:
    """Open alerts and each unit's latest readings, when the gateway polls telemetry."""
    bridge = hub.telemetry
    service = getattr(bridge, "service", None)
    if service is None:
        return None
    try:
        alerts = [
            {"tag": a.tag, "point": a.point, "severity": a.severity.label, "state": a.state.value,
             "message": a.message, "procedure": a.procedure, "since": a.since}
            for a in service.open_alerts()
        ]  # fmt: skip
        units = []
        for tag in sorted({p.tag for p in service.points.points}):
            rows = [{"point": r.point, "value": r.value, "unit": r.unit, "trend": r.trend.value,
                     "age_s": None if r.age_s is None else round(r.age_s, 1)}
                    for r in service.latest(tag)]  # fmt: skip
            units.append({"tag": tag, "readings": rows})
    except Exception as exc:  # a stopped service must not break the page
        return {"error": str(exc), "alerts": [], "units": []}
    return {"alerts": alerts, "units": units}


def live_part(hub: Hub) -> dict[str, Any]:
    """Everything read from in-memory state (call on the event loop)."""
    base = status(hub)
    base["sessions"] = session_rows(hub)
    base["feed"] = list(reversed(hub.feed[-FEED_ROWS:]))
    base["devices"] = device_rows(hub.devices)
    base["telemetry"] = telemetry_part(hub)
    base["time"] = round(time.time(), 3)
    return base


def snapshot(hub: Hub, watch: AuditWatch) -> dict[str, Any]:
    """The whole snapshot, synchronously (used by ``/api/status``)."""
    data = live_part(hub)
    data["audit"] = audit_state(hub, watch).to_json()
    return data
