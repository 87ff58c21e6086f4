"""Build the overlay's view model from the interaction state (and live readings)."""

from __future__ import annotations

import time
from collections.abc import Mapping

from glasses.machine.state import Mode, State
from glasses.overlay.tags import Tag, TagKind
from glasses.overlay.view import (
    AlertView,
    ListenState,
    Offline,
    Online,
    OverlayView,
    ReadingView,
    Severity,
    Trend,
)
from protocol.equipment import EquipmentRegistry
from protocol.messages import TelemetryReadings

STALE_AFTER_S = 30.0
_LISTEN = {
    Mode.IDLE: ListenState.IDLE,
    Mode.LISTENING: ListenState.LISTENING,
    Mode.THINKING: ListenState.THINKING,
    Mode.SPEAKING: ListenState.SPEAKING,
}


def equipment_tag(tag: Tag | None, registry: EquipmentRegistry) -> str | None:
    """The equipment tag a detected marker names: a QR payload, or an ArUco id's unit."""
    if tag is None:
        return None
    if tag.kind is TagKind.QR:
        return str(tag.id)
    unit = registry.by_aruco(int(tag.id))
    return unit.tag if unit else f"aruco-{tag.id}"


def _readings(
    message: TelemetryReadings | None, online: bool, now: float
) -> tuple[ReadingView, ...]:
    if message is None:
        return ()
    out = []
    for r in message.readings[:6]:
        age = max(0.0, now - r.timestamp)
        out.append(ReadingView(r.point, r.value, r.unit, Trend(r.trend), age,
                               stale=not online or age > STALE_AFTER_S))  # fmt: skip
    return tuple(out)


def view_from_state(
    state: State,
    readings: Mapping[str, TelemetryReadings] | None = None,
    last_sync: float | None = None,
    now: float | None = None,
) -> OverlayView:
    now = time.time() if now is None else now
    connectivity = (
        Online(state.gateway)
        if state.online
        else Offline(None if last_sync is None else max(0.0, now - last_sync))
    )
    alerts = tuple(
        AlertView(a.equipment_tag, a.message, Severity(a.severity)
                  if a.severity in ("info", "warning", "critical") else Severity.WARNING)
        for a in state.alerts[-2:]
    )  # fmt: skip
    live = _readings((readings or {}).get(state.tag or ""), state.online, now)
    base = dict(
        listening=_LISTEN[state.mode], caption=state.caption, answer=state.last_answer or None,
        connectivity=connectivity, readings=live, alerts=alerts,
    )  # fmt: skip
    run = state.run
    if run is None:
        return OverlayView(**base)  # type: ignore[arg-type]
    step = run.step
    expected = None
    if step.expected is not None:
        e = step.expected
        expected = f"{e.name.replace('_', ' ')} {e.low:g}–{e.high:g} {e.unit}"
    return OverlayView(
        procedure_title=run.document.title, step_index=run.number, step_total=run.total,
        step_text=step.text,
        hold_point=(None if step.hold is None or run.number in run.confirmed else step.hold),
        expected=expected, cautions=step.cautions, warnings=run.document.warnings,
        **base,  # type: ignore[arg-type]
    )  # fmt: skip
