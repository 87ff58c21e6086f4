"""Parsing valid documents: every field ends up where PROCEDURE_FORMAT.md says."""

from __future__ import annotations

import hashlib

import pytest

from protocol.procedure import (
    Document,
    ExpectedReading,
    Kind,
    SafetyLevel,
    Section,
    Step,
    load_document,
    parse_document,
)

from .helpers import CRAC_DOC, doc, steps


@pytest.fixture(scope="module")
def crac() -> Document:
    return load_document(CRAC_DOC)


def test_front_matter_fields(crac: Document) -> None:
    assert crac.id == "crac-hp-trip-recovery"
    assert crac.title == "CRAC compressor high-pressure trip recovery"
    assert crac.kind is Kind.EOP and crac.is_procedure
    assert crac.equipment_types == ("crac",)
    assert crac.equipment_tags == ("CRAC-01", "CRAC-02")
    assert crac.safety_level is SafetyLevel.HIGH
    assert crac.ppe == ("safety glasses", "insulated gloves")
    assert crac.estimated_minutes == 30
    assert crac.alarm_codes == ("A12", "HP-TRIP")
    assert crac.keywords == ("head pressure", "HP switch", "compressor restart")
    assert crac.sources == ("ASHRAE TC 9.9 Thermal Guidelines, 5th ed. (2021)",)
    assert crac.path.endswith("crac-hp-trip-recovery.md")
    raw = CRAC_DOC.read_bytes()
    assert crac.sha256 == hashlib.sha256(raw).hexdigest()


def test_warnings_and_tools_join_wrapped_bullets(crac: Document) -> None:
    assert crac.warnings == (
        "Refrigerant lines are under high pressure.",
        "Do not bypass the high-pressure switch, not even for a test.",
    )
    assert crac.tools == ("Manifold gauge set rated for R-410A",)


def test_steps_with_hold_expect_and_cautions(crac: Document) -> None:
    assert [s.number for s in crac.steps] == [1, 2, 3, 4]
    assert crac.steps[0] == Step(
        1, "Confirm the alarm on the unit display and note the alarm code.", line=26
    )
    hold = crac.step(2)
    assert hold.is_hold and not crac.step(1).is_hold
    assert hold.hold == "Confirm the disconnect is locked and tagged and zero energy is verified."
    reading = crac.step(3)
    assert reading.text == (
        "Read the discharge pressure on the manifold gauge while the compressor runs."
    )
    assert reading.expected == ExpectedReading("discharge_pressure", 250.0, 450.0, "psig")
    assert reading.cautions == (
        "Discharge lines can exceed 90 °C.",
        "Keep hands clear of the condenser fan, which can start without warning.",
    )


def test_step_lookup_names_the_range(crac: Document) -> None:
    with pytest.raises(IndexError, match="steps 1 to 4, not 5"):
        crac.step(5)


def test_sections_for_search(crac: Document) -> None:
    headings = [s.heading for s in crac.sections]
    assert headings == ["Warnings", "Tools", "Steps", "Notes"]  # the "# Title" line is dropped
    notes = crac.section("notes")
    assert notes is not None and notes.text.startswith("The HP switch trips at 610 psig.")
    assert "## not a heading" in notes.text  # fenced code is not split into sections
    assert crac.section("Rollback") is None


def test_reference_document_free_markdown() -> None:
    text = doc(
        "Intro paragraph before any section.\n\n## Alarm table\n| code | meaning |\n|---|---|\n"
        "| A12 | HP trip |\n\n## Warnings\n* Live parts inside.\n\n"
        "## Steps ##\nnot parsed as steps\n",
        front='+++\nid = "crac-ref"\ntitle = "CRAC reference"\nkind = "REF"\n'
        'safety_level = "medium"\n+++\n',
    )
    ref = parse_document(text, "ref.md")
    assert not ref.is_procedure and ref.steps == () and ref.tools == ()
    assert ref.warnings == ("Live parts inside.",)
    assert ref.sections[0] == Section("", "Intro paragraph before any section.", 7)
    assert [s.heading for s in ref.sections[1:]] == ["Alarm table", "Warnings", "Steps"]
    assert ref.estimated_minutes is None and ref.equipment_tags == ()
    assert ref.path == "ref.md"
    with pytest.raises(IndexError, match="crac-ref has no steps"):
        ref.step(1)


def test_minimal_procedure_defaults() -> None:
    proc = parse_document(steps("1. Only step."))
    assert proc.path == "<string>"
    assert proc.warnings == () and proc.tools == () and proc.ppe == ()
    assert proc.steps == (Step(1, "Only step.", line=8),)


def test_crlf_bom_and_loose_lists() -> None:
    text = "\ufeff" + steps("1. First.", "", "2. Second,", "   wrapped.", "").replace("\n", "\r\n")
    proc = parse_document(text)
    assert [s.text for s in proc.steps] == ["First.", "Second, wrapped."]
    assert proc.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_attribute_keys_are_case_insensitive_and_ranges_may_be_negative() -> None:
    proc = parse_document(
        steps(
            "1. Check the glycol.",
            "   * Expect: supply_temp -5.5 .. 10 °C",
            "   - HOLD: Confirm the valve is open.",
            "     and chained.",
        )
    )
    step = proc.steps[0]
    assert step.expected == ExpectedReading("supply_temp", -5.5, 10.0, "°C")
    assert step.hold == "Confirm the valve is open. and chained."
