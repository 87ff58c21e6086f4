"""The template grammar: commands and their slots, as Whisper transcribes them."""

from __future__ import annotations

import pytest

from glasses.intent import DegreesDefault, Intent, IntentConfig, IntentRecognizer, Source
from glasses.intent.grammar import match
from glasses.intent.procedures import ProcedureTuple
from glasses.intent.slots import GrammarContext


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Next step.", Intent.NEXT_STEP),
        ("Hey Jarvis, next.", Intent.NEXT_STEP),
        ("Okay, next step, please.", Intent.NEXT_STEP),
        ("Go back.", Intent.PREVIOUS_STEP),
        ("Previous step", Intent.PREVIOUS_STEP),
        ("Repeat that.", Intent.REPEAT_STEP),
        ("Say that again?", Intent.REPEAT_STEP),
        ("Confirm.", Intent.CONFIRM),
        ("Confirmed", Intent.CONFIRM),
        ("Read the warnings.", Intent.READ_WARNINGS),
        ("What procedures do we have?", Intent.LIST_PROCEDURES),
        ("What is this unit?", Intent.IDENTIFY_EQUIPMENT),
        ("Stop.", Intent.STOP),
        ("Pause.", Intent.PAUSE),
        ("Resume.", Intent.RESUME),
        ("End procedure.", Intent.END_PROCEDURE),
        ("I'm done here.", Intent.END_PROCEDURE),
        ("Are we online?", Intent.CONNECTION_STATUS),
        ("Help.", Intent.HELP),
        ("Acknowledge the alert.", Intent.ACKNOWLEDGE),
    ],
)
def test_fixed_commands(text: str, intent: Intent) -> None:
    result = match(text)
    assert result is not None
    assert (result.intent, result.confidence, result.source) == (intent, 1.0, Source.GRAMMAR)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("go to step four", 4),
        ("Go to step 4.", 4),
        ("step 4", 4),
        ("Jump to step twelve.", 12),
        ("skip to step number seven", 7),
        ("go to the third step", 3),
        ("Go to the 3rd step.", 3),
        ("step twenty one", 21),
        ("Go to step for.", 4),
        ("step too", 2),
    ],
)
def test_go_to_step(text: str, number: int) -> None:
    result = match(text)
    assert result is not None and result.intent is Intent.GO_TO_STEP
    assert result.slots == {"number": number}


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("record reading three hundred eighty psig", 380.0, "psig"),
        ("Record reading 380 PSIG.", 380.0, "psig"),
        ("380 psi", 380.0, "psig"),
        ("reading 72.5 degrees", 72.5, "°F"),
        ("Reading 72.5°F.", 72.5, "°F"),
        ("record 22 degrees celsius", 22.0, "°C"),
        ("It reads 18.5 °C.", 18.5, "°C"),
        ("275 kPa", 275.0, "kPa"),
        ("record reading two point five bar", 2.5, "bar"),
        ("45%", 45.0, "%"),
        ("humidity reading 45 percent RH", 45.0, "%RH"),
        ("log 480 volts", 480.0, "V"),
        ("record twelve point four amps", 12.4, "A"),
        ("reading 7.5 kilowatts", 7.5, "kW"),
        ("60 Hz", 60.0, "Hz"),
        ("1,450 RPM", 1450.0, "rpm"),
    ],
)
def test_readings_with_units(text: str, value: float, unit: str) -> None:
    result = match(text)
    assert result is not None and result.intent is Intent.RECORD_READING
    assert result.slots["value"] == pytest.approx(value)
    assert result.slots["unit"] == unit


def test_reading_without_unit_and_named_reading() -> None:
    plain = match("record reading three eighty")
    assert plain is not None and dict(plain.slots) == {"value": 380.0}
    named = match("Record discharge pressure 410 psig.")
    assert named is not None
    assert dict(named.slots) == {"value": 410.0, "unit": "psig", "name": "discharge pressure"}


def test_bare_degrees_follow_the_configured_default() -> None:
    ctx = GrammarContext("reading 21 degrees", degrees=DegreesDefault.CELSIUS)
    result = match("reading 21 degrees", ctx)
    assert result is not None and result.slots["unit"] == "°C"


def test_degrees_config_spellings() -> None:
    assert DegreesDefault("C") is DegreesDefault("celsius") is DegreesDefault.CELSIUS
    assert DegreesDefault("°F") is DegreesDefault("F") is DegreesDefault.FAHRENHEIT
    with pytest.raises(ValueError):
        DegreesDefault("kelvin")


def test_recognizer_config_sets_degrees(recognizer: IntentRecognizer) -> None:
    celsius = IntentRecognizer(recognizer.classifier, IntentConfig(degrees=DegreesDefault.CELSIUS))
    assert celsius.recognize("reading 21 degrees").slots["unit"] == "°C"
    assert recognizer.recognize("reading 21 degrees").slots["unit"] == "°F"


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("take a note replaced the filter", "replaced the filter"),
        ("Take a note: replaced the filter.", "replaced the filter"),
        ("Hey Jarvis, make a note that Belt B-68 is worn.", "Belt B-68 is worn"),
        ("Note, drain pan was full.", "drain pan was full"),
    ],
)
def test_notes_keep_the_spoken_text(text: str, note: str) -> None:
    result = match(text)
    assert result is not None and result.intent is Intent.TAKE_NOTE
    assert result.slots == {"text": note}


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("Start the compressor restart procedure.", "crac-hp-trip-recovery"),
        ("Hey Jarvis, begin the filter replacement.", "crac-filter-replacement"),
        ("start the generator test", "generator-ats-monthly-test"),
        ("Run the UPS bypass procedure.", "ups-maintenance-bypass-transfer"),
        ("start the refrigerant leak procedure", "refrigerant-leak-response"),
        ("chiller startup procedure", "chiller-startup"),
        ("start the compresser restart", "crac-hp-trip-recovery"),
    ],
)
def test_procedure_names_match_fuzzily(
    text: str, procedure: str, procedures: list[ProcedureTuple]
) -> None:
    result = match(text, GrammarContext(text, procedures))
    assert result is not None and result.intent is Intent.START_PROCEDURE
    assert result.slots["procedure"] == procedure
    assert result.confidence == 1.0


def test_brief_example_title_and_keywords() -> None:
    procs = [
        ("crac-hp", "CRAC compressor high-pressure trip recovery", ("compressor restart",)),
        ("crac-filter", "CRAC air filter replacement", ("filter change",)),
    ]
    text = "start the compressor restart procedure"
    result = match(text, GrammarContext(text, procs))
    assert result is not None and result.slots["procedure"] == "crac-hp"


def test_unknown_or_ambiguous_procedure_keeps_the_name(procedures: list[ProcedureTuple]) -> None:
    for text, name in [("start the coffee machine procedure", "coffee machine procedure"),
                       ("start the chiller", "chiller")]:  # fmt: skip
        result = match(text, GrammarContext(text, procedures))
        assert result is not None and result.intent is Intent.START_PROCEDURE
        assert "procedure" not in result.slots
        assert result.slots["name"] == name
        assert result.confidence < 1.0
