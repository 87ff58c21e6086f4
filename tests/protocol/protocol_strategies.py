"""Hypothesis strategies for any registered message type, derived from its type hints."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from hypothesis import assume
from hypothesis import strategies as st

import protocol as p
from protocol.messages_checks import Len, Match, OneOf, Range

SMALL = 4  # longest list drawn
SHORT = 24  # longest free text drawn

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(-1e12, 1e12, allow_nan=False)
    | st.text(max_size=SHORT)
)


def _constraint(meta: tuple[object, ...], kind: type[Any]) -> Any:
    return next((m for m in meta if isinstance(m, kind)), None)


def _text(meta: tuple[object, ...]) -> st.SearchStrategy[str]:
    bounds = _constraint(meta, Len) or Len()
    rule = _constraint(meta, Match)
    if rule is None:
        return st.text(min_size=bounds.min, max_size=min(bounds.max, SHORT))
    return st.from_regex(rule.pattern, fullmatch=True).filter(
        lambda s: bounds.min <= len(s) <= bounds.max
    )


def for_hint(hint: Any) -> st.SearchStrategy[Any]:
    meta: tuple[object, ...] = ()
    if typing.get_origin(hint) is Annotated:
        hint, *rest = typing.get_args(hint)
        meta = tuple(rest)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return st.none() | for_hint(inner)
    if origin is Literal:
        return st.sampled_from(typing.get_args(hint))
    if origin is tuple:
        bounds = _constraint(meta, Len) or Len(0, SMALL)
        item = for_hint(typing.get_args(hint)[0])
        return st.lists(item, min_size=bounds.min, max_size=min(bounds.max, SMALL)).map(tuple)
    if origin is Mapping:
        keys = st.text(min_size=1, max_size=10)
        return st.dictionaries(keys, JSON_SCALARS, max_size=SMALL)
    if isinstance(hint, type) and issubclass(hint, p.Struct):
        return for_struct(hint)
    if hint is str:
        return _text(meta)
    if hint is bytes:
        bounds = _constraint(meta, Len) or Len(0, 64)
        return st.binary(min_size=bounds.min, max_size=min(bounds.max, 64))
    if hint is bool:
        return st.booleans()
    one_of = _constraint(meta, OneOf)
    if one_of is not None:
        return st.sampled_from(sorted(one_of.values))
    bounds = _constraint(meta, Range)
    if hint is int:
        return st.integers(int(bounds.lo), int(bounds.hi))
    assert hint is float, hint
    return st.floats(bounds.lo, bounds.hi, allow_nan=False, allow_infinity=False)


def _field_strategies(cls: type[p.Struct]) -> dict[str, st.SearchStrategy[Any]]:
    hints = typing.get_type_hints(cls, include_extras=True)
    return {f.name: for_hint(hints[f.name]) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]


@st.composite
def _valid(draw: st.DrawFn, cls: type[p.Struct]) -> p.Struct:
    kwargs = draw(st.fixed_dictionaries(_field_strategies(cls)))
    try:
        built: p.Struct = typing.cast(Any, cls)(**kwargs)
    except p.FieldError:
        assume(False)
        raise  # unreachable: assume(False) aborts the example
    return built


def for_struct(cls: type[p.Struct]) -> st.SearchStrategy[Any]:
    return _valid(cls)


def _pack_chunk() -> st.SearchStrategy[p.PackChunk]:
    hints = typing.get_type_hints(p.PackChunk, include_extras=True)

    @st.composite
    def build(draw: st.DrawFn) -> p.PackChunk:
        payload = draw(st.binary(max_size=64))
        offset = draw(st.integers(0, 1000))
        extra = draw(st.integers(0, 1000))
        return p.PackChunk.build(
            draw(for_hint(hints["pack_version"])),
            draw(for_hint(hints["path"])),
            offset,
            offset + len(payload) + extra,
            payload,
        )

    return build()


def _procedure_response() -> st.SearchStrategy[p.ProcedureResponse]:
    hints = typing.get_type_hints(p.ProcedureResponse, include_extras=True)
    return st.builds(
        p.ProcedureResponse.build,
        for_hint(hints["procedure_id"]),
        st.text(min_size=1, max_size=200),
        for_hint(hints["version"]),
    )


OVERRIDES: dict[str, st.SearchStrategy[Any]] = {
    "pack_chunk": _pack_chunk(),
    "procedure_response": _procedure_response(),
}


def messages(type_name: str) -> st.SearchStrategy[p.Message]:
    """Valid instances of one registered message type."""
    if type_name in OVERRIDES:
        return OVERRIDES[type_name]
    return for_struct(p.REGISTRY.types[type_name])


def any_message() -> st.SearchStrategy[p.Message]:
    return st.sampled_from(sorted(p.REGISTRY.types)).flatmap(messages)
