"""Construction validates every field; the registry refuses badly declared types."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pytest

import protocol as p
from protocol.messages_base import Registry, compile_spec
from protocol.messages_checks import JsonScalar, Len, Range, type_name


def build(cls: Any, *args: Any, **kwargs: Any) -> Any:
    return cls(*args, **kwargs)


class Number(enum.IntEnum):
    SEVEN = 7


class Weird(float):
    pass


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: build(p.Ask, 5, "x"), "ask.question_id: expected text, got a number"),
        (lambda: build(p.Ask, "", "x"), "ask.question_id: 0 characters, allowed 1 to 64"),
        (lambda: build(p.Ask, "q 1", "x"), "is not an id"),
        (lambda: build(p.Ask, "q", "\ud800"), "lone surrogate"),
        (lambda: build(p.Ask, "q", "x" * 1001), "1001 characters, allowed 1 to 1000"),
        (lambda: build(p.Ping, "1", 0.0), "ping.ping_id: expected a whole number, got text"),
        (lambda: build(p.Ping, True, 0.0), "expected a whole number, got a boolean"),
        (lambda: build(p.Ping, 1.0, 0.0), "expected a whole number, got a number"),
        (lambda: build(p.Ping, -1, 0.0), "-1 is out of range 0 to 4.29497e+09"),
        (lambda: build(p.Ping, 2**70, 0.0), "a very large number is out of range"),
        (lambda: build(p.Ping, 1, "0"), "ping.sent: expected a number, got text"),
        (lambda: build(p.Ping, 1, False), "expected a number, got a boolean"),
        (lambda: build(p.Ping, 1, float("nan")), "nan is out of range"),
        (lambda: build(p.Ping, 1, float("inf")), "inf is out of range"),
        (lambda: build(p.Ping, 1, 10**400), "a very large number is out of range"),
        (lambda: build(p.AudioStart, 1, 11025), "11025 is not one of [8000, 16000"),
        (lambda: build(p.Transcript, 1, "x", "yes"), "transcript.final: expected true or false"),
        (lambda: build(p.Answer, "q", "t", "guess"), "'guess' is not one of: llm, extract, pack"),
        (lambda: build(p.Answer, "q", "t", None), "null is not one of"),
        (lambda: build(p.Answer, "q", "t", ["llm"]), "a list is not one of"),
        (lambda: build(p.Answer, "q", "t", "llm", "c"), "answer.citations: expected a list"),
        (lambda: build(p.Answer, "q", "t", "llm", ({},) * 17), "17 items, allowed 0 to 16"),
        (lambda: build(p.Answer, "q", "t", "llm", (1,)), "answer.citations[0]: expected an object"),
        (
            lambda: build(p.Answer, "q", "t", "llm", ({"doc_id": "d"},)),
            "answer.citations[0]: citation: missing field 'title'",
        ),
        (
            lambda: build(p.Answer, "q", "t", "llm", ({"doc_id": "d", "title": 3},)),
            "answer.citations[0]: citation.title: expected text",
        ),
        (lambda: build(p.Hello, "1.0", "d", "n", state=[]), "hello.state: expected an object"),
        (lambda: build(p.Hello, "1", "d", "n"), "hello.protocol_version: 1 characters"),
        (lambda: build(p.Hello, "01.0", "d", "n"), "is not a MAJOR.MINOR version"),
        (lambda: build(p.AudioChunkMessage, 1, 0, 0.0, "pcm"), "audio_chunk.pcm: expected bytes"),
        (lambda: build(p.AudioChunkMessage, 1, 0, 0.0, b"\0" * 65538), "65538 bytes, allowed"),
        (lambda: build(p.AudioChunkMessage, 1, 0, 0.0, b"\0" * 3), "not a whole number of 2-byte"),
        (lambda: build(p.AudioChunkMessage, 1, 0, 0.0, b"\0" * 6, channels=2), "4-byte"),
        (lambda: build(p.Record, "r", "note", 0.0, []), "record.payload: expected an object"),
        (lambda: build(p.Record, "r", "note", 0.0, {str(i): i for i in range(65)}), "65 entries"),
        (lambda: build(p.Record, "r", "note", 0.0, {"": 1}), "record.payload key: 0 characters"),
        (lambda: build(p.Record, "r", "note", 0.0, {1: 1}), "record.payload key: expected text"),
        (
            lambda: build(p.Record, "r", "note", 0.0, {"a": [1]}),
            "record.payload.a: expected text, a",
        ),
        (lambda: build(p.Record, "r", "note", 0.0, {"a": "x" * 4097}), "record.payload.a: 4097"),
        (lambda: build(p.Record, "r", "note", 0.0, {"a": 2**60}), "record.payload.a: 1152921504"),
        (lambda: build(p.Record, "r", "note", 0.0, {"a": float("inf")}), "record.payload.a: inf"),
        (lambda: build(p.RecordAck, ()), "record_ack.record_ids: 0 items, allowed 1 to 256"),
        (lambda: build(p.Welcome, "1.0", "g", "n", "s", "k", heartbeat_interval=0), "0 is out of"),
        (lambda: build(p.PackFile, "../etc/passwd", "a" * 64, 1, "safety"), "relative pack path"),
        (lambda: build(p.PackFile, "/abs", "a" * 64, 1, "safety"), "relative pack path"),
        (lambda: build(p.PackFile, "a//b", "a" * 64, 1, "safety"), "relative pack path"),
        (lambda: build(p.PackFile, "a/.hidden", "a" * 64, 1, "safety"), "relative pack path"),
        (lambda: build(p.PackFile, "a", "A" * 64, 1, "safety"), "lowercase hex SHA-256"),
        (lambda: build(p.PackFile, "a", "a" * 64, 2**31, "safety"), "out of range"),
        (lambda: build(p.PackManifest, "1", 0.0, (), "ab"), "pack_manifest.files: 0 items"),
        (
            lambda: build(p.PackManifest, "1", 0.0, ({},), "ab"),
            "pack_manifest.files[0]: pack_file: missing",
        ),
        (lambda: build(p.PackManifest, "1", 0.0, ({"path": "a"},), "abc"), "missing field"),
        (lambda: build(p.Alert, "a", "CRAC 01", "p", "info", "m", 1.0, "", 0.0), "equipment tag"),
        (lambda: build(p.ErrorMessage, "oops", "m"), "'oops' is not one of: malformed_frame"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(make: Any, fragment: str) -> None:
    with pytest.raises(p.FieldError) as info:
        make()
    assert fragment in str(info.value)
    assert isinstance(info.value, p.ProtocolError) and isinstance(info.value, ValueError)


def test_cross_field_rules() -> None:
    files = (p.PackFile("a", "a" * 64, 1, "safety"), p.PackFile("a", "b" * 64, 2, "reference"))
    with pytest.raises(p.FieldError, match="listed twice"):
        p.PackManifest("1", 0.0, files, "ab")
    with pytest.raises(p.FieldError, match="past the file's total size 3"):
        p.PackChunk.build("1", "a", 2, 3, b"xy")
    with pytest.raises(p.ChecksumMismatch, match="payload SHA-256 differs"):
        p.PackChunk("1", "a", 0, 3, "0" * 64, b"xy")
    with pytest.raises(p.FieldError, match=r"pack_chunk\.path"):  # build checks every field
        p.PackChunk.build("1", "../a", 0, 3, b"xy")
    built = p.PackChunk.build("1", "a", 1, 3, b"xy")
    assert built == p.PackChunk("1", "a", 1, 3, p.sha256_hex(b"xy"), b"xy")
    with pytest.raises(p.ChecksumMismatch, match="does not match the markdown"):
        p.ProcedureResponse("x", "# doc", "1", "0" * 64)


def test_values_are_normalised() -> None:
    ping = p.Ping(Number.SEVEN, Weird(1.5))
    assert type(ping.ping_id) is int and type(ping.sent) is float
    chunk = p.AudioChunkMessage(1, 0, 0, bytearray(b"\x01\x02"))  # type: ignore[arg-type]
    assert type(chunk.pcm) is bytes and type(chunk.timestamp) is float
    view: Any = memoryview(b"\x01\x02")
    assert p.AudioChunkMessage(1, 0, 0.0, view).pcm == b"\x01\x02"
    record = p.Record("r", "note", 1, {"n": None, "b": True, "i": 3, "f": 2.5, "s": "x"})
    assert dict(record.payload) == {"n": None, "b": True, "i": 3, "f": 2.5, "s": "x"}


def test_type_name_words_json_kinds() -> None:
    values: tuple[object, ...] = (None, True, 1, 1.5, "x", [], (), {}, b"x")
    assert [type_name(v) for v in values] == [
        "null",
        "a boolean",
        "a number",
        "a number",
        "text",
        "a list",
        "a list",
        "an object",
        "bytes",
    ]


def test_error_reply_from_an_exception() -> None:
    reply = p.ErrorMessage.from_exception(p.VersionMismatch("update the glasses"), ref="q-1")
    assert reply == p.ErrorMessage("version_mismatch", "update the glasses", "q-1", True)
    long = p.ErrorMessage.from_exception(p.FieldError("x" * 10000))
    assert long.code == "invalid_field" and len(long.message) == 8192 and not long.fatal
    assert p.ChecksumMismatch.code == "checksum_mismatch" and not p.ChecksumMismatch.fatal


def test_audio_chunk_converts_to_and_from_the_shared_audio_type() -> None:
    chunk = p.AudioChunkMessage(3, 9, 0.5, b"\x00\x01" * 160, 8000)
    audio = chunk.chunk
    assert (audio.rate, audio.samples, audio.timestamp) == (8000, 160, 0.5)
    assert audio.seconds == pytest.approx(0.02)
    assert p.AudioChunkMessage.from_chunk(audio, 3, 9) == chunk
    assert p.AudioStart(1, 48000, 2, 2).format.bytes_per_second == 192000


# --- declaring types --------------------------------------------------------


def test_a_registry_registers_and_rejects_bad_declarations() -> None:
    registry = Registry()

    @registry.message("thing", sent_by="both")
    @dataclass(frozen=True, slots=True)
    class Thing(p.Message):
        name: Annotated[str, Len(1, 5)]

    assert registry.types == {"thing": Thing} and Thing.TYPE == "thing"
    assert Thing.SENT_BY == "both" and Thing.BINARY_KIND is None

    @registry.message("blob", sent_by="gateway", binary_kind=9)
    @dataclass(frozen=True, slots=True)
    class Blob(p.Message):
        data: bytes

    assert registry.kinds == {9: Blob} and Blob.SPEC.payload == "data"

    bad_cases: list[tuple[str, dict[str, Any], type[Any]]] = [
        ("Bad Name", {}, Thing),
        ("thing", {}, Thing),
        ("nobytes", {"binary_kind": 10}, Thing),
        ("bytes", {}, Blob),
        ("kind0", {"binary_kind": 0}, Blob),
        ("kind9", {"binary_kind": 9}, Blob),
    ]
    for name, options, cls in bad_cases:
        with pytest.raises(TypeError):
            registry.message(name, sent_by="both", **options)(cls)


@p.struct
@dataclass(frozen=True, slots=True)
class Inner(p.Struct):
    label: str = "x"


def _declare(**annotations: Any) -> type[Any]:
    namespace = {"__annotations__": annotations, "__module__": __name__}
    cls = type("Declared", (p.Struct,), namespace)
    return dataclass(frozen=True, slots=True)(cls)


@pytest.mark.parametrize(
    "annotation",
    [
        str | int,
        str | int | None,
        tuple[int, int],
        tuple[int],
        Mapping[str, int],
        set[int],
        Annotated[bytes | None, Len()],
    ],
)
def test_unsupported_field_types_fail_at_declaration(annotation: Any) -> None:
    with pytest.raises(TypeError):
        p.struct(_declare(value=annotation))


def test_structs_need_frozen_dataclasses_and_no_bytes() -> None:
    class Plain(p.Struct):
        pass

    with pytest.raises(TypeError, match="frozen dataclass"):
        p.struct(Plain)
    loose: type[Any] = dataclass(type("Loose", (), {"__annotations__": {"a": int}}))
    with pytest.raises(TypeError, match="frozen dataclass"):
        compile_spec(loose, "loose")
    with pytest.raises(TypeError, match="cannot carry bytes"):
        p.struct(_declare(data=bytes))
    with pytest.raises(TypeError, match="at most one bytes field"):
        p.struct(_declare(a=bytes, b=bytes))


def test_optional_nested_structs_and_mappings_encode_generically() -> None:
    outer = p.struct(
        _declare(
            maybe=Inner | None,
            many=Annotated[tuple[Inner, ...], Len(0, 3)],
            free=Mapping[str, JsonScalar],
            level=Annotated[float, Range(0, 1)],
        )
    )
    built = outer(maybe={"label": "y"}, many=[Inner()], free={"k": 1}, level=1)
    assert built.to_json() == {
        "maybe": {"label": "y"},
        "many": [{"label": "x"}],
        "free": {"k": 1},
        "level": 1.0,
    }
    assert outer.from_json(built.to_json()) == built
    empty = outer(maybe=None, many=(), free={}, level=0.5)
    assert empty.to_json()["maybe"] is None


def test_a_pack_chunk_payload_is_hashed_once_per_side(monkeypatch: pytest.MonkeyPatch) -> None:
    """build hashes the payload once (not again to check what it just computed); decode
    hashes it once to check it. A chunk is the bulk of a pack sync's CPU."""
    import protocol.messages_pack as messages_pack

    hashed: list[int] = []

    def counting(data: bytes) -> str:
        hashed.append(len(data))
        return p.sha256_hex(data)

    monkeypatch.setattr(messages_pack, "sha256_hex", counting)
    chunk = p.PackChunk.build("1", "a", 0, 5, b"hello")
    assert hashed == [5]
    assert p.decode(p.encode(chunk)) == chunk
    assert hashed == [5, 5]
