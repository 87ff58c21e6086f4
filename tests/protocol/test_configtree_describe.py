"""``config show``: every effective value with where it came from."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from protocol.configtree import describe, load


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Inner:
    color: Color = Color.RED
    path: Path = Path("/tmp/x")


@dataclass(frozen=True)
class Outer:
    name: str = "a"
    inner: Inner = field(default_factory=Inner)


def test_describe_names_value_and_source(tmp_path):
    file = tmp_path / "c.toml"
    file.write_text('name = "b"\n', encoding="utf-8")
    config, sources = load(Outer, file, ["inner.color=blue"])
    text = describe(config, sources).splitlines()
    assert f"name = 'b'  # {file}" in text
    assert "inner.color = 'blue'  # --set" in text
    assert "inner.path = /tmp/x  # default" in text


@dataclass(frozen=True)
class WithList:
    uris: tuple[str, ...] = ()
    port: int = 1
    name: str = ""


def test_set_values_are_toml_when_they_parse():
    config, _ = load(WithList, None, ['uris=["wss://a:1", "wss://b:2"]', "port=8765",
                                      "name=plain text"])  # fmt: skip
    assert config.uris == ("wss://a:1", "wss://b:2")
    assert config.port == 8765 and config.name == "plain text"



def test_a_number_for_text_needs_quotes():
    config, _ = load(WithList, None, ['name="7"'])
    assert config.name == "7"
