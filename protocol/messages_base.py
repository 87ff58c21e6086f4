"""Base classes of every message and nested structure, the type registry and field aliases.

A message type is a frozen dataclass deriving from :class:`Message`, registered
with ``@REGISTRY.message("type_name", sent_by=...)``. Nested structures derive
from :class:`Struct` and are decorated with ``@struct``. Construction checks
every field against its type hint (see protocol.messages_fields), so an
instance, built by hand or decoded from the wire, is always valid.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

from protocol import limits
from protocol.errors import FieldError
from protocol.messages_checks import (
    Checker,
    Encoder,
    Len,
    Match,
    Range,
    StructFactory,
    check_bytes,
)
from protocol.messages_fields import compile_hint
from protocol.version import VERSION_PATTERN

Sender = Literal["glasses", "gateway", "both"]
"""Which side may send a message type."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    """How errors name the field, e.g. ``ask.text``."""
    check: Checker
    encode: Encoder | None
    default: Callable[[], Any] | None
    """Makes the value of an absent optional field; ``None`` for a required field."""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class StructSpec:
    label: str
    fields: tuple[FieldSpec, ...]
    json_fields: tuple[FieldSpec, ...]
    """Every field but the binary payload."""
    payload: str | None
    """Name of the ``bytes`` field carried as a binary frame's payload."""


class Struct:
    """Base of every frozen-dataclass message and nested structure."""

    __slots__ = ()
    SPEC: ClassVar[StructSpec]

    def __post_init__(self) -> None:
        for spec in self.SPEC.fields:
            old = getattr(self, spec.name)
            new = spec.check(old, spec.label)
            if new is not old:
                object.__setattr__(self, spec.name, new)
        self.validate()

    def validate(self) -> None:
        """Checks across fields; the types that need them override this."""

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON values (nested structures as objects), payload excluded."""
        out: dict[str, Any] = {}
        for spec in self.SPEC.json_fields:
            value = getattr(self, spec.name)
            out[spec.name] = value if spec.encode is None else spec.encode(value)
        return out

    @classmethod
    def _with_checked_fields(cls, *values: Any) -> Self:
        """An instance from every field's value, in order, each checked as the constructor
        does, without :meth:`validate`: for ``build`` helpers that establish the
        cross-field rules themselves (and so need not pay for them twice)."""
        built = object.__new__(cls)
        for spec, value in zip(cls.SPEC.fields, values, strict=True):
            object.__setattr__(built, spec.name, spec.check(value, spec.label))
        return built

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "") -> Self:
        """Build from JSON values; unknown keys are ignored, missing required ones are errors.

        The same checks as the constructor, in one pass over the fields.
        """
        built = object.__new__(cls)
        try:
            for spec in cls.SPEC.fields:
                if spec.name in data:
                    value = data[spec.name]
                elif spec.default is None:
                    raise FieldError(f"{cls.SPEC.label}: missing field '{spec.name}'")
                else:
                    value = spec.default()
                object.__setattr__(built, spec.name, spec.check(value, spec.label))
            built.validate()
        except FieldError as exc:
            if not where:
                raise
            raise type(exc)(f"{where}: {exc}") from None
        return built


class Message(Struct):
    """Base of every registered message type."""

    __slots__ = ()
    TYPE: ClassVar[str]
    SENT_BY: ClassVar[Sender]
    BINARY_KIND: ClassVar[int | None] = None


S = TypeVar("S", bound=Struct)
M = TypeVar("M", bound=Message)


def _struct_factory(tp: Any) -> StructFactory | None:
    if isinstance(tp, type) and issubclass(tp, Struct):
        return tp.from_json
    return None


def _compile_field(hint: Any) -> tuple[Checker, Encoder | None, bool]:
    base, *meta = typing.get_args(hint) if typing.get_origin(hint) is Annotated else (hint,)
    if base is bytes:
        return check_bytes(tuple(meta)), None, True
    check, encode = compile_hint(hint, _struct_factory)
    return check, encode, False


def _default(field: dataclasses.Field[Any]) -> Callable[[], Any] | None:
    if field.default is not dataclasses.MISSING:
        value = field.default
        return lambda: value
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory
    return None


def compile_spec(cls: type[Any], label: str) -> StructSpec:
    """Read a frozen dataclass's fields and hints into a :class:`StructSpec`."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} must be a frozen dataclass")
    hints = typing.get_type_hints(cls, include_extras=True)
    specs: list[FieldSpec] = []
    payloads: list[str] = []
    for field in dataclasses.fields(cls):
        check, encode, binary = _compile_field(hints[field.name])
        specs.append(FieldSpec(field.name, f"{label}.{field.name}", check, encode, _default(field)))
        if binary:
            payloads.append(field.name)
    if len(payloads) > 1:
        raise TypeError(f"{label}: at most one bytes field (the payload), got {payloads}")
    json_fields = tuple(s for s in specs if s.name not in payloads)
    return StructSpec(label, tuple(specs), json_fields, payloads[0] if payloads else None)


