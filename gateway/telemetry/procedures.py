"""Which procedure applies to an alert.

First the point list (``procedure = "crac-hp-trip-recovery"``); otherwise the
site documents' front matter: a procedure (SOP/MOP/EOP) for the equipment's
tag or type whose keywords, alarm codes or title match the point and the
direction of the fault. Documents come from ``protocol.procedure.load_documents``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from gateway.telemetry.model import AlertKind
from gateway.telemetry.points import Point

log = logging.getLogger(__name__)

_PROCEDURE_KINDS = ("EOP", "SOP", "MOP")
_STOP = frozenset("a an and the of for to on in at with unit recovery procedure check".split())
_WORD = re.compile(r"[a-z0-9]+")


class DocumentLike(Protocol):
    """The front-matter fields of ``protocol.procedure.Document`` used here."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> Any: ...
    @property
    def equipment_types(self) -> Sequence[str]: ...
    @property
    def equipment_tags(self) -> Sequence[str]: ...
    @property
    def alarm_codes(self) -> Sequence[str]: ...
    @property
    def keywords(self) -> Sequence[str]: ...


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _kind(doc: DocumentLike) -> str:
    return str(getattr(doc.kind, "value", doc.kind)).upper()


def load_site_documents(docs: Path | None) -> tuple[DocumentLike, ...]:
    """The site's documents, or none (logged) if the parser or the folder is unavailable."""
    if docs is None or not docs.is_dir():
        return ()
    try:
        from protocol.procedure import load_documents
    except ImportError:
        log.info("protocol.procedure not available: procedures come from the point list only")
        return ()
    try:
        return tuple(load_documents(docs))
    except Exception as exc:  # a broken document must not stop telemetry
        log.warning("cannot load site documents from %s: %s", docs, exc)
        return ()


class ProcedureResolver:
    """Maps (point, kind of fault, direction) to a procedure id."""

    def __init__(
        self,
        documents: Sequence[DocumentLike] = (),
        equipment_types: Mapping[str, str] | None = None,
    ) -> None:
        self.documents = tuple(d for d in documents if _kind(d) in _PROCEDURE_KINDS)
        self.types = dict(equipment_types or {})
        self._cache: dict[tuple[str, str, AlertKind, int], str | None] = {}

    def resolve(self, point: Point, kind: AlertKind, direction: int) -> str | None:
        if point.procedure:
            return point.procedure
        key = (point.tag, point.name, kind, direction)
        if key not in self._cache:
            self._cache[key] = self._search(point, kind, direction)
        return self._cache[key]

    def _search(self, point: Point, kind: AlertKind, direction: int) -> str | None:
        core = _words(" ".join((point.name.replace("_", " "), point.label, *point.keywords)))
        if kind in (AlertKind.STUCK, AlertKind.DROPOUT):
            extra = {"sensor", "transmitter", "probe"}
        elif direction > 0:
            extra = {"high", "rising", "trip"}
        elif direction < 0:
            extra = {"low", "falling"}
        else:
            extra = set()
        best: tuple[int, int, str] | None = None
        for doc in self.documents:
            sensor = kind in (AlertKind.STUCK, AlertKind.DROPOUT)
            score = self._score(doc, point, core - _STOP, extra, sensor)
            if score <= 0:
                continue
            rank = (score, 1 if _kind(doc) == "EOP" else 0, doc.id)
            if best is None or rank[:2] > best[:2] or (rank[:2] == best[:2] and doc.id < best[2]):
                best = rank
        return best[2] if best else None

    def _score(
        self, doc: DocumentLike, point: Point, core: set[str], extra: set[str], sensor: bool
    ) -> int:
        """0 unless the document is for this equipment and mentions this point.

        For a sensor fault (stuck, dropout) the document must also be about sensors.
        """
        etype = self.types.get(point.tag, "")
        if point.tag in doc.equipment_tags:
            base = 3
        elif etype and etype in doc.equipment_types:
            base = 2
        else:
            return 0
        vocab = core | extra
        phrases = [_words(p) for p in (*doc.keywords, *doc.alarm_codes)]
        matched = sum(1 for w in phrases if w and w <= vocab and w & core)
        title = _words(doc.title) - _STOP
        if sensor and not (title & extra or any(w & extra for w in phrases)):
            return 0
        title_core = len(title & core)
        relevance = 2 * matched + title_core + (len(title & extra) if title_core else 0)
        if relevance < 2 or not (matched or title_core):
            return 0
        return base + relevance
