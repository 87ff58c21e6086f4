"""Readings with units: "three hundred eighty psig", "72.5 degrees", "45 percent rh".

Units are returned in the canonical spelling of the procedure format's ``expect:``
bullets (psig, kPa, bar, °C, °F, %, %RH, V, A, kW, Hz, rpm, ppm). A bare "degrees"
becomes the configured default (°F unless set otherwise).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from glasses.intent.numbers import Parsed, find_number


class DegreesDefault(enum.StrEnum):
    """What a bare "degrees" means."""

    FAHRENHEIT = "°F"
    CELSIUS = "°C"

    @classmethod
    def _missing_(cls, value: object) -> DegreesDefault | None:
        """Also accept "F", "C", "fahrenheit", "celsius" (config files)."""
        spelled = str(value).strip().lower().lstrip("°")
        if spelled in ("f", "fahrenheit"):
            return cls.FAHRENHEIT
        if spelled in ("c", "celsius"):
            return cls.CELSIUS
        return None


_DEGREES = "degrees"
UNIT_PHRASES: dict[tuple[str, ...], str] = {
    ("psig",): "psig", ("psi",): "psig", ("psi", "g"): "psig", ("p", "s", "i"): "psig",
    ("p", "s", "i", "g"): "psig", ("pounds",): "psig", ("pound",): "psig",
    ("pounds", "per", "square", "inch"): "psig",
    ("pounds", "per", "square", "inch", "gauge"): "psig",
    ("kpa",): "kPa", ("k", "p", "a"): "kPa", ("kilopascal",): "kPa", ("kilopascals",): "kPa",
    ("bar",): "bar", ("bars",): "bar",
    ("degc",): "°C", ("degrees", "c"): "°C", ("degrees", "celsius"): "°C", ("celsius",): "°C",
    ("degrees", "centigrade"): "°C", ("centigrade",): "°C", ("deg", "c"): "°C", ("c",): "°C",
    ("degf",): "°F", ("degrees", "f"): "°F", ("degrees", "fahrenheit"): "°F",
    ("fahrenheit",): "°F", ("deg", "f"): "°F", ("f",): "°F",
    ("degrees",): _DEGREES, ("degree",): _DEGREES, ("deg",): _DEGREES,
    ("percent",): "%", ("per", "cent"): "%",
    ("percent", "rh"): "%RH", ("percent", "r", "h"): "%RH", ("rh",): "%RH",
    ("percent", "relative", "humidity"): "%RH", ("relative", "humidity"): "%RH",
    ("percent", "humidity"): "%RH",
    ("volts",): "V", ("volt",): "V", ("v",): "V", ("vac",): "V", ("vdc",): "V",
    ("amps",): "A", ("amp",): "A", ("amperes",): "A", ("ampere",): "A",
    ("kw",): "kW", ("k", "w"): "kW", ("kilowatts",): "kW", ("kilowatt",): "kW",
    ("hz",): "Hz", ("hertz",): "Hz",
    ("rpm",): "rpm", ("r", "p", "m"): "rpm", ("revolutions", "per", "minute"): "rpm",
    ("ppm",): "ppm", ("parts", "per", "million"): "ppm", ("p", "p", "m"): "ppm",
}  # fmt: skip
_LONGEST = max(len(k) for k in UNIT_PHRASES)


@dataclass(frozen=True)
class Reading:
    """A spoken measurement: its value, canonical unit (None if none was said), tokens."""

    value: float
    unit: str | None
    start: int
    end: int


def unit_at(
    words: list[str], i: int, degrees: DegreesDefault = DegreesDefault.FAHRENHEIT
) -> tuple[str, int] | None:
    """The longest unit phrase starting at token ``i`` and the index just after it."""
    for size in range(min(_LONGEST, len(words) - i), 0, -1):
        unit = UNIT_PHRASES.get(tuple(words[i : i + size]))
        if unit is not None:
            return (degrees.value if unit == _DEGREES else unit), i + size
    return None


def find_reading(
    words: list[str], start: int = 0, degrees: DegreesDefault = DegreesDefault.FAHRENHEIT
) -> Reading | None:
    """The first number at or after ``start`` with the unit that follows it, if any."""
    number: Parsed | None = find_number(words, start)
    if number is None:
        return None
    unit = unit_at(words, number.end, degrees)
    if unit is None:
        return Reading(float(number.value), None, number.start, number.end)
    return Reading(float(number.value), unit[0], number.start, unit[1])
