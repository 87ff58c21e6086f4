"""Expected readings: range checks, unit spellings and conversions."""

from __future__ import annotations

import pytest

from protocol.procedure import (
    UNITS,
    ExpectedReading,
    ReadingVerdict,
    Verdict,
    convert,
    normalize_unit,
)

PRESSURE = ExpectedReading("discharge_pressure", 250, 450, "psig")
SUPPLY = ExpectedReading("supply_air", 18, 27, "°C")


@pytest.mark.parametrize(
    ("value", "unit", "verdict"),
    [
        (320, "psig", Verdict.IN_RANGE),
        (250, None, Verdict.IN_RANGE),
        (450, "psi", Verdict.IN_RANGE),
        (249.9, "psig", Verdict.LOW),
        (480, "PSIG", Verdict.HIGH),
        (2500, "kPa", Verdict.IN_RANGE),
        (20, "bar", Verdict.IN_RANGE),
        (35, "bar", Verdict.HIGH),
        (12, "V", Verdict.WRONG_UNIT),
        (12, "furlongs", Verdict.WRONG_UNIT),
    ],
)
def test_pressure_verdicts(value: float, unit: str | None, verdict: Verdict) -> None:
    result = PRESSURE.check(value, unit)
    assert result.verdict is verdict
    assert result.ok is (verdict is Verdict.IN_RANGE)


def test_limits_survive_conversion() -> None:
    # 450 psig expressed in kPa and back must still be in range.
    kpa = convert(450, "psig", "kPa")
    assert kpa is not None
    assert PRESSURE.check(kpa, "kPa").verdict is Verdict.IN_RANGE
    assert SUPPLY.check(80.6, "°F").verdict is Verdict.IN_RANGE  # 27 °C exactly
    assert SUPPLY.check(64.4, "F").verdict is Verdict.IN_RANGE
    assert SUPPLY.check(60, "fahrenheit").verdict is Verdict.LOW


def test_temperature_conversions() -> None:
    assert convert(100, "°C", "°F") == pytest.approx(212)
    assert convert(32, "°F", "°C") == pytest.approx(0)
    assert convert(1, "bar", "psig") == pytest.approx(14.5038, rel=1e-5)
    assert convert(5, "%", "%") == 5.0
    assert convert(5, "%", "%RH") is None


def test_verdict_sentences() -> None:
    assert PRESSURE.check(320).describe() == (
        "Discharge pressure 320 psig is within 250 to 450 psig."
    )
    assert PRESSURE.check(2500, "kPa").describe() == (
        "Discharge pressure 2500 kPa (362.59 psig) is within 250 to 450 psig."
    )
    assert PRESSURE.check(480.5, "psig").describe() == (
        "Warning: discharge pressure 480.5 psig is above the expected range of 250 to 450 psig."
    )
    assert SUPPLY.check(-0.001, "°C").describe() == (
        "Warning: supply air 0 °C is below the expected range of 18 to 27 °C."
    )
    assert PRESSURE.check(12, "volts").describe() == (
        "Discharge pressure is expected in psig; V cannot be compared."
    )


def test_verdict_keeps_what_was_said() -> None:
    result = PRESSURE.check(2500, "kpa")
    assert result == ReadingVerdict(Verdict.IN_RANGE, 2500.0, "kPa", result.converted, PRESSURE)
    assert result.converted == pytest.approx(362.594, rel=1e-5)
    assert PRESSURE.check(3, " Furlongs ").unit == "Furlongs"


@pytest.mark.parametrize(
    ("spoken", "unit"),
    [
        ("psi", "psig"),
        ("kpa", "kPa"),
        ("degrees celsius", "°C"),
        ("ºC", "°C"),
        ("°c", "°C"),
        ("deg f", "°F"),
        ("percent", "%"),
        ("rh", "%RH"),
        ("%rh", "%RH"),
        ("Amps", "A"),
        ("kw", "kW"),
        ("hertz", "Hz"),
        ("RPM", "rpm"),
        ("parts  per million", "ppm"),
        ("parsecs", None),
    ],
)
def test_unit_spellings(spoken: str, unit: str | None) -> None:
    assert normalize_unit(spoken) == unit


def test_every_unit_is_its_own_spelling() -> None:
    assert all(normalize_unit(u) == u for u in UNITS)


def test_invalid_expectations() -> None:
    with pytest.raises(ValueError, match="unit 'psi' is not one of"):
        ExpectedReading("p", 1, 2, "psi")
    with pytest.raises(ValueError, match=r"range 2\.\.1 has LOW above HIGH"):
        ExpectedReading("p", 2, 1, "psig")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_readings_are_rejected(value: float) -> None:
    with pytest.raises(ValueError, match="a reading must be a finite number"):
        PRESSURE.check(value)
