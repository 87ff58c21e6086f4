"""The wire codec: one generic encoder and decoder for every registered message type.

Control messages travel as JSON text frames ``{"type": ..., "v": 1, ...fields}``.
Messages with a ``bytes`` payload (audio_chunk, pack_chunk) travel as binary
frames::

    offset  size  field
    0       2     magic b"HF" (0x48 0x46)
    2       1     wire version (protocol major, 1)
    3       1     frame kind (1 audio_chunk, 2 pack_chunk)
    4       2     header length H, unsigned big-endian
    6       H     header: compact UTF-8 JSON object of every field but the payload
    6+H     rest  payload bytes

:func:`decode` raises only :class:`protocol.errors.ProtocolError` subclasses and
never returns ``None``. See protocol/README.md for the full specification.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Collection
from typing import Any

from protocol import limits
from protocol.errors import FrameTooLarge, MalformedFrame, UnknownMessageType, VersionMismatch
from protocol.messages import REGISTRY, Message, Struct
from protocol.version import PROTOCOL_VERSION, WIRE_VERSION

MAGIC = b"HF"
FIXED_HEADER = struct.Struct(">2sBBH")
"""magic, wire version, frame kind, JSON header length."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_CANONICAL = json.JSONEncoder(
    ensure_ascii=True, separators=(",", ":"), allow_nan=False, sort_keys=True
)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _utf8_size(text: str) -> int:
    """UTF-8 size of ``text``, computed only when it could exceed the text-frame limit."""
    if len(text) * 4 <= limits.MAX_TEXT_FRAME_BYTES:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _registered(message: Message) -> type[Message]:
    cls = type(message)
    if REGISTRY.types.get(getattr(cls, "TYPE", "")) is not cls:
        raise TypeError(f"{cls.__name__} is not a registered message type")
    return cls


def encode(message: Message) -> str | bytes:
    """The frame for ``message``: ``str`` (JSON text frame) or ``bytes`` (binary frame).

    Raise :class:`FrameTooLarge` rather than produce a frame the peer would refuse.
    """
    cls = _registered(message)
    kind = cls.BINARY_KIND
    if kind is None:
        obj: dict[str, Any] = {"type": cls.TYPE, "v": WIRE_VERSION}
        obj.update(message.to_json())
        text = _ENCODER.encode(obj)
        if _utf8_size(text) > limits.MAX_TEXT_FRAME_BYTES:
            raise FrameTooLarge(f"{cls.TYPE}: text frame over {limits.MAX_TEXT_FRAME_BYTES} bytes")
        return text
    header = _ENCODER.encode(message.to_json()).encode("utf-8")
    if len(header) > limits.MAX_BINARY_HEADER_BYTES:
        raise FrameTooLarge(f"{cls.TYPE}: header over {limits.MAX_BINARY_HEADER_BYTES} bytes")
    payload: bytes = getattr(message, cls.SPEC.payload or "")
    fixed = FIXED_HEADER.pack(MAGIC, WIRE_VERSION, kind, len(header))
    frame = b"".join((fixed, header, payload))
    if len(frame) > limits.MAX_BINARY_FRAME_BYTES:
        raise FrameTooLarge(f"{cls.TYPE}: frame over {limits.MAX_BINARY_FRAME_BYTES} bytes")
    return frame


def decode(data: str | bytes | bytearray | memoryview) -> Message:
    """The message in a frame: ``str`` is a text frame, bytes-like a binary frame.

    Raise :class:`MalformedFrame`, :class:`UnknownMessageType`,
    :class:`FrameTooLarge`, :class:`VersionMismatch` or :class:`FieldError`
    (all :class:`ProtocolError`); never anything else, never return ``None``.
    """
    if isinstance(data, str):
        return _decode_text(data)
    if isinstance(data, bytes):
        return _decode_binary(data)
    if isinstance(data, bytearray | memoryview):
        return _decode_binary(bytes(data))
    raise MalformedFrame(f"a frame is str or bytes, got {type(data).__name__}")


def _parse_json(text: str, what: str) -> dict[str, Any]:
    try:
        obj = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise MalformedFrame(f"{what} is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(obj, dict):
        raise MalformedFrame(f"{what} must be a JSON object")
    return obj


def _check_version(version: object) -> None:
    if type(version) is not int:
        raise MalformedFrame("text frame needs an integer 'v' (protocol major version)")
    if version != WIRE_VERSION:
        shown = version if abs(version) < 10**6 else "?"
        raise VersionMismatch(
            f"peer sent a protocol {shown}.x frame, this side speaks {PROTOCOL_VERSION}"
        )


def _decode_text(data: str) -> Message:
    if len(data) > limits.MAX_TEXT_FRAME_BYTES or _utf8_size(data) > limits.MAX_TEXT_FRAME_BYTES:
        raise FrameTooLarge(f"text frame over {limits.MAX_TEXT_FRAME_BYTES} bytes")
    obj = _parse_json(data, "text frame")
    type_name = obj.get("type")
    if not isinstance(type_name, str):
        raise MalformedFrame("text frame needs a 'type' string")
    _check_version(obj.get("v"))
    cls = REGISTRY.types.get(type_name)
    if cls is None:
        raise UnknownMessageType(f"unknown message type {type_name[:64]!r}")
    if cls.BINARY_KIND is not None:
        raise MalformedFrame(f"{type_name} travels in binary frames only")
    return cls.from_json(obj)


def _decode_binary(data: bytes) -> Message:
    size = len(data)
    if size > limits.MAX_BINARY_FRAME_BYTES:
        raise FrameTooLarge(f"binary frame of {size} bytes, over {limits.MAX_BINARY_FRAME_BYTES}")
    if size < FIXED_HEADER.size:
        raise MalformedFrame(f"binary frame of {size} bytes, shorter than its fixed header")
    magic, version, kind, header_len = FIXED_HEADER.unpack_from(data)
    if magic != MAGIC:
        raise MalformedFrame(f"binary frame starts with {magic!r}, expected {MAGIC!r}")
    if version != WIRE_VERSION:
        raise VersionMismatch(
            f"peer sent a protocol {version}.x frame, this side speaks {PROTOCOL_VERSION}"
        )
    cls = REGISTRY.kinds.get(kind)
    if cls is None:
        raise UnknownMessageType(f"unknown binary frame kind {kind}")
    if header_len > limits.MAX_BINARY_HEADER_BYTES:
        raise FrameTooLarge(f"binary header of {header_len} bytes, over the limit")
    end = FIXED_HEADER.size + header_len
    if end > size:
        raise MalformedFrame(f"binary header length {header_len} runs past the frame end")
    try:
        header_text = data[FIXED_HEADER.size : end].decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedFrame("binary frame header is not UTF-8") from None
    header = _parse_json(header_text, "binary frame header")
    header[cls.SPEC.payload or ""] = data[end:]
    return cls.from_json(header)


def canonical_bytes(message: Struct, *, exclude: Collection[str] = ()) -> bytes:
    """Deterministic JSON of a message (sorted keys, ASCII, no spaces) for signing.

    Messages include ``type`` and ``v``; binary payloads are never included.
    """
    obj = {k: v for k, v in message.to_json().items() if k not in exclude}
    if isinstance(message, Message):
        obj["type"] = type(message).TYPE
        obj["v"] = WIRE_VERSION
    return _CANONICAL.encode(obj).encode("ascii")
