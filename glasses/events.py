"""The events stream: one JSON object per line, ``{"t": seconds, "event": name, ...}``.

``t`` is seconds since the glasses started (monotonic). Events are documented
in README ("Events"). A sink may be a file, standard output, or an in-memory
list for tests; writes never block the event loop for long (line-buffered).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


class EventLog:
    """Writes events as JSON lines and keeps them for inspection."""

    def __init__(
        self,
        target: str | Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        keep: bool = True,
    ) -> None:
        self._clock = clock
        self._start = clock()
        self._fh: IO[str] | None = None
        self._owns = False
        if target == "-":
            self._fh = sys.stdout
        elif target:
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = path.open("w", encoding="utf-8", buffering=1)
            self._owns = True
        self.keep = keep
        self.events: list[dict[str, Any]] = []
        self._listeners: list[Callable[[dict[str, Any]], None]] = []

    def now(self) -> float:
        return round(self._clock() - self._start, 3)

    def subscribe(self, listener: Callable[[dict[str, Any]], None]) -> None:
        self._listeners.append(listener)

    def emit(self, event: str, **fields: Any) -> dict[str, Any]:
        record: dict[str, Any] = {"t": self.now(), "event": event, **fields}
        if self.keep:
            self.events.append(record)
        if self._fh is not None:
            self._fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        for listener in self._listeners:
            listener(record)
        return record

    def names(self) -> list[str]:
        return [e["event"] for e in self.events]

    def close(self) -> None:
        if self._owns and self._fh is not None:
            self._fh.close()
        self._fh = None
