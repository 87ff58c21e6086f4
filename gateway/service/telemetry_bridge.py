"""Telemetry to the glasses: alerts to every session, readings to those looking at the unit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from gateway.service.hub import Hub
from gateway.telemetry import model as tm
from protocol.messages import Alert, Reading, TelemetryReadings

log = logging.getLogger(__name__)
_SEND = (tm.AlertChange.OPENED, tm.AlertChange.ESCALATED)


def alert_message(alert: tm.Alert) -> Alert:
    observed = alert.observed if alert.observed is not None else 0.0
    expected = "" if alert.expected is None else f"{alert.expected:g} {alert.unit}".strip()
    return Alert(
        alert.id[:64], alert.tag, alert.point[:64] or "communication", alert.severity.label,
        alert.message[:400], observed, expected[:120] or "normal", alert.since, alert.unit[:16],
        alert.procedure,
    )  # fmt: skip


def readings_message(tag: str, latest: tuple[tm.LatestReading, ...]) -> TelemetryReadings | None:
    rows = []
    for r in latest:
        if r.value is None or r.ts is None:
            continue
        trend = r.trend.value if r.trend.value in ("up", "down", "flat") else "flat"
        rows.append(Reading(r.point[:64], r.value, r.unit[:16], r.ts, trend))
    return TelemetryReadings(tag, tuple(rows[:16])) if rows else None


class TelemetryBridge:
    """Owns the subscription task; also answers a session's TelemetrySubscribe at once."""

    def __init__(self, hub: Hub, service: Any) -> None:
        self.hub = hub
        self.service = service
        self._task: asyncio.Task[None] | None = None

    def readings_message(self, tag: str) -> TelemetryReadings | None:
        try:
            return readings_message(tag, self.service.latest(tag))
        except Exception:  # an unknown tag or a stopped service: nothing to show
            return None

    def acknowledge(self, alert_id: str, by: str) -> None:
        task = asyncio.ensure_future(self.service.acknowledge(alert_id, by))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def open_alerts(self) -> list[Alert]:
        """Alerts nobody has acknowledged yet (told to glasses when they connect)."""
        return [alert_message(a) for a in self.service.open_alerts()
                if a.state is tm.AlertState.OPEN]  # fmt: skip

    def start(self) -> None:
        self._task = asyncio.create_task(self._pump(), name="telemetry-bridge")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _pump(self) -> None:
        async with self.service.subscribe() as feed:
            async for event in feed:
                try:
                    await self._forward(event)
                except Exception:
                    log.exception("telemetry bridge: cannot forward %s", type(event).__name__)

    async def _forward(self, event: Any) -> None:
        sessions = list(self.hub.sessions.values())
        if isinstance(event, tm.AlertEvent):
            if event.change not in _SEND:
                return
            message: Any = alert_message(event.alert)
            targets = sessions
        else:
            message = readings_message(event.tag, event.readings)
            targets = [s for s in sessions if s.tag_in_view == event.tag]
        if message is None:
            return
        for session in targets:
            with contextlib.suppress(Exception):
                await session.send(message)
