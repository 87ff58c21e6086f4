"""The equipment registry: parsing, lookups by QR tag and ArUco id, errors with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from protocol.equipment import (
    Equipment,
    EquipmentError,
    EquipmentRegistry,
    load_registry,
    parse_registry,
)
from protocol.procedure import DocumentError, load_document, load_documents, parse_document

from .helpers import CRAC_DOC, SITE, steps


@pytest.fixture(scope="module")
def registry() -> EquipmentRegistry:
    return load_registry(SITE / "equipment.toml")


def test_parse_entries(registry: EquipmentRegistry) -> None:
    assert len(registry) == 4
    assert [u.tag for u in registry] == ["CRAC-01", "CRAC-02", "UPS-A", "CH-1"]
    crac = registry.find("CRAC-01")
    assert crac == Equipment(
        tag="CRAC-01",
        type="crac",
        model="Liebert DS 105 kW (DX, R-410A)",
        location="Hall A, row 3, east wall",
        aruco_id=11,
        procedures=("crac-hp-trip-recovery",),
        specs=(
            ("refrigerant", "R-410A"),
            ("discharge_pressure", "300-450 psig"),
            ("capacity_kw", "105"),
        ),
        line=1,
    )
    assert crac.spec("refrigerant") == "R-410A" and crac.spec("voltage") is None
    ups = registry.find("UPS-A")
    assert ups is not None
    assert (ups.model, ups.location, ups.aruco_id, ups.procedures, ups.line) == (
        "",
        "",
        None,
        (),
        20,
    )
    assert registry.path.endswith("equipment.toml")


def test_lookups(registry: EquipmentRegistry) -> None:
    assert registry.find(" crac-02 ") is registry.by_aruco(12)
    assert registry.find("CRAC-99") is None and registry.by_aruco(40) is None
    assert "crac-01" in registry and "CRAC-99" not in registry and 11 not in registry


def test_procedures_for(registry: EquipmentRegistry) -> None:
    crac = load_document(CRAC_DOC)
    other = parse_document(
        steps("1. One.").replace('kind = "SOP"', 'kind = "SOP"\nequipment_tags = ["crac-01"]')
    )
    unrelated = parse_document(steps("1. One.").replace("test-proc", "unrelated"))
    docs = (other, unrelated, crac)
    assert registry.procedures_for("CRAC-01", docs) == (crac, other)  # explicit list first
    assert registry.procedures_for("CRAC-02", docs) == (crac,)  # named by the document
    assert registry.procedures_for("UPS-A", docs) == ()
    assert registry.procedures_for("NOT-REGISTERED", docs) == ()


def test_validate_against_documents(registry: EquipmentRegistry) -> None:
    registry.validate(load_documents(SITE / "docs"))
    with pytest.raises(EquipmentError) as info:
        registry.validate([])
    assert str(info.value) == (
        f"{registry.path}:1: CRAC-01: procedure 'crac-hp-trip-recovery' "
        "is not the id of any document"
    )
    assert isinstance(info.value, DocumentError)


def test_registry_rejects_duplicates() -> None:
    with pytest.raises(EquipmentError, match=r"^r:0: duplicate tag 'crac-01' \(also on line 0\)"):
        EquipmentRegistry([Equipment("CRAC-01", "crac"), Equipment("crac-01", "crac")], "r")
    with pytest.raises(EquipmentError, match="B: aruco_id 3 is already used by A"):
        EquipmentRegistry([Equipment("A", "crac", aruco_id=3), Equipment("B", "ups", aruco_id=3)])


ENTRY = '[[equipment]]\ntag = "A-1"\ntype = "ups"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[equipment]\n", "1: invalid TOML: Expected ']]' at the end of an array declaration"),
        ("x = [1,", "1: invalid TOML: Invalid value"),
        ("", "1: no [[equipment]] entries"),
        ("equipment = 3\n", "1: no [[equipment]] entries"),
        ('site = "x"\n' + ENTRY, "1: unknown top-level key 'site' (expected [[equipment]])"),
        ("equipment = [1]\n", "1: equipment #1 must be a table"),
        (
            ENTRY + "colour = 'red'\n",
            "4: equipment: unknown key 'colour' (tag, aruco_id, type, "
            "model, location, procedures, specs)",
        ),
        (
            ENTRY + ENTRY.replace("A-1", "A-2") + "wat = 1\n",
            "7: equipment: unknown key 'wat' "
            "(tag, aruco_id, type, model, location, procedures, specs)",
        ),
        ('[[equipment]]\ntype = "ups"\n', "1: equipment #1: tag must be non-empty text"),
        ('[[equipment]]\ntag = ""\ntype = "ups"\n', "2: equipment #1: tag must be non-empty text"),
        (
            '[[equipment]]\ntag = "A"\ntype = "toaster"\n',
            "3: A: type 'toaster' is not one of crac, "
            "crah, chiller, ups, pdu, rpp, generator, ats, pump, dry-cooler, humidifier, "
            "fire-suppression, room",
        ),
        (ENTRY + "model = 5\n", "4: equipment #1: model must be non-empty text"),
        (ENTRY + "aruco_id = 50\n", "4: A-1: aruco_id must be a whole number 0..49 (DICT_4X4_50)"),
        (
            ENTRY + "aruco_id = true\n",
            "4: A-1: aruco_id must be a whole number 0..49 (DICT_4X4_50)",
        ),
        (ENTRY + "procedures = 'x'\n", "4: A-1: procedures must be a list of document ids"),
        (ENTRY + "procedures = ['']\n", "4: A-1: procedures must be a list of document ids"),
        (ENTRY + "specs = 3\n", "4: A-1: specs must be a table of text values"),
        (
            ENTRY + "[equipment.specs]\nok = 'x'\nbad = true\n",
            "4: A-1: spec 'bad' must be text or a number",
        ),
        (ENTRY + "[equipment.specs]\nbad = [1]\n", "4: A-1: spec 'bad' must be text or a number"),
        (ENTRY + ENTRY, "4: duplicate tag 'A-1' (also on line 1)"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(EquipmentError) as info:
        parse_registry(text, "site/equipment.toml")
    assert str(info.value) == f"site/equipment.toml:{message}"


def test_inline_array_errors_point_at_line_one() -> None:
    text = 'equipment = [{tag = "A", type = "ups"}, {tag = "B", type = "nope"}]\n'
    with pytest.raises(EquipmentError, match=r"^<string>:1: B: type 'nope'"):
        parse_registry(text)


def test_load_registry_reads_utf8(tmp_path: Path) -> None:
    path = tmp_path / "equipment.toml"
    path.write_text(ENTRY + 'location = "Salle B, rangée 2"\n', encoding="utf-8")
    unit = load_registry(path).find("A-1")
    assert unit is not None and unit.location == "Salle B, rangée 2"
