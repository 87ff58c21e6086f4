"""From a field's type hint to its checker and JSON encoder.

A message field's type hint says everything about it: ``Annotated[str,
Len(1, 64)]`` is text of 1 to 64 characters, ``tuple[Citation, ...]`` a list of
nested objects, ``Literal["up", "down"]`` a closed set of strings. This module
turns a hint into a *checker* (validate and normalise one value, raise
FieldError; see protocol.messages_checks) and an *encoder* (Python value to
JSON value, or ``None`` when the value is already JSON). Nothing here is
written per message type.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Protocol

from protocol.messages_checks import (
    Checker,
    Encoder,
    JsonScalar,
    StructFactory,
    check_bool,
    check_float,
    check_int,
    check_literal,
    check_mapping,
    check_optional,
    check_str,
    check_struct,
    check_tuple,
)


class StructLike(Protocol):
    """What a nested frozen-dataclass type offers the checker (see messages_base.Struct)."""

    def to_json(self) -> dict[str, Any]: ...


def encode_struct(value: StructLike) -> dict[str, Any]:
    return value.to_json()


def _encode_optional(inner: Encoder) -> Encoder:
    return lambda value: None if value is None else inner(value)


def _encode_items(inner: Encoder) -> Encoder:
    return lambda value: [inner(v) for v in value]


def compile_hint(
    hint: Any, is_struct: Callable[[Any], StructFactory | None]
) -> tuple[Checker, Encoder | None]:
    """A field's checker and JSON encoder (``None``: the value is JSON already).

    ``is_struct(tp)`` returns a factory building a nested struct from a mapping,
    or ``None`` when ``tp`` is not a struct type.
    """
    constraints: tuple[object, ...] = ()
    if typing.get_origin(hint) is Annotated:
        hint, *meta = typing.get_args(hint)
        constraints = tuple(meta)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        inner_hints = [a for a in args if a is not type(None)]
        if len(args) != 2 or len(inner_hints) != 1:
            raise TypeError(f"unsupported union {hint!r}: only 'X | None' is allowed")
        check, encode = compile_hint(inner_hints[0], is_struct)
        return check_optional(check), None if encode is None else _encode_optional(encode)
    if origin is Literal:
        return check_literal(typing.get_args(hint)), None
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"unsupported tuple {hint!r}: use tuple[X, ...]")
        check, encode = compile_hint(args[0], is_struct)
        return check_tuple(check, constraints), None if encode is None else _encode_items(encode)
    if origin is Mapping:
        if typing.get_args(hint) != (str, JsonScalar):
            raise TypeError(f"unsupported mapping {hint!r}: use Mapping[str, JsonScalar]")
        return check_mapping(constraints), dict
    factory = is_struct(hint)
    if factory is not None:
        return check_struct(hint, factory), encode_struct
    simple: dict[Any, Callable[[tuple[object, ...]], Checker]] = {
        str: check_str,
        int: check_int,
        float: check_float,
    }
    if hint in simple:
        return simple[hint](constraints), None
    if hint is bool:
        return check_bool, None
    raise TypeError(f"unsupported field type {hint!r}")
