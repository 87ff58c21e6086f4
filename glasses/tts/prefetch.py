"""A background thread that works through the newest few prefetch requests."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

Job = Callable[[str, threading.Event], None]
"""Prefetch one text; return early when the event (closing) is set."""


class Prefetcher:
    """Runs ``job`` for each submitted text in one daemon thread, newest requests kept."""

    def __init__(self, job: Job, capacity: int) -> None:
        self._job = job
        self._pending: deque[str] = deque(maxlen=max(capacity, 1))
        self._enabled = capacity > 0
        self._cond = threading.Condition()
        self._busy = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, texts: Iterable[str]) -> None:
        if not self._enabled:
            return
        with self._cond:
            for text in texts:
                if text not in self._pending:
                    self._pending.append(text)
            if self._thread is None and self._pending:
                self._thread = threading.Thread(target=self._run, name="tts-prefetch", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping.is_set():
                    self._busy = False
                    self._cond.notify_all()
                    self._cond.wait()
                if self._stopping.is_set():
                    self._busy = False
                    self._cond.notify_all()
                    return
                text = self._pending.popleft()
                self._busy = True
            try:
                self._job(text, self._stopping)
            except Exception:  # one bad text must not end prefetching
                log.warning("prefetch of %r failed", text[:60], exc_info=True)

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def close(self) -> None:
        self._stopping.set()
        with self._cond:
            self._pending.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
