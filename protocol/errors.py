"""The protocol's error hierarchy and the error codes sent in ``error`` messages.

``protocol.decode`` raises only :class:`ProtocolError` subclasses. Each class
carries the wire ``code`` to put in the ``error`` reply and whether the link
must be closed (``fatal``). A receiver answers a bad frame with
``ErrorMessage.from_exception(exc)``, logs it and carries on unless ``fatal``.
"""

from __future__ import annotations

import typing
from typing import ClassVar, Literal

ErrorCode = Literal[
    "malformed_frame",
    "unknown_type",
    "frame_too_large",
    "invalid_field",
    "checksum_mismatch",
    "version_mismatch",
    "unauthorized",
    "not_found",
    "rate_limited",
    "unsupported",
    "unavailable",
    "internal",
]
"""Every code an ``error`` message may carry (meanings in protocol/README.md)."""

ERROR_CODES: tuple[ErrorCode, ...] = typing.get_args(ErrorCode)


class ProtocolError(ValueError):
    """A frame or message breaks the protocol. Base of every error ``decode`` raises."""

    code: ClassVar[ErrorCode] = "malformed_frame"
    fatal: ClassVar[bool] = False
    """True when the link cannot go on (the peer must be updated or re-paired)."""


class MalformedFrame(ProtocolError):
    """Not a frame at all: bad JSON, bad magic bytes, truncated header, wrong shape."""

    code: ClassVar[ErrorCode] = "malformed_frame"


class UnknownMessageType(ProtocolError):
    """A well-formed frame whose ``type`` (or binary kind) is not registered."""

    code: ClassVar[ErrorCode] = "unknown_type"


class FrameTooLarge(ProtocolError):
    """A frame over the size limit of its kind (see protocol.limits)."""

    code: ClassVar[ErrorCode] = "frame_too_large"


class FieldError(ProtocolError):
    """A field is missing, of the wrong type, too long, out of range or not allowed."""

    code: ClassVar[ErrorCode] = "invalid_field"


class ChecksumMismatch(FieldError):
    """A payload does not match the SHA-256 sent with it."""

    code: ClassVar[ErrorCode] = "checksum_mismatch"


class VersionMismatch(ProtocolError):
    """The peers speak different major versions; the message says which side to update."""

    code: ClassVar[ErrorCode] = "version_mismatch"
    fatal: ClassVar[bool] = True
