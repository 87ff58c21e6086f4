"""`gateway devices list|revoke` and `gateway audit verify` as an operator uses them."""

from __future__ import annotations

import json
from pathlib import Path

from gateway.security.devices import open_registry
from gateway.service.audit import AuditLog
from protocol.cli import ExitCode, build_parser


def _gateway(argv: list[str]) -> int:
    parser = build_parser("gateway", "gateway", "gateway", ["devices", "audit"])
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_devices_list_and_revoke(tmp_path: Path, capsys) -> None:
    base = ["--set", f"data_dir={tmp_path}"]
    assert _gateway([*base, "devices", "list"]) == ExitCode.OK
    assert "no paired devices" in capsys.readouterr().out
    registry = open_registry(tmp_path)
    token = registry.redeem(registry.create_code(), "glasses-07", "Ana's glasses")
    assert _gateway([*base, "devices", "list"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "glasses-07" in out and "Ana's glasses" in out and "active" in out
    assert _gateway([*base, "devices", "revoke", "glasses-07"]) == ExitCode.OK
    assert registry.check("glasses-07", token).startswith("revoked")
    assert _gateway([*base, "devices", "revoke", "glasses-07"]) == ExitCode.FAILED
    assert "no paired, unrevoked device" in capsys.readouterr().err
    assert _gateway([*base, "devices", "list", "--json"]) == ExitCode.OK
    [device] = json.loads(capsys.readouterr().out)
    assert device["id"] == "glasses-07" and device["revoked"] is True
    registry.close()


def test_audit_verify_finds_the_first_edited_record(tmp_path: Path, capsys) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for n in range(5):
        log.append("ask", device="glasses-07", question=f"question {n}")
    assert _gateway(["--set", f"data_dir={tmp_path}", "audit", "verify"]) == ExitCode.OK
    assert "intact, 5 records" in capsys.readouterr().out
    lines = log.path.read_text().splitlines()
    lines[2] = lines[2].replace("question 2", "question two")
    log.path.write_text("\n".join(lines) + "\n")
    assert _gateway(["audit", "verify", str(log.path)]) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "BROKEN at line 3" in out and "hash mismatch" in out and "question two" in out
    assert _gateway(["audit", "verify", str(tmp_path / "nope.jsonl")]) == ExitCode.USAGE
