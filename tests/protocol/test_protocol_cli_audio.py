"""protocol.cli (the shared command-line shape) and protocol.audio (PCM chunks with a format)."""

from __future__ import annotations

import argparse
import logging
import textwrap
from pathlib import Path

import pytest

from protocol.audio import AudioChunk, AudioFormat
from protocol.cli import ExitCode, build_parser, configure_logging, run

COMMAND = textwrap.dedent(
    """
    import argparse

    def add_parser(subparsers):
        parser = subparsers.add_parser("greet", help="say hello", epilog="Example: side greet")
        parser.add_argument("--fail", action="store_true")
        parser.add_argument("--interrupt", action="store_true")
        parser.set_defaults(func=run)

    def run(args: argparse.Namespace) -> int:
        if args.interrupt:
            raise KeyboardInterrupt
        print("hello", args.config, args.set, args.verbose)
        return 1 if args.fail else 0
    """
)


@pytest.fixture
def parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    package = tmp_path / "hfdc_side" / "commands"
    package.mkdir(parents=True)
    (tmp_path / "hfdc_side" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "greet.py").write_text(COMMAND)
    monkeypatch.syspath_prepend(str(tmp_path))
    return build_parser("side", "A test side.", "hfdc_side", ["greet"])


def test_subcommands_run_with_the_global_flags(
    parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(parser, ["--config", "x.toml", "--set", "a.b=1", "--set", "c=2", "-vv", "greet"])
    assert code == ExitCode.OK
    assert capsys.readouterr().out.strip() == "hello x.toml ['a.b=1', 'c=2'] 2"
    assert run(parser, ["greet", "--fail"]) == ExitCode.FAILED


def test_interrupt_maps_to_exit_130(parser: argparse.ArgumentParser) -> None:
    assert run(parser, ["greet", "--interrupt"]) == int(ExitCode.INTERRUPTED) == 130


def test_usage_errors_exit_2(
    parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        run(parser, [])
    assert info.value.code == ExitCode.USAGE
    assert "Exit codes: 0 ok" in parser.format_help()


@pytest.mark.parametrize(
    ("verbosity", "level"), [(0, logging.WARNING), (1, logging.INFO), (2, logging.DEBUG)]
)
def test_verbosity_sets_the_log_level(
    verbosity: int, level: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    configure_logging(verbosity)
    assert root.level == level


def test_exit_codes_are_stable() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 130]


def test_audio_format_and_chunk_derive_their_sizes() -> None:
    fmt = AudioFormat(48000, 2, 2)
    assert (fmt.bytes_per_second, fmt.frame_bytes) == (192000, 4)
    chunk = AudioChunk(b"\x00" * 640, timestamp=1.0)
    assert chunk.format == AudioFormat()
    assert chunk.samples == 320
    assert chunk.seconds == pytest.approx(0.02)
    assert chunk.end == pytest.approx(1.02)