def struct(cls: type[S]) -> type[S]:
    """Decorator for a nested structure (after ``@dataclass(frozen=True, slots=True)``)."""
    label = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
    spec = compile_spec(cls, label)
    if spec.payload is not None:
        raise TypeError(f"{cls.__name__}: nested structures cannot carry bytes")
    cls.SPEC = spec
    return cls


_TYPE_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


class Registry:
    """Message types by wire ``type`` name, and binary ones by frame kind byte."""

    def __init__(self) -> None:
        self.types: dict[str, type[Message]] = {}
        self.kinds: dict[int, type[Message]] = {}

    def message(
        self, type_name: str, *, sent_by: Sender, binary_kind: int | None = None
    ) -> Callable[[type[M]], type[M]]:
        """Class decorator registering a message type (after the ``@dataclass`` line)."""

        def register(cls: type[M]) -> type[M]:
            if not _TYPE_NAME.fullmatch(type_name) or type_name in self.types:
                raise TypeError(f"message type name {type_name!r} is invalid or taken")
            spec = compile_spec(cls, type_name)
            if binary_kind is None and spec.payload is not None:
                raise TypeError(f"{type_name}: a bytes field needs a binary_kind")
            if binary_kind is not None:
                if spec.payload is None:
                    raise TypeError(f"{type_name}: a binary message needs one bytes field")
                if not 1 <= binary_kind <= 255 or binary_kind in self.kinds:
                    raise TypeError(f"{type_name}: binary kind {binary_kind} is invalid or taken")
                self.kinds[binary_kind] = cls
            cls.SPEC = spec
            cls.TYPE = type_name
            cls.SENT_BY = sent_by
            cls.BINARY_KIND = binary_kind
            self.types[type_name] = cls
            return cls

        return register


REGISTRY = Registry()
"""Every message type of the protocol (filled by the protocol.messages_* modules)."""
message = REGISTRY.message

# --- field vocabulary shared by the message modules -------------------------
Id = Annotated[
    str,
    Len(1, limits.MAX_ID_CHARS),
    Match(r"[A-Za-z0-9][A-Za-z0-9._:-]*", "an id (letters, digits, '.', '_', ':', '-')"),
]
Tag = Annotated[
    str,
    Len(1, limits.MAX_TAG_CHARS),
    Match(r"[A-Za-z0-9][A-Za-z0-9._/-]*", "an equipment tag like 'CRAC-01'"),
]
Name = Annotated[str, Len(1, limits.MAX_NAME_CHARS)]
Label = Annotated[str, Len(0, limits.MAX_NAME_CHARS)]
Text = Annotated[str, Len(0, limits.MAX_TEXT_CHARS)]
Question = Annotated[str, Len(1, limits.MAX_QUESTION_CHARS)]
VersionLabel = Annotated[
    str,
    Len(1, limits.MAX_VERSION_CHARS),
    Match(r"[A-Za-z0-9][A-Za-z0-9._+:-]*", "a version label like '2024.06.1'"),
]
ProtocolVersion = Annotated[str, Len(3, 9), Match(VERSION_PATTERN, "a MAJOR.MINOR version")]
Capability = Annotated[
    str,
    Len(1, limits.MAX_CAPABILITY_CHARS),
    Match(r"[a-z][a-z0-9_.-]*", "a capability name like 'asr'"),
]
Sha256Hex = Annotated[str, Len(64, 64), Match(r"[0-9a-f]{64}", "a lowercase hex SHA-256")]
PackPath = Annotated[
    str,
    Len(1, limits.MAX_PATH_CHARS),
    Match(
        r"[A-Za-z0-9_+-][A-Za-z0-9._+-]*(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*",
        "a relative pack path like 'procedures/crac-restart.md'",
    ),
]
U32 = Annotated[int, Range(0, limits.MAX_UINT32)]
StepIndex = Annotated[int, Range(0, limits.MAX_STEP_INDEX)]
Timestamp = Annotated[float, Range(0, limits.MAX_TIMESTAMP)]
"""Seconds: Unix time, or since a stream started (audio)."""
WaitSeconds = Annotated[float, Range(0, limits.MAX_WAIT_S)]
Millis = Annotated[float, Range(0, limits.MAX_DURATION_MS)]
