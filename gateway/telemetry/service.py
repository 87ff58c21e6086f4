"""``TelemetryService``: polls the site's sources, learns, alerts, stores and publishes.

The gateway service owns one instance::

    service = TelemetryService(config.telemetry)
    await service.start()
    async with service.subscribe() as feed:
        async for event in feed:        # AlertEvent | ReadingEvent
            ...
    await service.stop()

All tasks (one poller per source, one retention task) are owned here and
cancelled by ``stop()``. Database work runs in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping, Sequence

from gateway.telemetry.config import TelemetryConfig
from gateway.telemetry.engine import TelemetryEngine
from gateway.telemetry.model import Alert, AlertEvent, LatestReading, Reading, ReadingEvent
from gateway.telemetry.pointfile import load_point_list
from gateway.telemetry.points import PointList
from gateway.telemetry.poller import SourcePoller
from gateway.telemetry.procedures import DocumentLike, ProcedureResolver, load_site_documents
from gateway.telemetry.source import SourceError, TelemetrySource, open_source
from gateway.telemetry.store import TelemetryStore
from gateway.telemetry.subscription import Subscription

log = logging.getLogger(__name__)


class TelemetryService:
    """Owns the pollers, the engine, the store and the subscribers."""

    def __init__(
        self,
        config: TelemetryConfig,
        points: PointList | None = None,
        *,
        sources: Mapping[str, TelemetrySource] | None = None,
        documents: Sequence[DocumentLike] | None = None,
    ) -> None:
        """``points``/``sources``/``documents`` replace what the config names (tests, demos).

        Unset paths in ``config`` default to the sample site and ``var/gateway``; the
        gateway passes ``config.telemetry.resolve(site_dir, data_dir)``.
        """
        self.config = config.resolve()
        self._points = points
        self._given_sources = dict(sources or {})
        self._documents = documents
        self._engine: TelemetryEngine | None = None
        self._store: TelemetryStore | None = None
        self._sources: dict[str, TelemetrySource] = {}
        self._pollers: dict[str, SourcePoller] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribers: set[Subscription] = set()

    # -- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        if self._tasks:
            raise RuntimeError("telemetry service already started")
        points: PointList
        if self._points is None:
            points = await asyncio.to_thread(load_point_list, self.config.points_path)
        else:
            points = self._points
        self._points = points
        docs = self._documents
        if docs is None and self.config.use_documents:
            docs = await asyncio.to_thread(load_site_documents, self.config.resolve().docs)
        types = {tag: e.type for tag, e in points.equipment.items()}
        resolver = ProcedureResolver(docs or (), types)
        engine = TelemetryEngine(
            points, self.config.detection, resolver, self.config.comm_loss_polls
        )
        store = await asyncio.to_thread(TelemetryStore, self.config.db_path)
        self._store = store
        await asyncio.to_thread(self._warm_up, engine, store)
        self._engine = engine
        for name, spec in points.sources.items():
            source = self._given_sources.get(name) or open_source(spec, points.points_of(name))
            self._sources[name] = source
            poller = SourcePoller(
                spec,
                points.points_of(name),
                source,
                self._on_readings,
                self._on_failure,
                self.config.backoff_max_s,
            )
            self._pollers[name] = poller
            self._tasks.append(asyncio.create_task(poller.run(), name=f"telemetry-poll-{name}"))
        self._tasks.append(asyncio.create_task(self._prune_loop(), name="telemetry-prune"))
        log.info(
            "telemetry: polling %d points from %d sources", len(points.points), len(points.sources)
        )

    def _warm_up(self, engine: TelemetryEngine, store: TelemetryStore) -> None:
        engine.restore(store.active_alerts())
        for p in engine.points.points:
            ts, values = store.history(p.tag, p.name, self.config.warmup_samples)
            if ts:
                engine.warm_up(p.tag, p.name, ts, values)

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                log.warning("telemetry task ended with %r", result)
        for source in self._sources.values():
            with contextlib.suppress(Exception):
                await source.close()
        self._sources.clear()
        for sub in list(self._subscribers):
            sub.close()
        store, self._store = self._store, None
        if store is not None:
            if self._engine is not None:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(store.save_alerts, self._engine.open_alerts())
            await asyncio.to_thread(store.close)

    async def __aenter__(self) -> TelemetryService:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- queries --------------------------------------------------------------------
    @property
    def engine(self) -> TelemetryEngine:
        if self._engine is None:
            raise RuntimeError("telemetry service not started")
        return self._engine

    @property
    def points(self) -> PointList:
        return self.engine.points

    def latest(self, tag: str) -> tuple[LatestReading, ...]:
        """Every point of ``tag`` with its last value, age, trend and expected value."""
        return self.engine.latest(tag, time.time())

    def open_alerts(self) -> tuple[Alert, ...]:
        return self.engine.open_alerts()

    async def acknowledge(self, alert_id: str, by: str) -> Alert:
        """Acknowledge an alert (raises ``UnknownAlertError``); returns its current state."""
        event = self.engine.acknowledge(alert_id, by, time.time())
        if event is not None:
            await self._publish_alerts([event])
        return self.engine.book.get(alert_id)

    def subscribe(self, maxsize: int | None = None) -> Subscription:
        """A bounded feed of new alert events and reading updates."""
        sub = Subscription(maxsize or self.config.subscriber_queue, self._subscribers.discard)
        self._subscribers.add(sub)
        return sub

    # -- poll results ---------------------------------------------------------------------
    async def _on_readings(self, source: str, readings: list[Reading]) -> None:
        engine = self.engine
        try:
            events = engine.ingest(readings)
            events += engine.source_ok(source, time.time())
        except Exception:  # one bad poll must not end the poller
            log.exception("telemetry: cannot process a poll of %s", source)
            return
        if self._store is not None:
            try:
                await asyncio.to_thread(self._store.write, readings)
            except Exception as exc:
                log.warning("telemetry: cannot store readings of %s: %s", source, exc)
        await self._publish_alerts(events)
        if self._subscribers:
            now = time.time()
            for tag in dict.fromkeys(r.tag for r in readings):
                event = ReadingEvent(tag, engine.latest(tag, now))
                for sub in list(self._subscribers):
                    sub.offer(event)

    async def _on_failure(self, source: str, now: float, exc: SourceError) -> None:
        await self._publish_alerts(self.engine.source_failed(source, now))

    async def _publish_alerts(self, events: list[AlertEvent]) -> None:
        """Store the alerts' new state, then tell the subscribers."""
        if not events:
            return
        if self._store is not None:
            try:
                await asyncio.to_thread(self._store.save_alerts, [e.alert for e in events])
            except Exception as exc:
                log.warning("telemetry: cannot store alerts: %s", exc)
        for event in events:
            log.info("telemetry alert %s: %s", event.change.value, event.alert.message)
            for sub in list(self._subscribers):
                sub.offer(event)

    async def _prune_loop(self) -> None:
        cfg = self.config
        while True:
            await asyncio.sleep(cfg.prune_interval_s)
            if self._store is None:
                continue
            try:
                gone = await asyncio.to_thread(
                    self._store.prune, time.time(), cfg.retention_days * 86_400.0, cfg.max_rows
                )
            except Exception as exc:
                log.warning("telemetry: retention pass failed: %s", exc)
                continue
            if gone:
                log.debug("telemetry: retention removed %d readings", gone)
