"""A misheard short command is rescued from Whisper's close beam-search readings."""

from __future__ import annotations

import numpy as np
import pytest

from glasses.audio.alternatives import Hypothesis, pick_command
from glasses.audio.asr import WhisperAsr
from glasses.audio.config import AsrConfig
from glasses.audio.fixtures import Fixture
from glasses.audio.wav import RATE
from glasses.config import sample_site
from glasses.intent.recognizer import IntentRecognizer
from glasses.procedures.library import Library

COMMANDS = {"Stop.", "Help.", "Next step."}


def is_command(text: str) -> bool:
    return text in COMMANDS


def test_the_best_close_command_reading_is_picked() -> None:
    found = [Hypothesis("It's time.", -0.52), Hypothesis("Let's talk.", -0.63),
             Hypothesis("Stop.", -0.88), Hypothesis("Help.", -0.9)]  # fmt: skip
    assert pick_command(found, is_command, margin=0.6) == "Stop."


def test_a_command_reading_far_behind_is_not_taken() -> None:
    found = [Hypothesis("It's time.", -0.5), Hypothesis("Stop.", -1.2)]
    assert pick_command(found, is_command, margin=0.6) is None
    assert pick_command([], is_command, margin=0.6) is None
    assert pick_command([Hypothesis("Lunch?", -0.2)], is_command, margin=0.6) is None


@pytest.fixture(scope="module")
def asr() -> WhisperAsr:
    """The real Whisper as the glasses load it for the sample site, told what a command is."""
    library = Library.load(sample_site())
    recognizer = IntentRecognizer.load(procedures=[(d.id, d.title, d.keywords)
                                                   for d in library.procedures])  # fmt: skip
    asr = WhisperAsr.load(AsrConfig(), [d.title for d in library.procedures])
    asr.set_command_test(recognizer.is_command)
    return asr


def speech(fx: Fixture, snr: float | None) -> np.ndarray:
    pcm = fx.pcm(snr)
    return pcm[max(0, int((fx.speech_start_s - 0.3) * RATE)) : int((fx.speech_end_s + 0.12) * RATE)]


def fixture(fixtures: list[Fixture], name: str) -> Fixture:
    return next(f for f in fixtures if f.file == name)


@pytest.mark.models
def test_stop_misheard_in_fan_noise_is_rescued(asr: WhisperAsr, fixtures: list[Fixture]) -> None:
    fx = fixture(fixtures, "en_us_090_stop.wav")
    result = asr.transcribe(speech(fx, 10.0))
    assert result.text == "Stop."
    assert result.heard_as and result.heard_as != "Stop."


@pytest.mark.models
def test_questions_and_clean_commands_are_left_alone(
    asr: WhisperAsr, fixtures: list[Fixture]
) -> None:
    question = fixture(
        fixtures, "en_us_joe_medium_100_what_is_the_normal_suction_pressure_for_r_410a.wav"
    )
    assert asr.transcribe(speech(question, None)).heard_as == ""
    clean = asr.transcribe(speech(fixture(fixtures, "en_us_090_stop.wav"), None))
    assert (clean.text, clean.heard_as) == ("Stop.", "")


@pytest.mark.models
def test_a_failing_second_decoding_keeps_the_transcript(
    asr: WhisperAsr, fixtures: list[Fixture], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> str | None:
        raise RuntimeError("beam search failed")

    monkeypatch.setattr(asr, "_alternatives", None)
    monkeypatch.setattr("glasses.audio.alternatives.Alternatives.best_command", broken)
    result = asr.transcribe(speech(fixture(fixtures, "en_us_090_stop.wav"), 10.0))
    assert result.text and result.heard_as == ""
