"""Per-field checkers: validate and normalise one value, or raise :class:`FieldError`.

The constraints (:class:`Len`, :class:`Range`, :class:`OneOf`, :class:`Match`)
ride on type hints as ``Annotated`` metadata. Each ``check_*`` factory takes a
field's constraints and returns ``check(value, where) -> value``; ``where`` names the field in the
error, e.g. ``ask.text``. protocol.messages_fields picks the checker from a
field's type hint.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from protocol import limits
from protocol.errors import FieldError

Checker = Callable[[Any, str], Any]
"""``check(value, where) -> normalised value``; raises FieldError naming ``where``."""
Encoder = Callable[[Any], Any]

JsonScalar = str | int | float | bool | None
"""Values allowed in a free-form JSON object (an outbox record's payload)."""


@dataclass(frozen=True)
class Len:
    """Length bounds: characters of a str, bytes of bytes, items of a tuple or mapping."""

    min: int = 0
    max: int = limits.MAX_TEXT_CHARS


@dataclass(frozen=True)
class Range:
    """Inclusive bounds of a number."""

    lo: float
    hi: float


@dataclass(frozen=True)
class OneOf:
    """An integer from a fixed set (e.g. allowed sample rates)."""

    values: frozenset[int]


@dataclass(frozen=True)
class Match:
    """Text that fully matches a regular expression; ``description`` words the error."""

    pattern: str
    description: str


StructFactory = Callable[[Mapping[str, Any], str], Any]


def type_name(value: object) -> str:
    """How a wrong value is named in an error: its JSON kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _show(number: float) -> str:
    """A number for an error message, without printing thousands of digits."""
    if isinstance(number, int) and number.bit_length() > 64:
        return "a very large number"
    return repr(number)


def _constraint(constraints: tuple[object, ...], kind: type[Any]) -> Any:
    for item in constraints:
        if isinstance(item, kind):
            return item
    return None


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_str(constraints: tuple[object, ...]) -> Checker:
    bounds = _constraint(constraints, Len) or Len()
    lo, hi = bounds.min, bounds.max
    rule: Match | None = _constraint(constraints, Match)
    regex = re.compile(rule.pattern) if rule else None
    described = rule.description if rule else ""

    def check(value: Any, where: str) -> Any:
        if not isinstance(value, str):
            raise FieldError(f"{where}: expected text, got {type_name(value)}")
        if not lo <= len(value) <= hi:
            raise FieldError(f"{where}: {len(value)} characters, allowed {lo} to {hi}")
        if not value.isascii() and not _valid_unicode(value):
            raise FieldError(f"{where}: text is not valid Unicode (lone surrogate)")
        if regex is not None and not regex.fullmatch(value):
            raise FieldError(f"{where}: {value[:80]!r} is not {described}")
        return value

    return check


def check_int(constraints: tuple[object, ...]) -> Checker:
    bounds = _constraint(constraints, Range) or Range(-limits.MAX_SAFE_INT, limits.MAX_SAFE_INT)
    lo, hi = bounds.lo, bounds.hi
    one_of: OneOf | None = _constraint(constraints, OneOf)
    allowed = one_of.values if one_of else None

    def check(value: Any, where: str) -> Any:
        if type(value) is not int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise FieldError(f"{where}: expected a whole number, got {type_name(value)}")
            value = int(value)
        if not lo <= value <= hi:
            raise FieldError(f"{where}: {_show(value)} is out of range {lo:g} to {hi:g}")
        if allowed is not None and value not in allowed:
            raise FieldError(f"{where}: {value} is not one of {sorted(allowed)}")
        return value

    return check


def check_float(constraints: tuple[object, ...]) -> Checker:
    bounds = _constraint(constraints, Range) or Range(-1e300, 1e300)
    lo, hi = bounds.lo, bounds.hi

    def check(value: Any, where: str) -> Any:
        if type(value) is not float:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise FieldError(f"{where}: expected a number, got {type_name(value)}")
        if not lo <= value <= hi:  # also false for NaN; exact for huge ints
            raise FieldError(f"{where}: {_show(value)} is out of range {lo:g} to {hi:g}")
        return value if type(value) is float else float(value)

    return check


def check_bool(value: Any, where: str) -> Any:
    if not isinstance(value, bool):
        raise FieldError(f"{where}: expected true or false, got {type_name(value)}")
    return value


def check_bytes(constraints: tuple[object, ...]) -> Checker:
    bounds = _constraint(constraints, Len) or Len(0, limits.MAX_BINARY_FRAME_BYTES)
    lo, hi = bounds.min, bounds.max

    def check(value: Any, where: str) -> Any:
        if not isinstance(value, bytes):
            if not isinstance(value, bytearray | memoryview):
                raise FieldError(f"{where}: expected bytes, got {type_name(value)}")
            value = bytes(value)
        if not lo <= len(value) <= hi:
            raise FieldError(f"{where}: {len(value)} bytes, allowed {lo} to {hi}")
        return value

    return check


def check_literal(choices: tuple[str, ...]) -> Checker:
    allowed = frozenset(choices)
    listed = ", ".join(choices)

    def check(value: Any, where: str) -> Any:
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str) else type_name(value)
            raise FieldError(f"{where}: {shown} is not one of: {listed}")
        return value

    return check


def check_scalar(value: Any, where: str) -> Any:
    """A value of a free-form payload: short text, a number, a boolean or null."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _RECORD_TEXT(value, where)
    if isinstance(value, int):
        return _SAFE_INT(value, where)
    if isinstance(value, float):
        return _FINITE(value, where)
    raise FieldError(
        f"{where}: expected text, a number, true/false or null, got {type_name(value)}"
    )


_RECORD_TEXT = check_str((Len(0, limits.MAX_RECORD_VALUE_CHARS),))
_RECORD_KEY = check_str((Len(1, limits.MAX_RECORD_KEY_CHARS),))
_SAFE_INT = check_int(())
_FINITE = check_float(())


def check_mapping(constraints: tuple[object, ...]) -> Checker:
    bounds = _constraint(constraints, Len) or Len(0, limits.MAX_RECORD_FIELDS)
    lo, hi = bounds.min, bounds.max

    def check(value: Any, where: str) -> Any:
        if not isinstance(value, Mapping):
            raise FieldError(f"{where}: expected an object, got {type_name(value)}")
        if not lo <= len(value) <= hi:
            raise FieldError(f"{where}: {len(value)} entries, allowed {lo} to {hi}")
        out = {
            _RECORD_KEY(key, f"{where} key"): check_scalar(item, f"{where}.{key}")
            for key, item in value.items()
        }
        return types.MappingProxyType(out)

    return check


def check_tuple(item: Checker, constraints: tuple[object, ...]) -> Checker:
    bounds = _constraint(constraints, Len) or Len(0, limits.MAX_READINGS)
    lo, hi = bounds.min, bounds.max

    def check(value: Any, where: str) -> Any:
        if not isinstance(value, tuple | list):
            raise FieldError(f"{where}: expected a list, got {type_name(value)}")
        if not lo <= len(value) <= hi:
            raise FieldError(f"{where}: {len(value)} items, allowed {lo} to {hi}")
        return tuple(item(v, f"{where}[{i}]") for i, v in enumerate(value))

    return check


def check_struct(cls: type[Any], factory: StructFactory) -> Checker:
    def check(value: Any, where: str) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise FieldError(f"{where}: expected an object, got {type_name(value)}")
        return factory(value, where)

    return check


def check_optional(inner: Checker) -> Checker:
    def check(value: Any, where: str) -> Any:
        return None if value is None else inner(value, where)

    return check
