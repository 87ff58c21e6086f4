"""The scripted session the demo replays, and what each beat must produce."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Beat:
    """One moment of the story: the technician says something, or the world changes."""

    title: str
    say: str = ""
    """What the technician says (its audio is ``audio_fixtures/demo/<file>.wav``)."""
    file: str = ""
    action: str = ""
    """``gateway_stop`` or ``gateway_start`` instead of speech."""
    expect: tuple[str, ...] = ()
    """Events (name or name:field=value) that must follow; checked by the fast-mode test."""
    keyframe: str = ""
    """Save a PNG of the overlay after this beat under this name."""


STORY: tuple[Beat, ...] = (
    Beat(
        "Wake word, start the procedure",
        "Hey Jarvis, start the compressor restart procedure.",
        "01_start",
        expect=("wake", "intent:name=start_procedure", "step:index=1"),
        keyframe="01_step1",
    ),
    Beat(
        "Next step (no wake word needed)",
        "Next step.",
        "02_next",
        expect=("intent:name=next_step", "step:index=2"),
    ),
    Beat(
        "Record a reading",
        "Hey Jarvis, record reading twenty four degrees Celsius.",
        "03_reading",
        expect=("intent:name=record_reading", "work:entry=reading"),
        keyframe="02_reading",
    ),
    Beat(
        "Next step: a hold point",
        "Next step.",
        "02_next",
        expect=("step:index=3",),
        keyframe="03_hold_point",
    ),
    Beat(
        "Next is refused at the hold point",
        "Next step.",
        "02_next",
        expect=("step:status=needs_confirmation",),
    ),
    Beat(
        "Confirm the hold point",
        "Confirm.",
        "04_confirm",
        expect=("intent:name=confirm", "work:entry=confirm"),
    ),
    Beat(
        "An open question, answered by the gateway",
        "Hey Jarvis, what's the maximum head pressure on this unit?",
        "05_question",
        expect=("question:route=gateway", "answer:source=gateway"),
        keyframe="04_answer",
    ),
    Beat(
        "CRAC-01's head pressure climbs: the gateway alerts the technician",
        action="drift",
        expect=("alert:tag=CRAC-01",),
        keyframe="05_alert",
    ),
    Beat(
        "Acknowledge the alert",
        "Hey Jarvis, acknowledge the alert.",
        "08_ack",
        expect=("intent:name=acknowledge",),
    ),
    Beat(
        "The gateway goes away",
        action="gateway_stop",
        expect=("link:state=offline",),
        keyframe="06_offline",
    ),
    Beat("Next step still works offline", "Next step.", "02_next", expect=("step:index=4",)),
    Beat(
        "A question answered from the glasses' own documents",
        "Hey Jarvis, why would head pressure climb after a filter change?",
        "06_offline_question",
        expect=("question:route=pack", "answer:source=pack"),
        keyframe="07_offline_answer",
    ),
    Beat(
        "The gateway comes back: handoff",
        action="gateway_start",
        expect=("link:state=online",),
        keyframe="08_back_online",
    ),
    Beat(
        "Repeat the step on the new session",
        "Repeat that.",
        "07_repeat",
        expect=("intent:name=repeat_step", "step:index=4"),
    ),
)


def utterances() -> dict[str, str]:
    """Audio file stem -> text, for regenerating the demo audio."""
    return {b.file: b.say for b in STORY if b.file}
