"""Build frozen-dataclass config trees from layered mappings (defaults < file < flags).

Both sides' configs are frozen dataclass trees with documented defaults. This
module fills them from TOML-shaped mappings, checks every value's type, rejects
unknown keys with the full dotted path, and remembers where each value came
from so ``config show`` can print it.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config value is unknown, of the wrong type or out of range."""


def _describe(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(tp: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _coerce(args[0], value, key)
    if origin is tuple:
        if not isinstance(value, Sequence) or isinstance(value, str | bytes):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        inner = typing.get_args(tp)[0]
        return tuple(_coerce(inner, v, f"{key}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a table, got {value!r}")
        return build(tp, value, prefix=key)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise ConfigError(f"{key}: {value!r} is not one of: {allowed}") from None
    if tp is Path:
        if not isinstance(value, str | Path):
            raise ConfigError(f"{key}: expected a path, got {value!r}")
        return Path(value).expanduser()
    if tp is bool:
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        try:
            return float(value)
        except ValueError:
            raise ConfigError(f"{key}: expected a number, got {value!r}") from None
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{key}: expected a whole number, got {value!r}") from None
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return value
    raise ConfigError(f"{key}: unsupported config type {_describe(tp)}")


def build(cls: type[T], data: Mapping[str, Any], *, prefix: str = "") -> T:
    """Build dataclass ``cls`` from ``data``; missing keys keep their defaults."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"unknown config key '{dotted}' (known here: {known})")
        kwargs[key] = _coerce(hints[key], value, dotted)
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{prefix or 'config'}: {exc}") from None
    return obj


def merge(layers: Sequence[tuple[str, Mapping[str, Any]]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Deep-merge named layers in order; return the merged mapping and each leaf's source."""
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def put(target: dict[str, Any], data: Mapping[str, Any], name: str, prefix: str) -> None:
        for key, value in data.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping):
                sub = target.setdefault(key, {})
                if not isinstance(sub, dict):
                    raise ConfigError(f"{dotted}: a table cannot replace a value")
                put(sub, value, name, dotted)
            else:
                target[key] = value
                sources[dotted] = name

    for name, data in layers:
        put(merged, data, name, "")
    return merged, sources


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of a config tree as ``{dotted.key: value}``."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        dotted = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value):
            out.update(flatten(value, dotted))
        else:
            out[dotted] = value
    return out


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a ``--set key.path=value`` flag."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set expects key=value, got {text!r}")
    return key.strip(), value.strip()


def flag_value(text: str) -> Any:
    """A ``--set`` value: TOML when it parses (lists, numbers, booleans), else plain text.

    Text that looks like a number needs TOML quotes: ``--set 'gateway_id="7"'``."""
    import tomllib

    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def nest(dotted: str, value: Any) -> dict[str, Any]:
    """``nest("a.b", 1) == {"a": {"b": 1}}``."""
    parts = dotted.split(".")
    out: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        out = {part: out}
    return out


def load(
    cls: type[T], file: str | Path | None, assignments: Sequence[str] = ()
) -> tuple[T, dict[str, str]]:
    """Defaults < TOML ``file`` < ``--set key=value`` flags; returns (config, sources)."""
    import tomllib

    layers: list[tuple[str, Mapping[str, Any]]] = []
    if file:
        path = Path(file).expanduser()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        layers.append((str(path), data))
    for text in assignments:
        key, value = parse_assignment(text)
        layers.append(("--set", nest(key, flag_value(value))))
    merged, sources = merge(layers)
    config = build(cls, merged)
    for key in flatten(config):
        sources.setdefault(key, "default")
    return config, sources


def describe(config: Any, sources: Mapping[str, str]) -> str:
    """``key = value  # source`` for every leaf, as ``config show`` prints it."""
    lines = []
    for key, value in flatten(config).items():
        shown = value.value if isinstance(value, enum.Enum) else value
        text = str(shown) if isinstance(shown, Path) else repr(shown)
        lines.append(f"{key} = {text}  # {sources.get(key, 'default')}")
    return "\n".join(lines)
