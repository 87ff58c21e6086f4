"""Exact bytes of the sample frames, and the wire spec (protocol/README.md) kept in sync."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import protocol as p

README = Path(p.__file__).parent / "README.md"

SAMPLE_ASK = p.Ask(
    "q-42",
    "What is the max head pressure on CRAC-01?",
    p.AskContext("crac-hp-trip-recovery", 3, "CRAC-01"),
)
SAMPLE_TEXT_FRAME = (
    '{"type":"ask","v":1,"question_id":"q-42",'
    '"text":"What is the max head pressure on CRAC-01?",'
    '"context":{"procedure_id":"crac-hp-trip-recovery","step_index":3,"equipment_tag":"CRAC-01"}}'
)
SAMPLE_CHUNK = p.AudioChunkMessage(7, 42, 0.84, bytes.fromhex("0000ff7f00800100"))
SAMPLE_BINARY_FRAME = (
    b"HF\x01\x01\x00\x4d"
    b'{"stream_id":7,"seq":42,"timestamp":0.84,"rate":16000,"width":2,"channels":1}'
    b"\x00\x00\xff\x7f\x00\x80\x01\x00"
)


def hexdump_c(data: bytes) -> str:
    """What ``hexdump -C`` prints."""
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset : offset + 16]
        hex_part = " ".join(f"{b:02x}" for b in chunk[:8])
        if len(chunk) > 8:
            hex_part += "  " + " ".join(f"{b:02x}" for b in chunk[8:])
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hex_part:<48}  |{text}|")
    lines.append(f"{len(data):08x}")
    return "\n".join(lines)


def readme_block(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```[a-z]*\n(.*?)\n```", text, re.S)
    assert match, f"README block {marker} missing"
    return match.group(1)


def test_sample_text_frame_bytes_are_pinned() -> None:
    assert p.encode(SAMPLE_ASK) == SAMPLE_TEXT_FRAME
    assert len(SAMPLE_TEXT_FRAME.encode("utf-8")) == 184
    assert p.decode(SAMPLE_TEXT_FRAME) == SAMPLE_ASK


def test_sample_binary_frame_bytes_are_pinned() -> None:
    assert p.encode(SAMPLE_CHUNK) == SAMPLE_BINARY_FRAME
    assert len(SAMPLE_BINARY_FRAME) == 91
    assert p.decode(SAMPLE_BINARY_FRAME) == SAMPLE_CHUNK


def test_readme_shows_the_pinned_frames() -> None:
    assert readme_block("sample-text-frame") == SAMPLE_TEXT_FRAME
    assert readme_block("sample-binary-frame") == hexdump_c(SAMPLE_BINARY_FRAME)


def _readme_tables() -> dict[str, list[tuple[str, str]]]:
    """Heading name -> [(field, default column)] of the table below it."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = re.match(r"#### (?:`(\w+)`|(\w+) \(nested\))", line)
            current = (heading.group(1) or heading.group(2)) if heading else None
            if current:
                tables[current] = []
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)]
        if current and len(cells) == 6 and re.fullmatch(r"`\w+`", cells[1]):
            tables[current].append((cells[1].strip("`"), cells[3]))
    return tables


NESTED = (p.SessionState, p.AskContext, p.Citation, p.PackFile, p.PackWant, p.Reading)
DOCUMENTED = {**p.REGISTRY.types, **{cls.__name__: cls for cls in NESTED}}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_readme_documents_every_field_in_wire_order(name: str) -> None:
    cls = DOCUMENTED[name]
    documented = _readme_tables().get(name)
    assert documented is not None, f"protocol/README.md has no section for {name}"
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    assert [f for f, _ in documented] == [f.name for f in fields]
    for (field, default), spec in zip(documented, cls.SPEC.fields, strict=True):
        assert (default == "required") == spec.required, field


def test_readme_documents_every_message_sender_and_error_code() -> None:
    text = README.read_text(encoding="utf-8")
    words = {"glasses": "G", "gateway": "W", "both": "both"}
    for name, cls in p.REGISTRY.types.items():
        assert re.search(rf"#### `{name}` \({words[cls.SENT_BY]}[,)]", text), name
        if cls.BINARY_KIND:
            assert f"binary frame kind {cls.BINARY_KIND}" in text
    for code in p.ERROR_CODES:
        assert f"`{code}`" in text
