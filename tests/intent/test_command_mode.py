"""Command mode: without the wake word only exact grammar navigation commands count."""

from __future__ import annotations

import pytest

from glasses.intent import Intent, IntentRecognizer, Source, is_confident_command

CHATTER = [
    "I think the next step is lunch",
    "can you repeat that to Bob",
    "Bob, can you repeat that to the vendor?",
    "we should stop by the break room later",
    "go back to the truck and get the ladder",
    "yes I told him the previous one was broken",
    "next week we replace the filters",
    "stop me if you've heard this one",
    "that's done, I think, let's get coffee",
]
COMMANDS = [
    ("Next step.", Intent.NEXT_STEP),
    ("next", Intent.NEXT_STEP),
    ("Go back.", Intent.PREVIOUS_STEP),
    ("Previous step, please.", Intent.PREVIOUS_STEP),
    ("Repeat.", Intent.REPEAT_STEP),
    ("Say that again.", Intent.REPEAT_STEP),
    ("Confirm.", Intent.CONFIRM),
    ("Confirmed.", Intent.CONFIRM),
    ("Stop.", Intent.STOP),
    ("Stop talking.", Intent.STOP),
]


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_is_not_a_command(recognizer: IntentRecognizer, text: str) -> None:
    strict = recognizer.recognize(text, strict=True)
    assert strict.intent is Intent.ASK
    assert not is_confident_command(strict)
    assert not is_confident_command(recognizer.recognize(text))


@pytest.mark.parametrize(("text", "intent"), COMMANDS)
def test_navigation_commands_pass_without_wake_word(
    recognizer: IntentRecognizer, text: str, intent: Intent
) -> None:
    result = recognizer.recognize(text, strict=True)
    assert result.intent is intent
    assert is_confident_command(result)


@pytest.mark.parametrize("text", ["Start the compressor restart procedure.", "go to step four",
                                  "read the warnings", "take a note the belt is worn"])  # fmt: skip
def test_other_commands_need_the_wake_word(recognizer: IntentRecognizer, text: str) -> None:
    assert recognizer.recognize(text).source is Source.GRAMMAR
    assert recognizer.recognize(text, strict=True).intent is Intent.ASK


@pytest.mark.parametrize(
    ("text", "intent"),
    [("Yes.", Intent.CONFIRM), ("Done.", Intent.CONFIRM), ("Back.", Intent.PREVIOUS_STEP),
     ("Enough.", Intent.STOP), ("Again?", Intent.REPEAT_STEP), ("Move on.", Intent.NEXT_STEP)],
)  # fmt: skip
def test_everyday_words_need_the_wake_word(
    recognizer: IntentRecognizer, text: str, intent: Intent
) -> None:
    woken = recognizer.recognize(text)
    assert (woken.intent, woken.source) == (intent, Source.GRAMMAR)
    assert not is_confident_command(woken)
    assert recognizer.recognize(text, strict=True).intent is Intent.ASK


def test_a_model_hit_is_never_a_command_mode_command(recognizer: IntentRecognizer) -> None:
    result = recognizer.recognize("what's next")
    assert (result.intent, result.source) == (Intent.NEXT_STEP, Source.MODEL)
    assert not is_confident_command(result)
    assert recognizer.recognize("what's next", strict=True).intent is Intent.ASK
