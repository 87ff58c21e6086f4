"""Every invalid document raises DocumentError naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from protocol.procedure import DocumentError, load_document, load_documents, parse_document

from .helpers import doc, steps

P = "docs/x.md"


def fm(*lines: str, kind: str = "SOP") -> str:
    base = ['id = "x"', 'title = "X"', f'kind = "{kind}"', 'safety_level = "low"']
    return "+++\n" + "\n".join([*base, *lines]) + "\n+++\n## Steps\n1. Do it.\n"


def expect_error(text: str, message: str) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        parse_document(text, P)
    assert str(info.value) == f"{P}:{message}"
    return info.value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "1: expected '+++' on the first line to open the front matter"),
        ("# Title\n", "1: expected '+++' on the first line to open the front matter"),
        ('+++\nid = "x"\n', "1: front matter opened on line 1 is never closed by '+++'"),
        (
            '+++\nid = "x"\ntitle = X\n+++\n',
            "3: front matter: invalid TOML: Invalid value",
        ),
        (
            '+++\nid = "x"\nppe = [\n+++\n',
            "4: front matter: invalid TOML: Invalid value",
        ),
        (
            '+++\nid = "x"\nid = "y"\n+++\n',
            "3: front matter: invalid TOML: Cannot overwrite a value",
        ),
        ('+++\nid = "x"\n+++\n', "1: front matter: missing required key 'title'"),
        (
            fm('equipment_tag = ["CRAC-01"]'),
            "6: front matter: unknown key 'equipment_tag' (known keys: alarm_codes, "
            "equipment_tags, equipment_types, estimated_minutes, id, keywords, kind, ppe, "
            "safety_level, sources, title)",
        ),
        (
            fm().replace('kind = "SOP"', 'kind = "XOP"'),
            "4: front matter: kind 'XOP' is not one of SOP, MOP, EOP, SAFETY, REF",
        ),
        (
            fm().replace('"low"', '"extreme"'),
            "5: front matter: safety_level 'extreme' is not one of low, medium, high",
        ),
        (
            fm().replace('id = "x"', 'id = "Bad Id"'),
            "2: front matter: id 'Bad Id' must be lowercase a-z, 0-9 and single '-'",
        ),
        (
            fm().replace('title = "X"', 'title = "  "'),
            "3: front matter: title must be non-empty text, got '  '",
        ),
        (
            fm().replace('title = "X"', "title = 7"),
            "3: front matter: title must be non-empty text, got 7",
        ),
        (
            fm('ppe = "gloves"'),
            "6: front matter: ppe must be a list of non-empty text, got 'gloves'",
        ),
        (
            fm('keywords = ["ok", ""]'),
            "6: front matter: keywords must be a list of non-empty text, got ['ok', '']",
        ),
        (
            fm('equipment_types = ["crac", "toaster"]'),
            "6: front matter: equipment type 'toaster' is not one of crac, crah, chiller, ups, "
            "pdu, rpp, generator, ats, pump, dry-cooler, humidifier, fire-suppression, room",
        ),
        (
            fm("estimated_minutes = 0"),
            "6: front matter: estimated_minutes must be a whole number > 0, got 0",
        ),
        (
            fm("estimated_minutes = true"),
            "6: front matter: estimated_minutes must be a whole number > 0, got True",
        ),
        (
            fm("estimated_minutes = 2.5"),
            "6: front matter: estimated_minutes must be a whole number > 0, got 2.5",
        ),
        (
            fm("estimated_minutes = 5", kind="REF"),
            "6: front matter: estimated_minutes is for procedures (SOP, MOP, EOP)",
        ),
        (
            fm("[extra]", "a = 1"),
            "6: front matter: unknown key 'extra' (known keys: alarm_codes, equipment_tags, "
            "equipment_types, estimated_minutes, id, keywords, kind, ppe, safety_level, "
            "sources, title)",
        ),
    ],
)
def test_front_matter_errors(text: str, message: str) -> None:
    expect_error(text, message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Just prose.\n", "1: a SOP procedure needs a '## Steps' section"),
        ("## Steps\n", "7: '## Steps' has no numbered steps"),
        (
            "## Steps\nSome prose.\n",
            "8: ## Steps: expected a numbered step like '1. ...', got 'Some prose.'",
        ),
        ("## Steps\n2. Start late.\n", "8: step 2 is the first step; start at 1"),
        ("## Steps\n1. One.\n3. Three.\n", "9: step 3 follows step 1"),
        ("## Steps\n1. One.\n1. One again.\n", "9: step 1 follows step 1"),
        (
            "## Scope\nAll units.\n## Steps\n1. One.\n",
            "7: section 'Scope' must come after '## Steps' "
            "(a procedure has Warnings, Tools, Steps, then any other sections)",
        ),
        (
            "## Tools\n- Wrench\n## Warnings\n- Hot\n## Steps\n1. One.\n",
            "9: '## Warnings' must come before '## Tools'",
        ),
        (
            "## Steps\n1. One.\n## Warnings\n- Hot\n",
            "9: '## Warnings' must come before '## Steps'",
        ),
        ("## Steps\n1. One.\n## Steps\n1. Two.\n", "9: second '## Steps' section"),
        ("##\n", "7: section heading '##' has no text"),
        ("## Warnings\n## Steps\n1. One.\n", "7: '## Warnings' has no bullets"),
        (
            "## Warnings\nHot stuff.\n## Steps\n1. One.\n",
            "8: ## Warnings: expected a '- ' bullet, got 'Hot stuff.'",
        ),
        (
            "## Tools\n  wrench\n## Steps\n1. One.\n",
            "8: ## Tools: expected a '- ' bullet, got 'wrench'",
        ),
        (
            "## Steps\n1. One.\n   - note: remember\n",
            "9: step 1: a bullet under a step must be 'hold:', 'expect:' or 'caution:', "
            "got 'note: remember'",
        ),
        (
            "## Steps\n1. One.\n   - just a sub-bullet\n",
            "9: step 1: a bullet under a step must be 'hold:', 'expect:' or 'caution:', "
            "got 'just a sub-bullet'",
        ),
        ("## Steps\n1. One.\n   - hold:\n", "9: step 1: empty 'hold:'"),
        ("## Steps\n1. One.\n   - hold: A.\n   - hold: B.\n", "10: step 1 has a second hold point"),
        (
            "## Steps\n1. One.\n   - expect: v 1..2 V\n   - expect: a 1..2 A\n",
            "10: step 1 has a second expect",
        ),
        (
            "## Steps\n1. One.\n   - expect: pressure high\n",
            "9: step 1: expect must be 'NAME LOW..HIGH UNIT', got 'pressure high'",
        ),
        (
            "## Steps\n1. One.\n   - expect: Pressure 1..2 psig\n",
            "9: step 1: expect must be 'NAME LOW..HIGH UNIT', got 'Pressure 1..2 psig'",
        ),
        (
            "## Steps\n1. One.\n   - expect: pressure 1..2 psi\n",
            "9: step 1: unit 'psi' is not one of psig, kPa, °C, °F, %, V, A, kW, Hz, rpm, %RH, "
            "bar, ppm",
        ),
        (
            "## Steps\n1. One.\n   - expect: pressure 450..250 psig\n",
            "9: step 1: expect: range 450..250 has LOW above HIGH",
        ),
        (
            "## Steps\n1. One.\n   - expect: v 1..2 V\n     wrapped expect\n",
            "10: step 1: text after a step's bullets must be indented under a hold: or "
            "caution: bullet, got 'wrapped expect'",
        ),
        (
            "## Steps\n1. One.\n   - caution: Hot.\n   late step text\n",
            "10: step 1: text after a step's bullets must be indented under a hold: or "
            "caution: bullet, got 'late step text'",
        ),
    ],
)
def test_body_errors(body: str, message: str) -> None:
    expect_error(doc(body), message)


def test_error_carries_parts() -> None:
    error = expect_error(steps("1. One.", "3. Three."), "9: step 3 follows step 1")
    assert (error.path, error.line, error.message) == (P, 9, "step 3 follows step 1")
    assert isinstance(error, ValueError)


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b'+++\nid = "x"\ntitle = "caf\xe9"\n+++\n')
    with pytest.raises(DocumentError, match=r"bad\.md:3: not valid UTF-8 \(invalid"):
        load_document(bad)


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text(steps("1. One."))
    (tmp_path / "b.md").write_text(
        "\n".join(
            [
                "+++",
                'title = "Other"',
                'kind = "SOP"',
                'safety_level = "low"',
                'id = "test-proc"',
                "+++",
                "## Steps",
                "1. Two.",
                "",
            ]
        )
    )
    with pytest.raises(DocumentError) as info:
        load_documents(tmp_path)
    first = tmp_path / "a" / "one.md"
    assert str(info.value) == f"{tmp_path / 'b.md'}:5: duplicate id 'test-proc' (also in {first})"


def test_load_documents_sorted_and_recursive(tmp_path: Path) -> None:
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "a.md").write_text(steps("1. One.").replace("test-proc", "zeta"))
    (tmp_path / "b.md").write_text(steps("1. One.").replace("test-proc", "beta"))
    (tmp_path / "notes.txt").write_text("ignored")
    assert [d.id for d in load_documents(tmp_path)] == ["beta", "zeta"]


def test_load_documents_needs_a_directory(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="not a directory of documents"):
        load_documents(tmp_path / "missing")
