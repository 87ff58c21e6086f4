"""Property tests: whatever arrives, decode returns a valid message or raises ProtocolError."""

from __future__ import annotations

import json
import struct
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protocol as p
from tests.protocol.protocol_strategies import any_message

FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_MESSAGES = settings(FUZZ, max_examples=120)
"""For properties that first build whole valid messages (slower to draw)."""

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def decode_or_protocol_error(data: Any) -> None:
    """The property: a valid message that re-encodes to itself, or a ProtocolError."""
    try:
        message = p.decode(data)
    except p.ProtocolError as exc:
        assert isinstance(exc.code, str) and exc.code in p.ERROR_CODES
        assert str(exc)
        return
    assert isinstance(message, p.Message)
    assert p.decode(p.encode(message)) == message


@FUZZ
@given(st.text())
def test_arbitrary_text(data: str) -> None:
    decode_or_protocol_error(data)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes(data: bytes) -> None:
    decode_or_protocol_error(data)


@FUZZ
@given(st.integers(0, 255), st.integers(0, 300), st.binary(max_size=300))
def test_bytes_behind_a_valid_magic(kind: int, header_len: int, rest: bytes) -> None:
    decode_or_protocol_error(b"HF\x01" + struct.pack(">BH", kind, header_len) + rest)


@FUZZ
@given(JSON)
def test_arbitrary_json_values(value: Any) -> None:
    decode_or_protocol_error(json.dumps(value))


@st.composite
def arbitrary_fields(draw: st.DrawFn) -> tuple[type[p.Message], dict[str, Any]]:
    cls = draw(st.sampled_from([p.REGISTRY.types[name] for name in sorted(p.REGISTRY.types)]))
    names = [f.name for f in cls.SPEC.fields] + ["unknown"]
    return cls, draw(st.dictionaries(st.sampled_from(names), JSON, max_size=len(names)))


@FUZZ_MESSAGES
@given(arbitrary_fields())
def test_registered_types_with_arbitrary_fields(
    case: tuple[type[p.Message], dict[str, Any]],
) -> None:
    cls, fields = case
    obj = {"type": cls.TYPE, "v": 1, **fields}
    decode_or_protocol_error(json.dumps(obj))
    if cls.BINARY_KIND:
        header = json.dumps(fields).encode()
        frame = b"HF\x01" + struct.pack(">BH", cls.BINARY_KIND, len(header)) + header + b"\x00\x00"
        decode_or_protocol_error(frame)


@st.composite
def mutated_json_frame(draw: st.DrawFn) -> str:
    message = draw(any_message().filter(lambda m: m.BINARY_KIND is None))
    obj = json.loads(p.encode(message))
    key = draw(st.sampled_from(sorted(obj)))
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        obj[key] = draw(JSON)
    elif action == "delete":
        del obj[key]
    else:
        obj[draw(st.text(max_size=10))] = draw(JSON)
    return json.dumps(obj, ensure_ascii=draw(st.booleans()))


@FUZZ_MESSAGES
@given(mutated_json_frame())
def test_mutated_fields_of_valid_text_frames(frame: str) -> None:
    decode_or_protocol_error(frame)


@st.composite
def mutated_frame(draw: st.DrawFn) -> str | bytes:
    frame = p.encode(draw(any_message()))
    raw = frame.encode("utf-8") if isinstance(frame, str) else frame
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif data:
            del data[at]
    if isinstance(frame, str):
        return bytes(data).decode("utf-8", "replace")
    return bytes(data)


@FUZZ_MESSAGES
@given(mutated_frame())
def test_mutated_bytes_of_valid_frames(frame: str | bytes) -> None:
    decode_or_protocol_error(frame)
