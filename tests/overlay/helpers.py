"""Shared builders for the overlay tests."""

from __future__ import annotations

import math
from collections.abc import Sequence

from glasses.overlay.synth import TagTruth
from glasses.overlay.tags import Tag
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


def full_view(online: bool = False) -> OverlayView:
    """A view using every part of the overlay at once."""
    return OverlayView(
        procedure_title="CRAC compressor high-pressure trip recovery",
        step_index=3,
        step_total=9,
        step_text="Read the discharge pressure on the manifold gauge and compare it with "
        "the unit display.",
        hold_point="Confirm the disconnect is locked and tagged and zero energy is verified.",
        expected="discharge pressure 250–450 psig",
        cautions=("Discharge lines can exceed 90 °C.",),
        warnings=("Never jumper or bypass the high-pressure switch.", "Wear safety glasses."),
        listening=ListenState.LISTENING,
        caption="what is the max head pressure on this unit",
        answer="450 psig on CRAC-01.",
        connectivity=Online("gw-hall-a") if online else Offline(since_last_sync=740.0),
        readings=(
            ReadingView("discharge_pressure", 312.0, "psig", Trend.UP, 4.0),
            ReadingView("supply_air_temp", 18.5, "°C", Trend.FLAT, 12.0),
            ReadingView("suction_pressure", 118.0, "psig", Trend.DOWN, 95.0, stale=True),
        ),
        alerts=(AlertView("CRAC-02", "High discharge pressure 468 psig", Severity.CRITICAL),),
    )


def step_only(index: int = 1, total: int = 5, text: str = "Confirm the alarm.") -> OverlayView:
    return OverlayView(procedure_title="Test procedure", step_index=index, step_total=total,
                       step_text=text)


def matches(tag: Tag, truth: TagTruth, tolerance: float = 8.0) -> bool:
    """Same kind and id, centre within ``tolerance`` pixels of the truth."""
    return (tag.kind is truth.kind and tag.id == truth.id
            and math.dist(tag.center, truth.center) <= tolerance)


def found_all(tags: Sequence[Tag], truths: Sequence[TagTruth]) -> bool:
    return all(any(matches(t, tr) for t in tags) for tr in truths)
