"""Expected readings on procedure steps, their units, and how a reading is judged.

A step may carry ``- expect: NAME LOW..HIGH UNIT``. A technician's reading is
checked against it with :meth:`ExpectedReading.check`, which converts between
compatible units (°F/°C; psig/kPa/bar, all gauge pressures) before comparing.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass

#: Every unit a document may use, in the spelling documents use.
UNITS: tuple[str, ...] = (
    "psig", "kPa", "°C", "°F", "%", "V", "A", "kW", "Hz", "rpm", "%RH", "bar", "ppm",
)  # fmt: skip

_ALIASES: dict[str, str] = {
    "psi": "psig",
    "pound per square inch": "psig",
    "pounds per square inch": "psig",
    "kilopascal": "kPa",
    "kilopascals": "kPa",
    "c": "°C",
    "degc": "°C",
    "deg c": "°C",
    "celsius": "°C",
    "degrees celsius": "°C",
    "f": "°F",
    "degf": "°F",
    "deg f": "°F",
    "fahrenheit": "°F",
    "degrees fahrenheit": "°F",
    "percent": "%",
    "volt": "V",
    "volts": "V",
    "amp": "A",
    "amps": "A",
    "ampere": "A",
    "amperes": "A",
    "kilowatt": "kW",
    "kilowatts": "kW",
    "hertz": "Hz",
    "rh": "%RH",
    "percent rh": "%RH",
    "relative humidity": "%RH",
    "bars": "bar",
    "parts per million": "ppm",
}

_KPA_PER: dict[str, float] = {"kPa": 1.0, "psig": 6.894757293168361, "bar": 100.0}

# Relative tolerance at the range limits, so a converted limit value is in range.
_EPSILON = 1e-9


def normalize_unit(text: str) -> str | None:
    """The canonical spelling of ``text`` as a unit (``"psi"`` -> ``"psig"``), or None."""
    cleaned = " ".join(text.strip().replace("º", "°").split())
    for unit in UNITS:
        if cleaned == unit or cleaned.lower() == unit.lower():
            return unit
    return _ALIASES.get(cleaned.lower().lstrip("°"))


def _c_to_f(value: float) -> float:
    return value * 9.0 / 5.0 + 32.0


def _f_to_c(value: float) -> float:
    return (value - 32.0) * 5.0 / 9.0


def _converter(source: str, target: str) -> Callable[[float], float] | None:
    if source == target:
        return float
    if (source, target) == ("°C", "°F"):
        return _c_to_f
    if (source, target) == ("°F", "°C"):
        return _f_to_c
    if source in _KPA_PER and target in _KPA_PER:
        factor = _KPA_PER[source] / _KPA_PER[target]
        return lambda v: v * factor
    return None


def convert(value: float, source: str, target: str) -> float | None:
    """``value`` in ``source`` units expressed in ``target`` units, or None if incompatible.

    Both units must be canonical (see :func:`normalize_unit`).
    """
    fn = _converter(source, target)
    return None if fn is None else fn(value)


class Verdict(enum.StrEnum):
    """How a reading compares with its expected range."""

    IN_RANGE = "in range"
    LOW = "low"
    HIGH = "high"
    WRONG_UNIT = "wrong unit"


@dataclass(frozen=True)
class ReadingVerdict:
    """The result of checking one reading against an :class:`ExpectedReading`."""

    verdict: Verdict
    value: float  # the reading as given
    unit: str  # the unit as given (canonical spelling when recognised)
    converted: float | None  # the reading in the expected unit; None for WRONG_UNIT
    expected: ExpectedReading

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.IN_RANGE

    def describe(self) -> str:
        """One spoken sentence: what was read and how it compares."""
        e = self.expected
        name = e.spoken_name
        given = f"{_fmt(self.value)} {self.unit}"
        if self.verdict is Verdict.WRONG_UNIT:
            return f"{name.capitalize()} is expected in {e.unit}; {self.unit} cannot be compared."
        shown = given
        if self.unit != e.unit:
            shown = f"{given} ({_fmt(self.converted or 0.0)} {e.unit})"
        if self.verdict is Verdict.IN_RANGE:
            return f"{name.capitalize()} {shown} is within {e.range_text}."
        side = "below" if self.verdict is Verdict.LOW else "above"
        return f"Warning: {name} {shown} is {side} the expected range of {e.range_text}."


@dataclass(frozen=True)
class ExpectedReading:
    """``- expect: NAME LOW..HIGH UNIT`` on a step."""

    name: str
    low: float
    high: float
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {', '.join(UNITS)}")
        if self.low > self.high:
            raise ValueError(f"range {_fmt(self.low)}..{_fmt(self.high)} has LOW above HIGH")

    @property
    def spoken_name(self) -> str:
        return self.name.replace("_", " ")

    @property
    def range_text(self) -> str:
        return f"{_fmt(self.low)} to {_fmt(self.high)} {self.unit}"

    def check(self, value: float, unit: str | None = None) -> ReadingVerdict:
        """Judge ``value`` given in ``unit`` (None means the expected unit).

        A value that is not a finite number raises ValueError.
        """
        if not math.isfinite(value):
            raise ValueError(f"a reading must be a finite number, got {value!r}")
        given = self.unit if unit is None else (normalize_unit(unit) or unit.strip())
        converted = convert(value, given, self.unit) if given in UNITS else None
        if converted is None:
            return ReadingVerdict(Verdict.WRONG_UNIT, float(value), given, None, self)
        slack = _EPSILON * max(abs(self.low), abs(self.high), 1.0)
        if converted < self.low - slack:
            verdict = Verdict.LOW
        elif converted > self.high + slack:
            verdict = Verdict.HIGH
        else:
            verdict = Verdict.IN_RANGE
        return ReadingVerdict(verdict, float(value), given, converted, self)


def _fmt(value: float) -> str:
    """A number as people say it: ``250`` not ``250.0``, at most 2 decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
