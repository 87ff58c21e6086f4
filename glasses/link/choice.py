"""Which gateway to try next: configured, discovered and remembered ones, ranked.

A gateway that refused us (fatal error, going away) is left out until its time is up;
one that failed or whose link died recently is tried after the others. With two or
more candidates, each is probed and the fastest round trip goes first.
"""

from __future__ import annotations

import asyncio
import time

from glasses.link.config import LinkConfig
from glasses.link.discovery import Browser, Candidate, KnownGateways, probe_rtt

FAILED_FOR = 30.0
"""Seconds a gateway that failed (or whose link died) is tried after the others."""


class GatewayChoice:
    """The candidates of one LinkManager and what it has learnt about them."""

    def __init__(self, config: LinkConfig, known: KnownGateways | None = None) -> None:
        self.config = config
        self.known = known
        self.browser: Browser | None = None
        self.probes: dict[str, float | None] = {}
        """Last measured round trip per URI (None: unreachable)."""
        self._refused: dict[str, float] = {}
        self._failed: dict[str, float] = {}

    def candidates(self) -> list[Candidate]:
        """Usable candidates: discovered first, then by load; recently failed ones last."""
        if self.config.gateway not in ("auto", "off"):
            return [Candidate(uri=self.config.gateway, source="config")]
        found: dict[str, Candidate] = {}
        if self.browser is not None:
            found.update({c.uri: c for c in self.browser.candidates.values()})
        for uri in self.config.uris:
            found.setdefault(uri, Candidate(uri=uri))
        if self.known is not None:
            for c in self.known.load():
                found.setdefault(c.uri, c)
        now = time.monotonic()
        usable = [c for c in found.values() if self._refused.get(c.uri, 0.0) <= now]
        return sorted(
            usable,
            key=lambda c: (
                self._recently_failed(c.uri, now),
                c.source != "zeroconf",
                c.sessions + c.queue,
            ),
        )

    async def ranked(self) -> list[Candidate]:
        """Candidates, fastest measured round trip first (unreachable ones last)."""
        found = self.candidates()
        if len(found) < 2:
            return found
        rtts = await asyncio.gather(*(probe_rtt(c.uri) for c in found))
        for c, rtt in zip(found, rtts, strict=True):
            self.probes[c.uri] = rtt
        now = time.monotonic()
        order = sorted(
            range(len(found)),
            key=lambda i: (
                self._recently_failed(found[i].uri, now),
                rtts[i] is None,
                rtts[i] or 0.0,
                i,
            ),
        )
        return [found[i] for i in order]

    def better_than(self, current: str) -> bool:
        """Another gateway answers much faster than ``current`` (by the last probes)."""
        ours = self.probes.get(current)
        others = [r for u, r in self.probes.items() if u != current and r is not None]
        return bool(ours and others and min(others) < ours * self.config.switch_ratio)

    def refuse(self, uri: str, seconds: float) -> None:
        """Leave ``uri`` out for ``seconds`` (it refused us or is going away)."""
        self._refused[uri] = time.monotonic() + seconds

    def failed(self, uri: str) -> None:
        """``uri`` failed or its link died: try the others first for a while."""
        self._failed[uri] = time.monotonic()

    def succeeded(self, uri: str) -> None:
        self._failed.pop(uri, None)

    def _recently_failed(self, uri: str, now: float) -> bool:
        return now - self._failed.get(uri, -FAILED_FOR) < FAILED_FOR
