"""``gateway ingest`` and ``gateway ask`` through the real command line (real models)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protocol.cli import ExitCode, build_parser, run

from .conftest import DATA

pytestmark = pytest.mark.models


def _gateway(*argv: str) -> int:
    parser = build_parser("gateway", "test", "gateway", ("ingest", "ask"))
    return run(parser, list(argv))


def test_ingest_then_ask_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "kb")
    assert _gateway("ingest", str(DATA), "--data-dir", data) == ExitCode.OK
    out = capsys.readouterr().out
    assert "4 documents (4 added" in out and "knowledge base version" in out

    assert _gateway("ingest", str(DATA), "--data-dir", data, "--json") == ExitCode.OK
    report = json.loads(capsys.readouterr().out)
    assert report["chunks_embedded"] == 0 and len(report["unchanged"]) == 4

    code = _gateway("ask", "what does alarm U-311 mean?", "--json", "--tag", "UPS-A",
                    "--data-dir", data)
    assert code == ExitCode.OK
    answer = json.loads(capsys.readouterr().out)
    assert answer["answer"] and answer["source"] in ("llm", "extract")
    assert answer["citations"][0] == {
        "doc_id": "ups-alarm-table", "title": "UPS alarm code table", "section": "Alarm codes"}
    assert set(answer["timings"]) >= {"retrieval_ms", "first_token_ms", "total_ms"}


def test_ask_before_ingest_and_ingest_of_a_missing_dir_fail_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(tmp_path / "kb")
    assert _gateway("ask", "anything", "--data-dir", data) == ExitCode.FAILED
    assert "gateway ingest" in capsys.readouterr().err
    assert _gateway("ingest", str(tmp_path / "nope"), "--data-dir", data) == ExitCode.FAILED
    assert "not a directory" in capsys.readouterr().err
    assert _gateway("ask", "  ", "--data-dir", data) == ExitCode.USAGE
