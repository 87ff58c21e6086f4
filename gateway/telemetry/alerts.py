"""Alert lifecycle: open -> acknowledged -> cleared, deduplicated, with hysteresis.

At most one active alert exists per key (equipment, point, category). Only a
*confirmed* finding opens one; any finding (confirmed or not) keeps it open;
it clears after ``clear_after`` consecutive normal samples, so a value hovering
at a threshold does not flap. A worse severity escalates the same alert.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gateway.telemetry.findings import Finding
from gateway.telemetry.model import (
    Alert,
    AlertCategory,
    AlertChange,
    AlertEvent,
    AlertState,
)

AlertKey = tuple[str, str, AlertCategory]


class UnknownAlertError(KeyError):
    """No alert has this id."""


@dataclass(frozen=True, slots=True)
class Draft:
    """What the engine knows about a finding when an alert opens or escalates."""

    tag: str
    point: str
    source: str
    observed: float | None
    expected: float | None
    unit: str
    message: str
    procedure: str | None


@dataclass(slots=True)
class _Track:
    alert: Alert
    normal: int = 0


def alert_key(alert: Alert) -> AlertKey:
    """The deduplication key of an alert (a comm alert is keyed by its source)."""
    if alert.category is AlertCategory.COMM:
        return comm_key(alert.source)
    return (alert.tag, alert.point, alert.category)


def comm_key(source: str) -> AlertKey:
    return (f"source:{source}", "", AlertCategory.COMM)


def new_alert_id() -> str:
    return uuid.uuid4().hex[:12]


class AlertBook:
    """All active alerts plus a short history of cleared ones."""

    def __init__(
        self, clear_after: int, history: int = 500, new_id: Callable[[], str] = new_alert_id
    ) -> None:
        self.clear_after = clear_after
        self._active: dict[AlertKey, _Track] = {}
        self._by_id: dict[str, AlertKey] = {}
        self._cleared: deque[Alert] = deque(maxlen=history)
        self._new_id = new_id

    def active(self) -> tuple[Alert, ...]:
        return tuple(sorted((t.alert for t in self._active.values()), key=lambda a: a.opened_at))

    def get(self, alert_id: str) -> Alert:
        key = self._by_id.get(alert_id)
        if key is not None:
            return self._active[key].alert
        for alert in self._cleared:
            if alert.id == alert_id:
                return alert
        raise UnknownAlertError(alert_id)

    def is_open(self, key: AlertKey) -> bool:
        return key in self._active

    def restore(self, alerts: Iterable[Alert]) -> None:
        """Take back the active alerts of a previous run (from the store)."""
        for alert in alerts:
            if alert.is_active:
                key = alert_key(alert)
                self._active[key] = _Track(alert)
                self._by_id[alert.id] = key

    def apply(
        self,
        key: AlertKey,
        finding: Finding | None,
        now: float,
        draft: Callable[[Finding], Draft],
        clear_after: int | None = None,
    ) -> AlertEvent | None:
        """Feed one sample's judgement for ``key``; returns the lifecycle change, if any."""
        track = self._active.get(key)
        if finding is None:
            if track is None:
                return None
            track.normal += 1
            if track.normal < (clear_after or self.clear_after):
                return None
            return self._clear(key, track, now)
        if track is None:
            return self._open(key, finding, now, draft) if finding.confirmed else None
        track.normal = 0
        if finding.confirmed and finding.severity > track.alert.severity:
            d = draft(finding)
            track.alert = dataclasses.replace(
                track.alert,
                kind=finding.kind,
                severity=finding.severity,
                observed=d.observed,
                expected=d.expected,
                message=d.message,
                procedure=d.procedure or track.alert.procedure,
                updated_at=now,
            )
            return AlertEvent(track.alert, AlertChange.ESCALATED)
        return None

    def acknowledge(self, alert_id: str, by: str, now: float) -> AlertEvent | None:
        """Mark an active alert acknowledged; None if it already was or has cleared."""
        key = self._by_id.get(alert_id)
        if key is None:
            self.get(alert_id)  # raises UnknownAlertError for an id never seen
            return None
        track = self._active[key]
        if track.alert.state is not AlertState.OPEN:
            return None
        track.alert = dataclasses.replace(
            track.alert,
            state=AlertState.ACKNOWLEDGED,
            acknowledged_by=by,
            acknowledged_at=now,
            updated_at=now,
        )
        return AlertEvent(track.alert, AlertChange.ACKNOWLEDGED)

    def _open(
        self, key: AlertKey, finding: Finding, now: float, draft: Callable[[Finding], Draft]
    ) -> AlertEvent:
        d = draft(finding)
        alert = Alert(
            id=self._new_id(),
            tag=d.tag,
            point=d.point,
            source=d.source,
            category=key[2],
            kind=finding.kind,
            severity=finding.severity,
            state=AlertState.OPEN,
            observed=d.observed,
            expected=d.expected,
            unit=d.unit,
            since=finding.since,
            opened_at=now,
            updated_at=now,
            message=d.message,
            procedure=d.procedure,
        )
        self._active[key] = _Track(alert)
        self._by_id[alert.id] = key
        return AlertEvent(alert, AlertChange.OPENED)

    def _clear(self, key: AlertKey, track: _Track, now: float) -> AlertEvent:
        del self._active[key]
        del self._by_id[track.alert.id]
        alert = dataclasses.replace(
            track.alert, state=AlertState.CLEARED, cleared_at=now, updated_at=now
        )
        self._cleared.append(alert)
        return AlertEvent(alert, AlertChange.CLEARED)
