"""The demo story in fast mode: every beat produces its events and every output file exists."""

from __future__ import annotations

import pytest

from glasses.demo.runner import run_demo

pytestmark = [pytest.mark.models, pytest.mark.slow]


async def test_demo_story_runs_end_to_end(tmp_path):
    out = tmp_path / "demo"
    result = await run_demo(out, fast=True, say=lambda _s: None)
    assert result.missing == []
    assert result.records_at_gateway >= 5  # start, steps, reading, confirmation: delivered once
    for name in ("overlay.mp4", "replies.wav", "events.jsonl", "worklog.md", "summary.json"):
        assert (out / name).stat().st_size > 0, name
    assert len(list((out / "keyframes").glob("*.png"))) >= 6
    names = [e["event"] for e in result.events]
    assert names.count("answer") == 2  # one from the gateway, one from the pack; none twice
