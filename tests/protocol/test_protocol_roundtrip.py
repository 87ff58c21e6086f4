"""Every registered message type survives encode -> decode unchanged."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import protocol as p
from tests.protocol.protocol_examples import EXAMPLES
from tests.protocol.protocol_strategies import messages

TYPES = sorted(p.REGISTRY.types)


def test_the_example_table_covers_every_registered_type() -> None:
    assert set(EXAMPLES) == set(TYPES)
    for type_name, examples in EXAMPLES.items():
        assert examples, type_name
        assert all(type(m).TYPE == type_name for m in examples)


def test_message_types_lists_the_registry() -> None:
    assert p.message_types() == p.REGISTRY.types
    assert len(TYPES) >= 30


@pytest.mark.parametrize("type_name", TYPES)
def test_examples_round_trip(type_name: str) -> None:
    for message in EXAMPLES[type_name]:
        frame = p.encode(message)
        assert isinstance(frame, bytes if type(message).BINARY_KIND else str)
        decoded = p.decode(frame)
        assert decoded == message
        assert type(decoded) is type(message)
        assert p.encode(decoded) == frame


@pytest.mark.parametrize("type_name", TYPES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_generated_messages_round_trip(type_name: str, data: st.DataObject) -> None:
    message = data.draw(messages(type_name))
    frame = p.encode(message)
    assert p.decode(frame) == message
    if isinstance(frame, str):
        assert p.decode(frame.encode("utf-8").decode("utf-8")) == message
    else:
        assert p.decode(bytearray(frame)) == message
        assert p.decode(memoryview(frame)) == message


@pytest.mark.parametrize("type_name", TYPES)
def test_every_field_is_sent(type_name: str) -> None:
    """No field is declared and then left off the wire."""
    cls = p.REGISTRY.types[type_name]
    message = EXAMPLES[type_name][-1]
    sent = set(message.to_json())
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    assert sent | {cls.SPEC.payload} >= names


def test_messages_are_frozen_and_hashable() -> None:
    message = EXAMPLES["ask"][1]
    assert isinstance(message, p.Ask)
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.text = "other"  # type: ignore[misc]
    assert len({message, EXAMPLES["ask"][1], EXAMPLES["record"][1]}) == 2


def test_json_forms_are_accepted_by_constructors() -> None:
    answer = p.Answer("q", "t", "llm", [{"doc_id": "d", "title": "T"}])  # type: ignore[arg-type]
    assert answer.citations == (p.Citation("d", "T"),)
    assert p.Ping(1, 2).sent == 2.0 and isinstance(p.Ping(1, 2).sent, float)
    record = p.Record("r1", "note", 1.0, {"a": 1})
    with pytest.raises(TypeError):
        record.payload["a"] = 2  # type: ignore[index]
