"""protocol.configtree: frozen-dataclass configs from defaults, TOML files and --set flags."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from protocol.configtree import ConfigError, build, flatten, load, merge, nest, parse_assignment


class Mode(enum.Enum):
    FAST = "fast"
    ACCURATE = "accurate"


@dataclass(frozen=True)
class Inner:
    beam_size: int = 1
    """Beam width."""
    threshold: float = 0.5
    enabled: bool = True
    mode: Mode = Mode.FAST

    def __post_init__(self) -> None:
        if self.beam_size < 1:
            raise ValueError("beam_size must be at least 1")


@dataclass(frozen=True)
class Root:
    name: str = "glasses"
    model: Path | None = None
    words: tuple[str, ...] = ()
    inner: Inner = field(default_factory=Inner)


@dataclass(frozen=True)
class Required:
    needed: int


@dataclass(frozen=True)
class Unsupported:
    table: dict[str, int] = field(default_factory=dict)


def test_defaults_when_nothing_is_given() -> None:
    assert build(Root, {}) == Root()


def test_values_of_every_kind_are_coerced() -> None:
    config = build(
        Root,
        {
            "name": "bay-3",
            "model": "~/models/x.onnx",
            "words": ["stop", "next"],
            "inner": {"beam_size": "3", "threshold": "0.25", "enabled": "no", "mode": "accurate"},
        },
    )
    assert config.name == "bay-3"
    assert config.model == Path("~/models/x.onnx").expanduser()
    assert config.words == ("stop", "next")
    assert config.inner == Inner(3, 0.25, False, Mode.ACCURATE)
    assert build(Root, {"model": None}).model is None
    assert build(Inner, {"enabled": "TRUE", "threshold": 2}).enabled is True
    assert build(Inner, {"enabled": False, "beam_size": 4}) == Inner(4, 0.5, False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nope": 1}, "unknown config key 'nope' (known here: inner, model, name, words)"),
        ({"inner": {"nope": 1}}, "unknown config key 'inner.nope'"),
        ({"inner": 3}, "inner: expected a table, got 3"),
        ({"words": "stop"}, "words: expected a list"),
        ({"words": [1]}, "words[0]: expected text, got 1"),
        ({"name": 3}, "name: expected text, got 3"),
        ({"model": 3}, "model: expected a path, got 3"),
        ({"inner": {"mode": "slow"}}, "inner.mode: 'slow' is not one of: fast, accurate"),
        ({"inner": {"enabled": "maybe"}}, "inner.enabled: expected true or false"),
        ({"inner": {"enabled": 1}}, "inner.enabled: expected true or false"),
        ({"inner": {"threshold": True}}, "inner.threshold: expected a number"),
        ({"inner": {"threshold": [1]}}, "inner.threshold: expected a number"),
        ({"inner": {"threshold": "high"}}, "inner.threshold: expected a number, got 'high'"),
        ({"inner": {"beam_size": True}}, "inner.beam_size: expected a whole number"),
        ({"inner": {"beam_size": 1.5}}, "inner.beam_size: expected a whole number"),
        ({"inner": {"beam_size": "two"}}, "inner.beam_size: expected a whole number, got 'two'"),
        ({"inner": {"beam_size": 0}}, "inner: beam_size must be at least 1"),
    ],
)
def test_bad_values_name_the_dotted_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        build(Root, data)
    assert message in str(info.value)


def test_missing_required_field_and_unsupported_types() -> None:
    with pytest.raises(ConfigError, match=r"^config: "):
        build(Required, {})
    with pytest.raises(ConfigError, match="table: unsupported config type dict"):
        build(Unsupported, {"table": {"a": 1}})


def test_merge_layers_and_remember_sources() -> None:
    merged, sources = merge(
        [
            ("file.toml", {"name": "a", "inner": {"beam_size": 2, "threshold": 0.1}}),
            ("--set", {"inner": {"beam_size": 5}}),
        ]
    )
    assert merged == {"name": "a", "inner": {"beam_size": 5, "threshold": 0.1}}
    assert sources == {
        "name": "file.toml",
        "inner.beam_size": "--set",
        "inner.threshold": "file.toml",
    }
    with pytest.raises(ConfigError, match="inner: a table cannot replace a value"):
        merge([("a", {"inner": 1}), ("b", {"inner": {"beam_size": 2}})])


def test_flatten_parse_assignment_and_nest() -> None:
    assert flatten(Root()) == {
        "name": "glasses",
        "model": None,
        "words": (),
        "inner.beam_size": 1,
        "inner.threshold": 0.5,
        "inner.enabled": True,
        "inner.mode": Mode.FAST,
    }
    assert parse_assignment(" inner.beam_size = 3 ") == ("inner.beam_size", "3")
    assert parse_assignment("name=a=b") == ("name", "a=b")
    for bad in ("novalue", "=3", " =3"):
        with pytest.raises(ConfigError, match="--set expects key=value"):
            parse_assignment(bad)
    assert nest("a.b.c", 1) == {"a": {"b": {"c": 1}}}
    assert nest("a", 1) == {"a": 1}


def test_load_layers_defaults_file_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('name = "from-file"\n[inner]\nbeam_size = 2\nthreshold = 0.9\n', "utf-8")
    config, sources = load(Root, path, ["inner.beam_size=4"])
    assert config == Root(name="from-file", inner=Inner(beam_size=4, threshold=0.9))
    assert sources["name"] == str(path)
    assert sources["inner.beam_size"] == "--set"
    assert sources["inner.enabled"] == "default"
    assert load(Root, None) == (Root(), {k: "default" for k in flatten(Root())})


def test_load_reports_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read config file .*missing\.toml"):
        load(Root, tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", "utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: invalid TOML"):
        load(Root, bad)
    with pytest.raises(ConfigError, match="--set expects key=value"):
        load(Root, None, ["oops"])
