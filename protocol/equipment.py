"""The site's equipment registry (``equipment.toml``, see PROCEDURE_FORMAT.md).

Each unit carries a label with its tag as a QR payload and an ArUco marker; the
registry maps both to the unit and to the documents that apply to it. Invalid
files raise :class:`EquipmentError` (``"path:line: message"``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from protocol.procedure_types import EQUIPMENT_TYPES, Document, DocumentError

#: ArUco dictionary of the labels (``cv2.aruco.DICT_4X4_50``): ids 0..49.
ARUCO_DICTIONARY = "DICT_4X4_50"
ARUCO_IDS = range(50)
_KEYS = ("tag", "aruco_id", "type", "model", "location", "procedures", "specs")
_HEADER = re.compile(r"\s*\[\[\s*equipment\s*\]\]")
_TOML_LINE = re.compile(r"\(at line (\d+)")


class EquipmentError(DocumentError):
    """The equipment registry is invalid or disagrees with the documents."""


@dataclass(frozen=True)
class Equipment:
    """One labelled unit."""

    tag: str  # the QR payload on the label, e.g. "CRAC-01"
    type: str  # one of EQUIPMENT_TYPES
    model: str = ""
    location: str = ""
    aruco_id: int | None = None  # marker id on the same label (DICT_4X4_50)
    procedures: tuple[str, ...] = ()  # ids of documents that apply, in order
    specs: tuple[tuple[str, str], ...] = ()  # key specs shown by "identify equipment"
    line: int = 0  # line of the entry in equipment.toml

    def spec(self, name: str) -> str | None:
        return dict(self.specs).get(name)


def _key(tag: str) -> str:
    return tag.strip().upper()


class EquipmentRegistry:
    """All units of a site, looked up by tag (QR payload) or ArUco id. Immutable."""

    def __init__(self, equipment: Iterable[Equipment], path: str = "<registry>") -> None:
        self.path = path
        self.equipment: tuple[Equipment, ...] = tuple(equipment)
        self._by_tag: dict[str, Equipment] = {}
        self._by_aruco: dict[int, Equipment] = {}
        for unit in self.equipment:
            other = self._by_tag.setdefault(_key(unit.tag), unit)
            if other is not unit:
                raise EquipmentError(
                    path, unit.line, f"duplicate tag '{unit.tag}' (also on line {other.line})"
                )
            if unit.aruco_id is not None:
                other = self._by_aruco.setdefault(unit.aruco_id, unit)
                if other is not unit:
                    raise EquipmentError(
                        path,
                        unit.line,
                        f"{unit.tag}: aruco_id {unit.aruco_id} is already used by {other.tag}",
                    )

    def __len__(self) -> int:
        return len(self.equipment)

    def __iter__(self) -> Iterator[Equipment]:
        return iter(self.equipment)

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and _key(tag) in self._by_tag

    def find(self, tag: str) -> Equipment | None:
        """The unit whose tag is ``tag`` (a scanned QR payload; case and spaces ignored)."""
        return self._by_tag.get(_key(tag))

    def by_aruco(self, marker_id: int) -> Equipment | None:
        return self._by_aruco.get(marker_id)

    def procedures_for(self, tag: str, documents: Iterable[Document]) -> tuple[Document, ...]:
        """Documents for ``tag``: the unit's explicit list first, then those naming the tag."""
        docs = tuple(documents)
        by_id = {d.id: d for d in docs}
        unit = self.find(tag)
        explicit = [by_id[i] for i in (unit.procedures if unit else ()) if i in by_id]
        named = [d for d in docs if _key(tag) in map(_key, d.equipment_tags)]
        return tuple(dict.fromkeys([*explicit, *named]))

    def validate(self, documents: Iterable[Document]) -> None:
        """Raise EquipmentError if a unit lists a procedure id no document has."""
        known = {d.id for d in documents}
        for unit in self.equipment:
            for procedure in unit.procedures:
                if procedure not in known:
                    raise EquipmentError(
                        self.path,
                        unit.line,
                        f"{unit.tag}: procedure '{procedure}' is not the id of any document",
                    )


