"""Typed access to one TOML table, with errors naming the file and the dotted key."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from gateway.telemetry.points import PointListError

T = TypeVar("T")
_REQUIRED: Any = object()


class Fields:
    """One table of the point list (``prefix`` is its dotted path)."""

    def __init__(self, table: Any, path: Path, prefix: str) -> None:
        if not isinstance(table, Mapping):
            raise PointListError(f"{path}: {prefix or 'top level'}: expected a table")
        self.table: Mapping[str, Any] = table
        self.path = path
        self.prefix = prefix

    def error(self, key: str, problem: str) -> PointListError:
        dotted = f"{self.prefix}.{key}" if self.prefix else key
        return PointListError(f"{self.path}: {dotted}: {problem}")

    def only(self, *known: str) -> None:
        for key in self.table:
            if key not in known:
                raise self.error(key, f"unknown key (known here: {', '.join(sorted(known))})")

    def _get(self, key: str, default: Any) -> Any:
        if key in self.table:
            return self.table[key]
        if default is _REQUIRED:
            raise self.error(key, "missing")
        return default

    def tables(self, key: str) -> dict[str, Mapping[str, Any]]:
        value = self._get(key, {})
        if not isinstance(value, Mapping):
            raise self.error(key, "expected a table of tables")
        for name, sub in value.items():
            if not isinstance(sub, Mapping):
                raise self.error(f"{key}.{name}", "expected a table")
        return dict(value)

    def optional_table(self, key: str) -> Mapping[str, Any] | None:
        value = self._get(key, None)
        if value is not None and not isinstance(value, Mapping):
            raise self.error(key, "expected a table")
        return value

    def text(self, key: str, default: str = _REQUIRED) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {value!r}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of text, got {value!r}")
        return tuple(value)

    def number(self, key: str, default: float = _REQUIRED) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise self.error(key, f"expected a finite number, got {value!r}")
        return float(value)

    def optional_number(self, key: str) -> float | None:
        return None if key not in self.table else self.number(key)

    def numbers(self, key: str) -> tuple[float, ...]:
        value = self._get(key, [])
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of numbers, got {value!r}")
        return tuple(Fields({"v": v}, self.path, f"{self.prefix}.{key}").number("v") for v in value)

    def positive(self, key: str, default: float = _REQUIRED) -> float:
        value = self.number(key, default)
        if value <= 0:
            raise self.error(key, f"must be > 0, got {value}")
        return value

    def integer(self, key: str, default: int | None, low: int, high: int) -> int:
        value = self._get(key, _REQUIRED if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {value!r}")
        if not low <= value <= high:
            raise self.error(key, f"{value} is outside {low}..{high}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in options:
            raise self.error(key, f"{value!r} is not one of: {', '.join(options)}")
        return value

    def parse(self, key: str, parser: Callable[[str], T], default: T, allowed: str) -> T:
        if key not in self.table:
            return default
        value = self.text(key)
        try:
            return parser(value)
        except (KeyError, ValueError):
            raise self.error(key, f"{value!r} is not one of: {allowed}") from None
