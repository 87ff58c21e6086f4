"""What each recognised intent does to the state (procedure commands go to the runner)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from glasses.machine.actions import (
    AckAlert,
    Action,
    AnswerLocally,
    AskGateway,
    CancelQuestion,
    Emit,
    LogWork,
    Prefetch,
    Say,
    SendState,
    StopSpeaking,
)
from glasses.machine.events import IntentRecognized
from glasses.machine.state import Mode, PendingQuestion, State
from glasses.procedures import runner
from glasses.procedures.state import Outcome, RunnerState, Status

Result = tuple[State, list[Action]]
HELP = (
    "Say: start, and a procedure name. Next step, previous step, repeat, go to step and a "
    "number, confirm, record reading and a value, read the warnings, take a note, what is this "
    "unit, list procedures, pause, resume, end procedure, or ask any question."
)
NO_PROCEDURE = "No procedure is running. Say start, and a procedure name."


def _now(state: State) -> datetime:
    return state.now or datetime.now(UTC)


def handle(state: State, event: IntentRecognized) -> Result:
    handler = _INTENTS.get(event.intent, _ask)
    return handler(state, event)


def apply_outcome(state: State, outcome: Outcome) -> Result:
    """Carry out a runner outcome: say it, show the step, log it, prefetch neighbours."""
    run = outcome.state or state.run
    procedure_id = run.document.id if run is not None else ""
    actions: list[Action] = [Say(outcome.say, "local", interrupt=True)]
    for entry in outcome.log:
        actions.append(LogWork(entry.record_kind, entry.payload(procedure_id)))
    new = replace(state, run=outcome.state)
    if outcome.show is not None and outcome.status is not Status.REFUSED:
        card = outcome.show
        actions.append(
            Emit(
                "step",
                {
                    "procedure": card.procedure_id,
                    "index": card.step.number,
                    "total": card.total,
                    "text": card.step.text,
                    "hold": card.step.hold,
                    "status": outcome.status.value,
                },
            )  # fmt: skip
        )
    elif outcome.status is Status.REFUSED:
        actions.append(Emit("refused", {"text": outcome.say}))
    if outcome.status is Status.ENDED:
        actions.append(Emit("procedure_end", {"procedure": procedure_id}))
    if new.run is not None:
        actions.append(Prefetch(_neighbours(new.run)))
    if new.procedure_id != state.procedure_id or new.step_index != state.step_index:
        actions.append(SendState(new.procedure_id, new.step_index))
    return new, actions


def _neighbours(run: RunnerState) -> tuple[str, ...]:
    texts = []
    for number in (run.number + 1, run.number - 1):
        if 1 <= number <= run.total:
            texts.append(replace(run, number=number).speech())
    return tuple(texts)


def _with_run(
    command: Callable[[RunnerState, State, IntentRecognized], Outcome],
) -> Callable[[State, IntentRecognized], Result]:
    def handler(state: State, event: IntentRecognized) -> Result:
        if state.run is None:
            return state, [Say(NO_PROCEDURE, "local", interrupt=True)]
        return apply_outcome(replace(state, paused=False), command(state.run, state, event))

    return handler


def _start(state: State, event: IntentRecognized) -> Result:
    wanted = str(event.slots.get("procedure", "") or "")
    doc = state.library.get(wanted) if wanted else None
    if doc is None and wanted:
        found = state.library.find(wanted)
        doc = found.document if found else None
    if doc is None:
        return state, [Say(_which_procedure(state), "local", interrupt=True)]
    return apply_outcome(replace(state, paused=False), runner.start(doc, _now(state)))


def _which_procedure(state: State) -> str:
    if state.tag:
        docs = [d for d in state.library.for_equipment(state.tag) if d.is_procedure]
        if docs:
            names = "; ".join(d.title for d in docs[:4])
            return f"For {state.tag}, the procedures are: {names}. Say start, and the name."
    return "Which procedure? Say list procedures to hear them."


def _number(event: IntentRecognized) -> int:
    value = event.slots.get("number", 0)
    return int(value) if isinstance(value, int | float) else 0


def _reading(run: RunnerState, state: State, event: IntentRecognized) -> Outcome:
    value = event.slots.get("value")
    unit = event.slots.get("unit")
    if not isinstance(value, int | float):
        return Outcome(
            Status.REFUSED,
            "I did not catch the value. Say record reading, then the number and unit.",
            run,
            run.card(),
        )
    return runner.record_reading(run, float(value), str(unit) if unit else None, _now(state))


def _note(state: State, event: IntentRecognized) -> Result:
    text = str(event.slots.get("text", "") or "").strip()
    if not text:
        return state, [Say("What should the note say? Say take a note, then the note.", "local")]
    if state.run is None:
        return state, [LogWork("note", {"text": text}), Say("Noted.", "local")]
    return apply_outcome(state, runner.note(state.run, text, _now(state)))


def _end(state: State, event: IntentRecognized) -> Result:
    if state.run is None:
        return state, [Say(NO_PROCEDURE, "local")]
    return apply_outcome(state, runner.end(state.run, _now(state)))


def _list(state: State, event: IntentRecognized) -> Result:
    docs = (
        [d for d in state.library.for_equipment(state.tag) if d.is_procedure] if state.tag else []
    )
    where = f" for {state.tag}" if docs else ""
    docs = docs or list(state.library.procedures)
    names = "; ".join(d.title for d in docs[:6])
    more = f", and {len(docs) - 6} more" if len(docs) > 6 else ""
    return state, [Say(f"{len(docs)} procedures{where}: {names}{more}.", "local")]


def _identify(state: State, event: IntentRecognized) -> Result:
    if not state.tag:
        return state, [Say("I don't see an equipment tag. Look at the unit's label.", "local")]
    unit = state.library.registry.find(state.tag)
    if unit is None:
        return state, [Say(f"Tag {state.tag} is not in the equipment list.", "local")]
    specs = "; ".join(f"{k.replace('_', ' ')} {v}" for k, v in list(unit.specs)[:3])
    text = f"This is {unit.tag}, {unit.model}, {unit.location}."
    return state, [Say(f"{text} {specs}." if specs else text, "local"),
                   Emit("equipment", {"tag": unit.tag, "type": unit.type})]  # fmt: skip


def _stop(state: State, event: IntentRecognized) -> Result:
    actions: list[Action] = [StopSpeaking()]
    if state.pending is not None:
        actions.append(CancelQuestion(state.pending.id))
    return replace(state, pending=None, mode=Mode.IDLE), actions


def _pause(state: State, event: IntentRecognized) -> Result:
    if state.run is None:
        return state, [Say(NO_PROCEDURE, "local")]
    return replace(state, paused=True), [
        Say("Paused. Say resume to continue.", "local"),
        LogWork(
            "event",
            {"procedure_id": state.run.document.id, "entry": "pause", "step": state.run.number},
        ),  # fmt: skip
    ]


def _resume(state: State, event: IntentRecognized) -> Result:
    if state.run is None:
        return state, [Say(NO_PROCEDURE, "local")]
    return apply_outcome(replace(state, paused=False), runner.repeat(state.run))


def _status(state: State, event: IntentRecognized) -> Result:
    if state.online:
        return state, [
            Say(f"Connected to {state.gateway}. Questions go to the full manuals.", "local")
        ]
    text = (
        "Offline. Procedures, safety information, equipment reference and voice commands "
        "work here; open questions over all the manuals and live readings need the gateway."
    )
    if state.link_error:
        text = f"{text} The last gateway refused us: {state.link_error}"
    return state, [Say(text, "local")]


def _ack(state: State, event: IntentRecognized) -> Result:
    if not state.alerts:
        return state, [Say("There is no alert to acknowledge.", "local")]
    alert = state.alerts[-1]
    return replace(state, alerts=state.alerts[:-1]), [
        AckAlert(alert.alert_id),
        Say(f"Alert on {alert.equipment_tag} acknowledged.", "local"),
        LogWork("event", {"entry": "alert_ack", "alert_id": alert.alert_id}),
    ]


def _ask(state: State, event: IntentRecognized) -> Result:
    question = str(event.slots.get("question", "") or event.text).strip()
    if not question:
        return state, []
    seq = state.question_seq + 1
    qid = f"{state.device_id}-q{seq}"
    actions: list[Action] = []
    if state.pending is not None:
        actions.append(CancelQuestion(state.pending.id))
    pending = PendingQuestion(qid, question, to_gateway=state.online)
    new = replace(state, pending=pending, question_seq=seq, mode=Mode.THINKING)
    actions.append(Emit("question", {"question_id": qid, "text": question,
                                     "route": "gateway" if state.online else "pack"}))  # fmt: skip
    if state.online:
        actions.append(AskGateway(qid, question, state.procedure_id, state.step_index, state.tag))
    else:
        actions.append(AnswerLocally(qid, question, state.tag))
    return new, actions


_INTENTS: dict[str, Callable[[State, IntentRecognized], Result]] = {
    "start_procedure": _start,
    "next_step": _with_run(lambda r, s, e: runner.next_step(r, _now(s))),
    "previous_step": _with_run(lambda r, s, e: runner.previous_step(r, _now(s))),
    "repeat_step": _with_run(lambda r, s, e: runner.repeat(r)),
    "go_to_step": _with_run(lambda r, s, e: runner.go_to(r, _number(e), _now(s))),
    "confirm": _with_run(lambda r, s, e: runner.confirm(r, _now(s))),
    "record_reading": _with_run(_reading),
    "read_warnings": _with_run(lambda r, s, e: runner.read_warnings(r)),
    "take_note": _note,
    "end_procedure": _end,
    "list_procedures": _list,
    "identify_equipment": _identify,
    "stop": _stop,
    "pause": _pause,
    "resume": _resume,
    "connection_status": _status,
    "help": lambda s, e: (s, [Say(HELP, "local")]),
    "acknowledge": _ack,
    "ask": _ask,
}