class _Lines:
    """Where each ``[[equipment]]`` entry and its keys are, for error messages."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.headers = [i for i, line in enumerate(self.lines) if _HEADER.match(line)]

    def line(self, index: int, key: str | None = None) -> int:
        if index >= len(self.headers):  # e.g. written as an inline array of tables
            return 1
        start = self.headers[index]
        if key is not None:
            end = (self.headers[index + 1 :] or [len(self.lines)])[0]
            pattern = re.compile(rf"\s*\[?\s*(?:equipment\.)?{key}\s*[=\]]")
            found = (i for i in range(start, end) if pattern.match(self.lines[i]))
            start = next(found, start)
        return start + 1

    def error(self, index: int, key: str | None, message: str) -> EquipmentError:
        return EquipmentError(self.path, self.line(index, key), message)


def _text(entry: Mapping[str, Any], key: str, where: _Lines, i: int, required: bool) -> str:
    if key not in entry and not required:
        return ""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise where.error(i, key, f"equipment #{i + 1}: {key} must be non-empty text")
    return value.strip()


def _entry(entry: Any, where: _Lines, i: int) -> Equipment:
    if not isinstance(entry, dict):
        raise where.error(i, None, f"equipment #{i + 1} must be a table")
    unknown = sorted(set(entry) - set(_KEYS))
    if unknown:
        known = ", ".join(_KEYS)
        raise where.error(i, unknown[0], f"equipment: unknown key '{unknown[0]}' ({known})")
    tag = _text(entry, "tag", where, i, required=True)
    kind = _text(entry, "type", where, i, required=True)
    if kind not in EQUIPMENT_TYPES:
        allowed = ", ".join(EQUIPMENT_TYPES)
        raise where.error(i, "type", f"{tag}: type '{kind}' is not one of {allowed}")
    return Equipment(
        tag=tag,
        type=kind,
        model=_text(entry, "model", where, i, required=False),
        location=_text(entry, "location", where, i, required=False),
        aruco_id=_aruco(entry, tag, where, i),
        procedures=_procedures(entry, tag, where, i),
        specs=_specs(entry, tag, where, i),
        line=where.line(i),
    )


def _aruco(entry: Mapping[str, Any], tag: str, where: _Lines, i: int) -> int | None:
    value = entry.get("aruco_id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in ARUCO_IDS:
        raise where.error(
            i, "aruco_id", f"{tag}: aruco_id must be a whole number 0..49 ({ARUCO_DICTIONARY})"
        )
    return value


def _procedures(entry: Mapping[str, Any], tag: str, where: _Lines, i: int) -> tuple[str, ...]:
    value = entry.get("procedures", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise where.error(i, "procedures", f"{tag}: procedures must be a list of document ids")
    return tuple(value)


def _specs(
    entry: Mapping[str, Any], tag: str, where: _Lines, i: int
) -> tuple[tuple[str, str], ...]:
    value = entry.get("specs", {})
    if not isinstance(value, dict):
        raise where.error(i, "specs", f"{tag}: specs must be a table of text values")
    pairs: list[tuple[str, str]] = []
    for name, spec in value.items():
        if isinstance(spec, bool) or not isinstance(spec, str | int | float):
            raise where.error(i, "specs", f"{tag}: spec '{name}' must be text or a number")
        pairs.append((name, str(spec)))
    return tuple(pairs)


def parse_registry(text: str, path: str = "<string>") -> EquipmentRegistry:
    """Parse the text of ``equipment.toml``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else len(text.split("\n"))
        message = str(exc).split(" (at ")[0]
        raise EquipmentError(path, line, f"invalid TOML: {message}") from None
    where = _Lines(path, text)
    extra = sorted(set(data) - {"equipment"})
    if extra:
        raise EquipmentError(
            path, 1, f"unknown top-level key '{extra[0]}' (expected [[equipment]])"
        )
    entries = data.get("equipment")
    if not isinstance(entries, list) or not entries:
        raise EquipmentError(path, 1, "no [[equipment]] entries")
    return EquipmentRegistry((_entry(e, where, i) for i, e in enumerate(entries)), path)


def load_registry(path: str | PathLike[str]) -> EquipmentRegistry:
    """Read and parse an ``equipment.toml`` file."""
    return parse_registry(Path(path).read_text(encoding="utf-8"), str(path))
