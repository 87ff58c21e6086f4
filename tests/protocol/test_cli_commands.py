"""The shared ``config show`` and ``models`` commands behind both CLIs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from protocol.cli import ExitCode, list_models, show_config
from protocol.configtree import ConfigError
from protocol.models import MissingModelError, ModelSpec


@dataclass(frozen=True)
class Models:
    good: str = ""
    gone: str = ""


@dataclass(frozen=True)
class Config:
    models: Models = field(default_factory=Models)


SPEC_GOOD = ModelSpec("good", "Good model", "good-pkg", "good_mod", "x", "GOOD_ENV")
SPEC_GONE = ModelSpec("gone", "Gone model", "gone-pkg", "gone_mod", "x", "GONE_ENV")


def refuse() -> tuple[Config, dict[str, str]]:
    raise ConfigError("unknown config key 'x'")


def test_show_config_prints_sources_and_reports_errors(capsys):
    assert show_config("glasses", lambda: (Config(), {})) == ExitCode.OK
    assert "models.good = ''  # default" in capsys.readouterr().out
    assert show_config("glasses", refuse) == ExitCode.USAGE
    assert "glasses: config error: unknown config key" in capsys.readouterr().err


def test_list_models_loads_and_reports(tmp_path: Path, capsys):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"1234")

    def found(_override: str | None) -> Path:
        return weights

    def missing(_override: str | None) -> Path:
        raise MissingModelError("Gone model is missing: install gone-pkg")

    def broken(_path: Path) -> object:
        raise RuntimeError("corrupt")

    good = {"good": (found, lambda p: p)}
    assert list_models("gw", [SPEC_GOOD], good, lambda: (Config(), {})) == ExitCode.OK
    assert "ok: Good model" in capsys.readouterr().out
    assert list_models("gw", [SPEC_GOOD], good, lambda: (Config(), {}), load=False,
                       as_json=True) == ExitCode.OK  # fmt: skip
    assert json.loads(capsys.readouterr().out)[0]["name"] == "good"
    bad = {"good": (found, broken)}
    assert list_models("gw", [SPEC_GOOD], bad, lambda: (Config(), {})) == ExitCode.FAILED
    capsys.readouterr()
    gone = {"gone": (missing, lambda p: p)}
    assert list_models("gw", [SPEC_GONE], gone, lambda: (Config(), {})) == ExitCode.MISSING_MODEL
    assert "gw: Gone model is missing: install gone-pkg" in capsys.readouterr().err
    assert list_models("gw", [SPEC_GOOD], good, refuse) == ExitCode.USAGE


@pytest.mark.parametrize("prog", ["glasses", "gateway"])
def test_both_clis_route_to_the_shared_commands(prog, capsys):
    from protocol.cli import build_parser, run

    parser = build_parser(prog, "", prog, ("models", "config"))
    assert run(parser, ["config", "show"]) == ExitCode.OK
    assert "models." in capsys.readouterr().out
    assert run(parser, ["models", "--no-load"]) == ExitCode.OK
    assert "status / path" in capsys.readouterr().out
