"""One asyncio task per source: poll at its interval, back off (jittered) while it is silent."""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Sequence

from gateway.telemetry.model import Reading
from gateway.telemetry.points import Point, SourceSpec
from gateway.telemetry.source import SourceError, SourceUnavailable, TelemetrySource

log = logging.getLogger(__name__)

OnReadings = Callable[[str, list[Reading]], Awaitable[None]]
OnFailure = Callable[[str, float, SourceError], Awaitable[None]]


def backoff_delay(failures: int, interval_s: float, cap_s: float, rng: random.Random) -> float:
    """Exponential in the number of failures, capped, with jitter (50-100 %)."""
    base = min(cap_s, interval_s * 2.0 ** max(0, failures - 1))
    return max(interval_s / 2, base * (0.5 + rng.random() / 2))


class SourcePoller:
    """Polls one source forever; ``run()`` is the task body."""

    def __init__(
        self,
        spec: SourceSpec,
        points: Sequence[Point],
        source: TelemetrySource,
        on_readings: OnReadings,
        on_failure: OnFailure,
        backoff_max_s: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        self.spec = spec
        self.points = tuple(points)
        self.source = source
        self._on_readings = on_readings
        self._on_failure = on_failure
        self._backoff_max = max(backoff_max_s, spec.interval_s)
        self._rng = rng or random.Random()
        self._due = {p.key: 0.0 for p in self.points}
        self.failures = 0
        self.polls = 0

    def _due_points(self, now: float) -> list[Point]:
        return [p for p in self.points if self._due[p.key] <= now + 1e-3]

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            due = self._due_points(started)
            delay = self.spec.interval_s
            if due:
                delay = await self._poll_once(due, started)
            await asyncio.sleep(max(0.0, started + delay - loop.time()))

    async def _poll_once(self, due: list[Point], started: float) -> float:
        """Poll the due points; returns the delay until the next poll should start."""
        guard = self.spec.timeout_s * (2 + math.ceil(len(due) / 100))
        try:
            async with asyncio.timeout(guard):
                readings = await self.source.read(due)
        except TimeoutError:
            return await self._failed(SourceUnavailable(f"no answer within {guard:.1f} s"))
        except SourceError as exc:
            return await self._failed(exc)
        except Exception as exc:  # a bug in a source must not end polling
            log.exception("%s: unexpected error while polling", self.spec.name)
            return await self._failed(SourceUnavailable(f"{type(exc).__name__}: {exc}"))
        if self.failures:
            log.info("%s: answering again after %d failed polls", self.spec.name, self.failures)
        self.failures = 0
        self.polls += 1
        for p in due:
            self._due[p.key] = started + (p.interval_s or self.spec.interval_s)
        await self._on_readings(self.spec.name, readings)
        return self.spec.interval_s

    async def _failed(self, exc: SourceError) -> float:
        self.failures += 1
        level = logging.WARNING if self.failures == 1 else logging.DEBUG
        if not exc.retryable:
            level = logging.ERROR if self.failures == 1 else logging.DEBUG
        log.log(level, "%s: poll failed (%d in a row): %s", self.spec.name, self.failures, exc)
        try:
            await self.source.close()
        except Exception as close_exc:  # closing a broken connection may fail too
            log.debug("%s: close after failure: %s", self.spec.name, close_exc)
        await self._on_failure(self.spec.name, time.time(), exc)
        return backoff_delay(self.failures, self.spec.interval_s, self._backoff_max, self._rng)
