"""One generic JSON mapping for the work log's frozen dataclasses (no per-class encoders).

``to_data`` turns a dataclass tree into JSON values; ``from_data`` rebuilds it
from its type hints, checking every field, so ``from_data(T, to_data(x)) == x``.
Supported field types: dataclasses, enums, datetime (ISO 8601), ``tuple[X, ...]``,
``X | None``, str, int, float and bool.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


class CodecError(ValueError):
    """JSON data does not fit the type it should become; the message names the field."""


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data (dicts, lists, str, numbers, bools, None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [to_data(v) for v in value]
    return value


def _fail(where: str, expected: str, data: Any) -> CodecError:
    return CodecError(f"{where}: expected {expected}, got {data!r}")


def _dataclass(cls: type[T], data: Any, where: str) -> T:
    if not isinstance(data, dict):
        raise _fail(where, "an object", data)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise CodecError(f"{where}: unknown field '{unknown[0]}'")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = from_data(hints[name], data[name], f"{where}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CodecError(f"{where}: missing field '{name}'")
    return cls(**kwargs)


def _scalar(tp: Any, data: Any, where: str) -> Any:
    if tp is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if tp is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if tp in (str, bool) and isinstance(data, tp):
        return data
    raise _fail(where, getattr(tp, "__name__", str(tp)), data)


def from_data(tp: Any, data: Any, where: str = "$") -> Any:
    """Rebuild a value of type ``tp`` from JSON data; CodecError names the bad field."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_data(inner[0], data, where)
    if origin is tuple:
        if not isinstance(data, list):
            raise _fail(where, "a list", data)
        item = typing.get_args(tp)[0]
        return tuple(from_data(item, v, f"{where}[{i}]") for i, v in enumerate(data))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp, data, where)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in tp)
            raise _fail(where, f"one of {allowed}", data) from None
    if tp is datetime:
        if not isinstance(data, str):
            raise _fail(where, "an ISO 8601 time", data)
        try:
            return datetime.fromisoformat(data)
        except ValueError:
            raise _fail(where, "an ISO 8601 time", data) from None
    return _scalar(tp, data, where)
