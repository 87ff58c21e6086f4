"""Version parsing and negotiation; protocol/ stays sans-I/O."""

from __future__ import annotations

import subprocess
import sys

import pytest

import protocol as p


def test_protocol_version_is_1_0() -> None:
    assert p.PROTOCOL_VERSION == "1.0"
    assert p.parse_version(p.PROTOCOL_VERSION) == (1, 0)


@pytest.mark.parametrize(
    "text", ["1", "1.0.0", "01.0", "1.01", "a.b", "", " 1.0", "1.0 ", "12345.0"]
)
def test_parse_version_refuses_anything_but_major_dot_minor(text: str) -> None:
    with pytest.raises(p.FieldError, match=r"MAJOR\.MINOR"):
        p.parse_version(text)


def test_parse_version_refuses_non_text() -> None:
    with pytest.raises(p.FieldError):
        p.parse_version(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ours", "theirs", "agreed"),
    [("1.0", "1.0", "1.0"), ("1.3", "1.1", "1.1"), ("1.1", "1.3", "1.1"), ("2.10", "2.9", "2.9")],
)
def test_same_major_agrees_on_the_lower_minor(ours: str, theirs: str, agreed: str) -> None:
    assert p.negotiate(ours, theirs) == agreed
    assert p.negotiate(theirs, ours, local="gateway") == agreed


@pytest.mark.parametrize(
    ("ours", "theirs", "local", "message"),
    [
        (
            "1.0",
            "2.0",
            "glasses",
            "gateway speaks protocol 2.0, these glasses speak 1.0: update the glasses",
        ),
        (
            "2.1",
            "1.4",
            "glasses",
            "gateway speaks protocol 1.4, these glasses speak 2.1: update the gateway",
        ),
        (
            "2.0",
            "1.0",
            "gateway",
            "glasses speak protocol 1.0, this gateway speaks 2.0: update the glasses",
        ),
        (
            "1.0",
            "3.2",
            "gateway",
            "glasses speak protocol 3.2, this gateway speaks 1.0: update the gateway",
        ),
    ],
)
def test_different_majors_say_which_side_to_update(
    ours: str, theirs: str, local: p.Side, message: str
) -> None:
    with pytest.raises(p.VersionMismatch) as info:
        p.negotiate(ours, theirs, local=local)
    assert str(info.value) == message
    assert info.value.fatal and info.value.code == "version_mismatch"


def test_negotiate_refuses_malformed_versions() -> None:
    with pytest.raises(p.FieldError):
        p.negotiate("1.0", "one")


def test_protocol_imports_neither_asyncio_nor_websockets() -> None:
    code = (
        "import sys, protocol, protocol.codec, protocol.messages;"
        "bad = {'asyncio', 'websockets'} & set(sys.modules);"
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
