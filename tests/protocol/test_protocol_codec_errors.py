"""decode names what is wrong with a frame; encode never makes a frame the peer would refuse."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import pytest

import protocol as p
from protocol import limits
from protocol.messages_checks import Len

GOOD_CHUNK = p.encode(p.AudioChunkMessage(1, 0, 0.0, b"\x00\x00"))
assert isinstance(GOOD_CHUNK, bytes)


def binary(kind: int = 1, header: bytes = b"{}", payload: bytes = b"", version: int = 1) -> bytes:
    return b"HF" + struct.pack(">BBH", version, kind, len(header)) + header + payload


@pytest.mark.parametrize(
    ("frame", "error", "fragment"),
    [
        ("", p.MalformedFrame, "not valid JSON"),
        ("{", p.MalformedFrame, "not valid JSON"),
        ("[1]", p.MalformedFrame, "must be a JSON object"),
        ('{"v":1}', p.MalformedFrame, "needs a 'type' string"),
        ('{"type":"ask"}', p.MalformedFrame, "integer 'v'"),
        ('{"type":"ask","v":true}', p.MalformedFrame, "integer 'v'"),
        ('{"type":"ask","v":"1"}', p.MalformedFrame, "integer 'v'"),
        ('{"type":"ask","v":2}', p.VersionMismatch, "protocol 2.x frame, this side speaks 1.0"),
        ('{"type":"ask","v":' + "9" * 30 + "}", p.VersionMismatch, "protocol ?.x"),
        ('{"type":"nope","v":1}', p.UnknownMessageType, "unknown message type 'nope'"),
        ('{"type":"audio_chunk","v":1}', p.MalformedFrame, "binary frames only"),
        ('{"type":"ask","v":1,"question_id":"q"}', p.FieldError, "ask: missing field 'text'"),
        ('{"type":"ping","v":1,"ping_id":1,"sent":NaN}', p.MalformedFrame, "NaN is not a number"),
        ('{"type":"ping","v":1,"ping_id":1,"sent":-Infinity}', p.MalformedFrame, "Infinity"),
        ('{"type":"ping","v":1,"ping_id":1,"sent":1e999}', p.FieldError, "inf is out of range"),
        ('{"type":"ping","v":1,"ping_id":' + "9" * 5000 + "}", p.MalformedFrame, "JSON"),
        ("[" * 100_000 + "]" * 100_000, p.MalformedFrame, "not valid JSON"),
        ('{"type":"ask","v":1,"question_id":"q","text":"\\ud800"}', p.FieldError, "surrogate"),
        (b"", p.MalformedFrame, "shorter than its fixed header"),
        (b"HF\x01\x01\x00", p.MalformedFrame, "shorter than its fixed header"),
        (b'{"type":"ping"}', p.MalformedFrame, "expected b'HF'"),
        (binary(version=2), p.VersionMismatch, "protocol 2.x frame"),
        (binary(kind=99), p.UnknownMessageType, "unknown binary frame kind 99"),
        (b"HF\x01\x01\x10\x01", p.FrameTooLarge, "binary header of 4097 bytes"),
        (b"HF\x01\x01\x00\x09{}", p.MalformedFrame, "runs past the frame end"),
        (binary(header=b"\xff\xfe"), p.MalformedFrame, "header is not UTF-8"),
        (binary(header=b"{nope"), p.MalformedFrame, "header is not valid JSON"),
        (binary(header=b"[]"), p.MalformedFrame, "header must be a JSON object"),
        (binary(header=b'{"stream_id":1}'), p.FieldError, "audio_chunk: missing field 'seq'"),
        (
            binary(header=b'{"stream_id":1,"seq":0,"timestamp":0}', payload=b"\x00"),
            p.FieldError,
            "not a whole number of 2-byte",
        ),
        (
            binary(
                kind=2,
                header=b'{"pack_version":"1","path":"a","offset":0,"total_size":2,"sha256":"'
                + b"0" * 64
                + b'"}',
                payload=b"ab",
            ),
            p.ChecksumMismatch,
            "payload SHA-256 differs",
        ),
        (b"HF" + bytes(limits.MAX_BINARY_FRAME_BYTES), p.FrameTooLarge, "binary frame of"),
        ("x" * (limits.MAX_TEXT_FRAME_BYTES + 1), p.FrameTooLarge, "text frame over"),
        ("é" * (limits.MAX_TEXT_FRAME_BYTES // 2 + 1), p.FrameTooLarge, "text frame over"),
        ("\U0001f600" * 65537, p.FrameTooLarge, "text frame over"),
    ],
)
def test_decode_raises_a_documented_error(
    frame: Any, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        p.decode(frame)
    assert fragment in str(info.value)


def test_decode_accepts_a_text_frame_near_the_limit_in_bytes() -> None:
    text = "é" * 60_000  # 120 kB of UTF-8, within the limit though 4 * len exceeds it
    frame = p.encode(p.Transcript(1, "x"))
    assert isinstance(frame, str)
    obj = json.loads(frame)
    obj["pad"] = text
    assert p.decode(json.dumps(obj, ensure_ascii=False)) == p.Transcript(1, "x")


def test_decode_refuses_what_is_not_a_frame() -> None:
    with pytest.raises(p.MalformedFrame, match="str or bytes, got int"):
        p.decode(42)  # type: ignore[arg-type]
    with pytest.raises(p.MalformedFrame, match="str or bytes, got NoneType"):
        p.decode(None)  # type: ignore[arg-type]


def test_decode_ignores_unknown_fields_and_fills_defaults() -> None:
    frame = (
        '{"type":"hello","v":1,"protocol_version":"1.3","device_id":"g","device_name":"G","x":1}'
    )
    hello = p.decode(frame)
    assert hello == p.Hello("1.3", "g", "G")
    assert isinstance(hello, p.Hello) and hello.state == p.SessionState()


def test_encode_refuses_an_oversized_text_frame() -> None:
    markdown = "\U0001f600" * limits.MAX_DOCUMENT_CHARS  # valid length, 512 KiB of UTF-8
    response = p.ProcedureResponse.build("doc", markdown, "1")
    with pytest.raises(p.FrameTooLarge, match="procedure_response: text frame over 262144"):
        p.encode(response)


def test_encode_refuses_unregistered_types() -> None:
    @dataclass(frozen=True, slots=True)
    class Stray(p.Ping):
        pass

    with pytest.raises(TypeError, match="Stray is not a registered message type"):
        p.encode(Stray(1, 0.0))
    with pytest.raises(TypeError):
        p.encode(p.Citation("d", "t"))  # type: ignore[arg-type]


@pytest.fixture
def oversized_type() -> Iterator[type[p.Message]]:
    """A binary type whose limits allow frames over the wire limits (registered briefly)."""

    @p.REGISTRY.message("test_oversized", sent_by="both", binary_kind=250)
    @dataclass(frozen=True, slots=True)
    class Oversized(p.Message):
        label: Annotated[str, Len(0, 10_000)]
        blob: Annotated[bytes, Len(0, 2 * limits.MAX_BINARY_FRAME_BYTES)]

    yield Oversized
    del p.REGISTRY.types["test_oversized"]
    del p.REGISTRY.kinds[250]


def test_encode_refuses_oversized_binary_frames(oversized_type: Any) -> None:
    assert p.decode(p.encode(oversized_type("ok", b"1"))) == oversized_type("ok", b"1")
    with pytest.raises(p.FrameTooLarge, match="test_oversized: header over 4096 bytes"):
        p.encode(oversized_type("x" * 5000, b""))
    with pytest.raises(p.FrameTooLarge, match="test_oversized: frame over 1048576 bytes"):
        p.encode(oversized_type("", bytes(limits.MAX_BINARY_FRAME_BYTES)))


def test_canonical_bytes_are_deterministic_and_exclude_what_is_asked() -> None:
    files = (
        p.PackFile("b.md", "b" * 64, 2, "reference"),
        p.PackFile("a.md", "a" * 64, 1, "safety"),
    )
    manifest = p.PackManifest("2024.06.1", 1.5, files, "ab" * 4)
    signed = p.canonical_bytes(manifest, exclude=("signature",))
    assert signed.startswith(b'{"created":1.5,"files":[{"path":"b.md","priority":"reference",')
    assert json.loads(signed) == {
        "created": 1.5,
        "files": [f.to_json() for f in files],
        "pack_version": "2024.06.1",
        "type": "pack_manifest",
        "v": 1,
    }
    assert b" " not in signed and signed == p.canonical_bytes(manifest, exclude=["signature"])
    assert b"signature" in p.canonical_bytes(manifest)
    assert (
        p.canonical_bytes(p.Citation("d", "T\u00e9"))
        == b'{"doc_id":"d","section":"","title":"T\\u00e9"}'
    )
