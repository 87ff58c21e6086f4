"""Alert messages a technician understands when they are spoken.

"CRAC-01 discharge pressure is 512 psig, usually about 390 at this hour,
rising for 14 minutes." Numbers are rounded to what matters, units are spoken
as words where a text-to-speech voice would stumble over the symbol.
"""

from __future__ import annotations

from gateway.telemetry.findings import Finding
from gateway.telemetry.model import AlertKind
from gateway.telemetry.points import Point

_UNIT_WORDS = {
    "°C": "degrees",
    "°F": "degrees Fahrenheit",
    "%": "percent",
    "%RH": "percent humidity",
    "A": "amps",
    "V": "volts",
    "kW": "kilowatts",
    "Hz": "hertz",
    "kPa": "kilopascals",
    "ppm": "parts per million",
}


def spoken_unit(unit: str) -> str:
    return _UNIT_WORDS.get(unit, unit)


def number(value: float) -> str:
    """3 significant figures at most, no trailing zeros: 512, 22.5, 0.87."""
    magnitude = abs(value)
    digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def duration(seconds: float) -> str:
    """12 seconds, 14 minutes, 1 hour 5 minutes, 3 days."""
    s = max(1, round(seconds))
    if s < 90:
        return _plural(s, "second")
    minutes = round(s / 60)
    if minutes < 90:
        return _plural(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    if hours < 36:
        return _plural(hours, "hour") + (f" {_plural(rest, 'minute')}" if rest else "")
    return _plural(round(hours / 24), "day")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(
    point: Point, finding: Finding, observed: float | None, expected: float | None, now: float
) -> str:
    """One or two sentences for a point's finding."""
    who = f"{point.tag} {point.spoken_name}"
    unit = spoken_unit(point.unit)
    lasting = duration(now - finding.since)
    value = f"{number(observed)} {unit}" if observed is not None else "unknown"
    usual = f", usually about {number(expected)} at this hour" if expected is not None else ""
    kind = finding.kind
    if kind is AlertKind.DROPOUT:
        return f"{who} has not reported for {lasting}."
    if kind is AlertKind.STUCK:
        return f"{who} has read exactly {value} for {lasting}; the sensor may be stuck."
    side = "above" if finding.direction > 0 else "below"
    if kind is AlertKind.HARD_LIMIT and finding.limit is not None:
        limit = f"{number(finding.limit)} {unit}"
        return f"{who} is {value}, {side} its {limit} limit, for {lasting}."
    if kind is AlertKind.RANGE:
        normal = f"{number(point.low)} to {number(point.high)} {unit}"
        return f"{who} is {value}, {side} its normal {normal}{usual}, for {lasting}."
    if kind is AlertKind.STEP:
        verb = "jumped" if finding.direction > 0 else "dropped"
        return f"{who} {verb} to {value} {lasting} ago{usual}."
    trend = "rising" if finding.direction > 0 else "falling"
    return f"{who} is {value}{usual}, {trend} for {lasting}."


def comm_lost(label: str, seconds: float) -> str:
    return f"Communication lost with {label} for {duration(seconds)}."
