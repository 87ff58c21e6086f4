"""Smoke test of scripts/bench_handoff.py: two real cycles on loopback, no timing asserts."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_handoff.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_handoff", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # ~40 s while a frozen gateway takes 12 s to detect (see the bench report)
async def test_two_cycles_measure_every_metric_and_answer_every_question_once(
    tmp_path: Path,
) -> None:
    bench = load_bench()
    out = await bench.run_bench(2, delay=0.5, root=tmp_path)
    assert out.cycles == 2 and out.questions == 4
    assert len(out.silent) == 2 and len(out.going_away) == 2
    assert len(out.going_away_sent) == 2
    assert len(out.inflight) == 4 and out.by_gateway == 0  # every question was in flight
    assert len(out.announce) == 2 and len(out.announce_stale) == 2 and len(out.after_start) == 4
    assert all(math.isfinite(v) and v >= 0 for v in out.silent + out.going_away + out.inflight)
    assert out.lost == 0 and out.duplicated == 0
    lines = bench.report(out)
    assert lines[0].startswith("cycles: 2")
    assert sum("goal" in line for line in lines) == len(lines) - 1
