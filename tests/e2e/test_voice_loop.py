"""End to end on replayed fixtures with the real models: wake, ASR, intent, state machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from glasses.config import GlassesConfig
from glasses.runtime.app import RunOptions, run

FIXTURES = Path(__file__).resolve().parents[2] / "audio_fixtures"
pytestmark = pytest.mark.models


def fixture(name: str) -> Path:
    path = FIXTURES / f"en_us_joe_medium_100_{name}.wav"
    if not path.exists():
        pytest.skip(f"fixture {path.name} missing")
    return path


async def test_start_next_goto_repeat_stop(tmp_path):
    files = (
        fixture("hey_jarvis_start_the_compressor_restart_procedur"),
        fixture("next_step"),
        fixture("hey_jarvis_go_to_step_four"),
        fixture("repeat_that"),
        fixture("stop"),
    )
    config = GlassesConfig(data_dir=tmp_path)
    events = await run(config, RunOptions(files, speak="off", gateway="off"))
    intents = [e["name"] for e in events.events if e["event"] == "intent"]
    assert intents == ["start_procedure", "next_step", "go_to_step", "repeat_step", "stop"]
    steps = [(e["index"], e["status"]) for e in events.events if e["event"] == "step"]
    # step 3 is a hold point: "go to step four" is refused until it is confirmed
    assert steps == [(1, "ok"), (2, "ok"), (2, "needs_confirmation"), (2, "ok")]
    names = events.names()
    assert names.index("wake") < names.index("transcript") < names.index("intent")
    assert "speech_cut" in names
