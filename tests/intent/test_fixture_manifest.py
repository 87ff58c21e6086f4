"""The command utterances of audio_fixtures/manifest.json, as text: intent and slots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from glasses.intent import Intent, IntentRecognizer, is_confident_command
from glasses.intent.procedures import ProcedureTuple, best_match
from glasses.intent.types import NAVIGATION_COMMANDS

MANIFEST = Path(__file__).resolve().parents[2] / "audio_fixtures" / "manifest.json"


def fixtures() -> list[dict[str, Any]]:
    if not MANIFEST.is_file():
        return []
    entries = json.loads(MANIFEST.read_text(encoding="utf-8"))["fixtures"]
    unique = {(e["text"], e["intent"]): e for e in entries if e.get("intent")}
    return list(unique.values())


pytestmark = pytest.mark.skipif(
    not MANIFEST.is_file(), reason="audio_fixtures/manifest.json not present"
)


def _check_slots(
    expected: dict[str, Any], got: dict[str, Any], intent: Intent, procs: list[ProcedureTuple]
) -> None:
    if intent is Intent.START_PROCEDURE:
        match = best_match(expected["procedure"], procs)
        assert match is not None and got.get("procedure") == match.id
        return
    for key, value in expected.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert got[key] == pytest.approx(value), key
        else:
            assert got[key] == value, key


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda f: f["file"][:60])
def test_manifest_utterance(
    fixture: dict[str, Any], recognizer: IntentRecognizer, procedures: list[ProcedureTuple]
) -> None:
    intent = Intent(fixture["intent"])
    result = recognizer.recognize(fixture["text"])
    assert result.intent is intent
    _check_slots(fixture["slots"], dict(result.slots), intent, procedures)
    if not fixture["wake"] and intent in NAVIGATION_COMMANDS:
        assert is_confident_command(recognizer.recognize(fixture["text"], strict=True))


def test_manifest_has_commands() -> None:
    assert len({f["intent"] for f in fixtures()}) >= 10
