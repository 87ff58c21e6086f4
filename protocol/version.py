"""Protocol version and its negotiation.

Versions are ``"MAJOR.MINOR"``. Peers of the same major understand each other
and use the lower minor; a different major cannot talk at all. Every frame
carries the major (``"v"`` in text frames, a header byte in binary frames).
"""

from __future__ import annotations

import re
from typing import Literal

from protocol.errors import FieldError, VersionMismatch

PROTOCOL_VERSION = "1.0"

Side = Literal["glasses", "gateway"]
"""Which end of the link is speaking (words the messages for a person)."""

VERSION_PATTERN = r"(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})"
"""``MAJOR.MINOR``, each 0 to 9999 without leading zeros."""
_VERSION_RE = re.compile(VERSION_PATTERN)


def parse_version(text: str) -> tuple[int, int]:
    """``"1.2" -> (1, 2)``; raise :class:`FieldError` for anything else."""
    match = _VERSION_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise FieldError(f"protocol version must look like MAJOR.MINOR, e.g. 1.0; got {text!r}")
    return int(match.group(1)), int(match.group(2))


PROTOCOL_MAJOR, PROTOCOL_MINOR = parse_version(PROTOCOL_VERSION)
WIRE_VERSION = PROTOCOL_MAJOR
"""The version number written into every frame."""


def _mismatch(ours: str, theirs: str, local: Side, older: Side) -> str:
    if local == "glasses":
        said = f"gateway speaks protocol {theirs}, these glasses speak {ours}"
    else:
        said = f"glasses speak protocol {theirs}, this gateway speaks {ours}"
    return f"{said}: update the {older}"


def negotiate(ours: str, theirs: str, *, local: Side = "glasses") -> str:
    """The version both peers use: same major, lower minor.

    ``local`` is the side calling (it words the message). Raise
    :class:`VersionMismatch` when the majors differ, e.g. "gateway speaks
    protocol 2.0, these glasses speak 1.0: update the glasses".
    """
    our_major, our_minor = parse_version(ours)
    their_major, their_minor = parse_version(theirs)
    if our_major != their_major:
        glasses_major = our_major if local == "glasses" else their_major
        gateway_major = their_major if local == "glasses" else our_major
        older: Side = "glasses" if glasses_major < gateway_major else "gateway"
        raise VersionMismatch(_mismatch(ours, theirs, local, older))
    return f"{our_major}.{min(our_minor, their_minor)}"
