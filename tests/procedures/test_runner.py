"""The step runner: navigation, hold points, readings, notes, completion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from glasses.procedures import EntryKind, ProcedureRunner, Status
from glasses.procedures import runner as pure
from protocol.procedure import Document, Verdict, load_document, parse_document

from .helpers import CRAC_DOC, FakeClock, steps

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def crac() -> Document:
    return load_document(CRAC_DOC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def run(crac: Document, clock: FakeClock) -> ProcedureRunner:
    runner = ProcedureRunner(clock, technician="J. Doe", device="glasses-07")
    runner.start(crac)
    return runner


def at(run: ProcedureRunner) -> int:
    assert run.state is not None
    return run.state.number


def test_start_introduces_and_shows_step_one(crac: Document, clock: FakeClock) -> None:
    runner = ProcedureRunner(clock)
    outcome = runner.start(crac)
    assert outcome.status is Status.OK
    assert outcome.say == (
        "Starting CRAC compressor high-pressure trip recovery. 4 steps, about 30 minutes. "
        "Wear safety glasses and insulated gloves. There are 2 warnings: say read the warnings. "
        "Step 1 of 4. Confirm the alarm on the unit display and note the alarm code."
    )
    assert outcome.show is not None and outcome.show.step == crac.steps[0]
    assert (outcome.show.total, outcome.show.procedure_id) == (4, "crac-hp-trip-recovery")
    assert [e.kind for e in outcome.log] == [EntryKind.START, EntryKind.STEP]
    assert outcome.log[0].at == clock.now and outcome.log[1].step == 1
    assert runner.log is not None and runner.log.entries == outcome.log


def test_hold_point_blocks_next_until_confirmed(run: ProcedureRunner) -> None:
    run.next()
    blocked = run.next()
    assert blocked.status is Status.NEEDS_CONFIRMATION
    assert blocked.say == (
        "Step 2 is a hold point: say confirm when the disconnect is locked and tagged "
        "and zero energy is verified."
    )
    assert at(run) == 2 and blocked.log == ()
    assert blocked.show is not None and not blocked.show.confirmed
    confirmed = run.confirm()
    assert confirmed.status is Status.OK and confirmed.say == "Step 2 confirmed. Say next to go on."
    assert confirmed.show is not None and confirmed.show.confirmed
    (entry,) = confirmed.log
    assert (entry.kind, entry.step, entry.text) == (
        EntryKind.CONFIRM,
        2,
        "Confirm the disconnect is locked and tagged and zero energy is verified.",
    )
    assert run.confirm().say == "Step 2 is already confirmed."
    assert run.repeat().say.endswith("Hold point confirmed.")
    assert run.next().show.step.number == 3  # type: ignore[union-attr]


def test_confirm_without_hold_point(run: ProcedureRunner) -> None:
    outcome = run.confirm()
    assert (outcome.status, outcome.say) == (Status.REFUSED, "Step 1 has nothing to confirm.")
    assert outcome.log == ()


def test_go_to_range_and_holds(run: ProcedureRunner) -> None:
    for wrong in (0, 5, -1):
        outcome = run.go_to(wrong)
        assert outcome.status is Status.REFUSED
        assert outcome.say == f"There is no step {wrong}: this procedure has steps 1 to 4."
    skipped = run.go_to(3)
    assert skipped.status is Status.NEEDS_CONFIRMATION
    assert skipped.say == (
        "Step 2 is a hold point that is not confirmed yet: go to step 2 and confirm it first."
    )
    assert at(run) == 1
    assert run.go_to(2).status is Status.OK and at(run) == 2
    assert run.go_to(4).say.startswith("Step 2 is a hold point: say confirm when")
    run.confirm()
    moved = run.go_to(4)
    assert moved.status is Status.OK and at(run) == 4
    assert [(e.kind, e.step) for e in moved.log] == [(EntryKind.STEP, 4)]
    assert run.go_to(1).status is Status.OK and at(run) == 1  # going back never needs a confirm
    same = run.go_to(1)
    assert same.log == () and same.say.startswith("Step 1 of 4.")


def test_previous_and_repeat(run: ProcedureRunner) -> None:
    first = run.previous()
    assert (first.status, first.say) == (Status.REFUSED, "You are at step 1, the first step.")
    run.next()
    back = run.previous()
    assert back.status is Status.OK and at(run) == 1
    assert [(e.kind, e.step) for e in back.log] == [(EntryKind.STEP, 1)]
    again = run.repeat()
    assert again.say == back.say and again.log == ()


def test_readings_in_and_out_of_range(run: ProcedureRunner) -> None:
    refused = run.record_reading(320)
    assert refused.say == "Step 1 does not ask for a reading." and refused.log == ()
    run.next()
    run.confirm()
    shown = run.next()
    assert "Read the discharge pressure: expected 250 to 450 psig." in shown.say
    assert "Caution: Discharge lines can exceed 90 °C." in shown.say
    good = run.record_reading(320, "psi")
    assert good.status is Status.OK
    assert good.say == "Discharge pressure 320 psig is within 250 to 450 psig. Recorded."
    assert good.log[0].reading is not None and good.log[0].reading.in_range
    high = run.record_reading(480)
    assert high.status is Status.WARNING
    assert high.say == (
        "Warning: discharge pressure 480 psig is above the expected range of 250 to 450 psig. "
        "Recorded as out of range: check it before you go on."
    )
    (entry,) = high.log
    assert entry.kind is EntryKind.READING and entry.step == 3
    assert entry.reading is not None and entry.reading.verdict is Verdict.HIGH
    assert (entry.reading.low, entry.reading.high, entry.reading.expected_unit) == (
        250.0,
        450.0,
        "psig",
    )
    low = run.record_reading(10, "bar")
    assert low.status is Status.WARNING and low.log[0].reading.verdict is Verdict.LOW  # type: ignore[union-attr]
    wrong = run.record_reading(12, "volts")
    assert wrong.status is Status.REFUSED and wrong.log == ()
    assert wrong.say == (
        "Discharge pressure is expected in psig; V cannot be compared. Say it again in psig."
    )
    nan = run.record_reading(float("nan"))
    assert nan.status is Status.REFUSED and nan.log == ()
    assert run.next().status is Status.OK  # an out-of-range reading warns, it does not block
    assert run.log is not None and len(run.log.out_of_range()) == 2


def test_notes(run: ProcedureRunner, clock: FakeClock) -> None:
    outcome = run.note("  Fan 2 breaker found off.  ")
    assert outcome.say == "Note added to step 1."
    (entry,) = outcome.log
    assert (entry.kind, entry.step, entry.text, entry.at) == (
        EntryKind.NOTE,
        1,
        "Fan 2 breaker found off.",
        clock.now,
    )
    assert run.note("   ").status is Status.REFUSED


def test_last_step_offers_end_and_end_closes(run: ProcedureRunner) -> None:
    run.go_to(2)
    run.confirm()
    run.go_to(4)
    complete = run.next()
    assert complete.status is Status.COMPLETE and at(run) == 4
    assert complete.say == (
        "That was the last step: CRAC compressor high-pressure trip recovery is complete. "
        "Say end procedure to finish and close the work log."
    )
    ended = run.end()
    assert ended.status is Status.ENDED and ended.state is None and ended.show is None
    assert ended.say == (
        "CRAC compressor high-pressure trip recovery completed. The work log is closed."
    )
    assert ended.log[0].kind is EntryKind.END and ended.log[0].text == "completed"
    assert run.state is None and run.log is not None and run.log.outcome == "completed"
    after = run.next()
    assert (after.status, after.say, after.state) == (
        Status.REFUSED,
        "No procedure is running.",
        None,
    )
    assert run.log.entries[-1].kind is EntryKind.END  # the finished log is kept


def test_end_early(run: ProcedureRunner) -> None:
    run.next()
    ended = run.end()
    assert ended.log[0].text == "stopped at step 2 of 4"
    assert ended.say == (
        "CRAC compressor high-pressure trip recovery ended early, stopped at step 2 of 4. "
        "The work log is closed."
    )


def test_end_on_last_step_with_unconfirmed_hold_is_not_complete(crac: Document) -> None:
    state = pure.RunnerState(crac, 4, T0)
    assert pure.end(state, T0).log[0].text == "stopped at step 4 of 4"


def test_hold_on_the_last_step(clock: FakeClock) -> None:
    doc = parse_document(steps("1. Work.", "2. Close up.", "   - hold: Guards refitted."))
    runner = ProcedureRunner(clock)
    runner.start(doc)
    assert runner.next().say.endswith("Hold point: Guards refitted. Say confirm when done.")
    assert runner.next().say == "Step 2 is a hold point: Guards refitted. Say confirm when done."
    assert runner.confirm().say == "Step 2 confirmed. Say end procedure to finish."
    assert runner.next().status is Status.COMPLETE


def test_start_refusals(crac: Document, run: ProcedureRunner) -> None:
    busy = run.start(crac)
    assert busy.status is Status.REFUSED
    assert (
        busy.say
        == "CRAC compressor high-pressure trip recovery is still running: say end procedure first."
    )
    ref = parse_document(
        '+++\nid = "ref"\ntitle = "Alarm table"\nkind = "REF"\nsafety_level = "low"\n+++\n'
    )
    idle = ProcedureRunner()
    outcome = idle.start(ref)
    assert (outcome.status, outcome.say) == (
        Status.REFUSED,
        "Alarm table is a REF document, not a procedure.",
    )
    assert idle.state is None and idle.log is None


def test_warnings_are_read_verbatim(run: ProcedureRunner, clock: FakeClock) -> None:
    assert run.read_warnings().say == (
        "Warning 1: Refrigerant lines are under high pressure. "
        "Warning 2: Do not bypass the high-pressure switch, not even for a test."
    )
    bare = ProcedureRunner(clock)
    one = parse_document(
        steps("1. Only step").replace("+++\n## Steps", 'ppe = ["gloves"]\n+++\n## Steps')
    )
    intro = bare.start(one)
    assert intro.say == "Starting Test procedure. 1 step. Wear gloves. Step 1 of 1. Only step."
    assert bare.read_warnings().say == "Test procedure has no warnings."


def test_pure_functions_do_not_mutate(crac: Document) -> None:
    state = pure.RunnerState(crac, 2, T0)
    first = pure.confirm(state, T0)
    assert state.confirmed == frozenset() and first.state is not None
    assert first.state.confirmed == frozenset({2})
    assert pure.confirm(state, T0) == first  # same inputs, same outcome


def test_default_clock_is_utc(crac: Document) -> None:
    outcome = ProcedureRunner().start(crac)
    assert outcome.log[0].at.tzinfo is UTC
