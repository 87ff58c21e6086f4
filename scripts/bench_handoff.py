"""Link handoff benchmark (issue 9): how fast the glasses notice a dead gateway, answer the
question in flight from the pack, and pick up a newly announced gateway.

Everything runs in one process over real websockets and real zeroconf on 127.0.0.1 (under
a service type of its own, so other gateways and glasses on the host stay out of it). Each
gateway runs on its own thread and event loop, so "freezing" one blocks that loop: it then
neither reads, writes, accepts nor answers mDNS, like a stopped process. Each cycle:

1. gateway A starts while the glasses are offline and browsing (announcement → online);
2. a question is asked, A streams its answer slowly and freezes mid-answer
   (silent death → link offline; offline → answer from the pack);
3. gateway B starts while the frozen A is still advertised (announcement → online);
4. A is thawed and stopped; a question is asked and B is stopped mid-answer with a
   going-away close, ``GatewayServer.stop()`` (→ offline; offline → answer from the pack).

Every question must get exactly one answer event. Times are ``time.monotonic()`` stamps taken
when the glasses emit their events.

    python scripts/bench_handoff.py               # 30 cycles
    python scripts/bench_handoff.py --cycles 5 -v
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zeroconf import IPVersion, ServiceStateChange, Zeroconf  # noqa: E402
from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf  # noqa: E402

from gateway.service import advertise  # noqa: E402
from gateway.service.server import GatewayServer  # noqa: E402
from glasses.events import EventLog  # noqa: E402
from glasses.link import discovery  # noqa: E402
from glasses.link.config import LinkConfig  # noqa: E402
from glasses.link.manager import Identity, LinkManager  # noqa: E402
from glasses.machine import IntentRecognized  # noqa: E402
from glasses.procedures.library import Library  # noqa: E402
from glasses.runtime.core import GlassesCore  # noqa: E402
from glasses.runtime.speaker import TextSpeaker  # noqa: E402
from tests.service.conftest import ScriptedAnswerer, make_hub  # noqa: E402

SITE = ROOT / "gateway" / "sample_site"
DEVICE = "bench-glasses"
QUESTION = "what does alarm A07 mean on the CRAC unit"
BENCH_SERVICE = f"_bench-{os.getpid() % 100000:05d}._tcp.local."
"""Our own service type: not even another run of this script sees our gateways."""
T = TypeVar("T")
Stamp = tuple[float, dict[str, Any]]


@dataclass
class Results:
    """Seconds per sample, and answer counts over every question asked."""

    cycles: int = 0
    announce: list[float] = field(default_factory=list)
    """From the first sight of the gateway's zeroconf announcement (an independent browser)."""
    announce_stale: list[float] = field(default_factory=list)
    """The same while the previous gateway is frozen but still advertised."""
    after_start: list[float] = field(default_factory=list)
    """From ``GatewayServer.start()`` returning (it returns after the repeated announcements)."""
    silent: list[float] = field(default_factory=list)
    going_away: list[float] = field(default_factory=list)
    """From ``GatewayServer.stop()`` being called."""
    going_away_sent: list[float] = field(default_factory=list)
    """From the gateway starting to send going-away to the session."""
    inflight: list[float] = field(default_factory=list)
    questions: int = 0
    lost: int = 0
    duplicated: int = 0
    suppressed: int = 0
    """Late gateway answers the glasses recognised as duplicates and did not speak."""
    by_gateway: int = 0
    """Questions the gateway finished before it died (no in-flight sample)."""


@contextlib.contextmanager
def private_service_type() -> Iterator[None]:
    """Advertise and browse under a service type of our own for the run.

    Other gateways and glasses on this host (a demo, tests running in parallel) then neither
    answer our glasses nor connect to our gateways.
    """
    saved = advertise.SERVICE_TYPE, discovery.SERVICE_TYPE
    advertise.SERVICE_TYPE = discovery.SERVICE_TYPE = BENCH_SERVICE
    try:
        yield
    finally:
        advertise.SERVICE_TYPE, discovery.SERVICE_TYPE = saved


class GatewayThread:
    """One gateway on its own thread and event loop; ``freeze`` blocks that loop."""

    def __init__(self, root: Path, gateway_id: str, delay: float) -> None:
        self.root, self.gateway_id = root / gateway_id, gateway_id
        self.loop = asyncio.new_event_loop()
        self.server: GatewayServer | None = None
        self.answerer = ScriptedAnswerer(delay)
        self.frozen_at = 0.0
        self.going_away_at = 0.0
        self._frozen = threading.Event()
        self._thaw = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"gw-{gateway_id}", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        self.loop.close()

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def start(self) -> float:
        """Start serving and advertising; returns the moment ``start()`` returned."""
        self._thread.start()
        return await self.call(self._start())

    async def _start(self) -> float:
        hub = make_hub(self.root, self.answerer, advertise=True, advertise_address="127.0.0.1",
                       zeroconf_interfaces=("127.0.0.1",), shutdown_grace=0.0)  # fmt: skip
        hub.gateway_id, hub.gateway_name = self.gateway_id, f"Gateway {self.gateway_id}"
        self.server = GatewayServer(hub)
        await self.server.start()
        return time.monotonic()

    async def freeze(self) -> float:
        """Block the gateway's loop; returns the moment it stopped running."""
        self.loop.call_soon_threadsafe(self._block)
        await asyncio.to_thread(self._frozen.wait, 5.0)
        return self.frozen_at

    def _block(self) -> None:
        self.frozen_at = time.monotonic()
        self._frozen.set()
        self._thaw.wait()

    async def stop(self) -> None:
        """Thaw if frozen, stop with a going-away to every session, end the thread (once)."""
        self._thaw.set()
        if not self._thread.is_alive():
            return
        server, self.server = self.server, None
        try:
            if server is not None:
                await self.call(self._stop(server))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            await asyncio.to_thread(self._thread.join, 10.0)

    async def _stop(self, server: GatewayServer) -> None:
        for session in server.hub.sessions.values():
            session.going_away = self._stamped(session.going_away)  # type: ignore[method-assign]
        await server.stop()
        server.hub.records.close()

    def _stamped(self, going_away: Callable[[str, float], Awaitable[None]]) -> Callable[..., Any]:
        """Note when the gateway starts telling a session it is going away."""

        async def wrapper(reason: str, retry_after: float) -> None:
            self.going_away_at = self.going_away_at or time.monotonic()
            await going_away(reason, retry_after)

        return wrapper


class AnnounceWatch:
    """An independent zeroconf browser noting when each gateway's announcement is first seen."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None

    async def start(self) -> None:
        self._zc = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        self._browser = AsyncServiceBrowser(self._zc.zeroconf, [BENCH_SERVICE], handlers=[self._on])

    def _on(self, zeroconf: Zeroconf, service_type: str, name: str,
            state_change: ServiceStateChange) -> None:  # fmt: skip
        if state_change is ServiceStateChange.Added:
            self.seen.setdefault(name.split(".", 1)[0], time.monotonic())

    async def stop(self) -> None:
        if self._browser is not None:
            await self._browser.async_cancel()
        if self._zc is not None:
            await self._zc.async_close()


class Glasses:
    """A GlassesCore with a real LinkManager; every event is stamped with time.monotonic()."""

    def __init__(self) -> None:
        self.stamps: list[Stamp] = []
        self.events = EventLog()
        self.events.subscribe(lambda record: self.stamps.append((time.monotonic(), record)))
        self.core = GlassesCore(Library.load(SITE), self.events, TextSpeaker(), device_id=DEVICE)
        self.link = LinkManager(
            LinkConfig(gateway="auto", zeroconf_interfaces=("127.0.0.1",)),
            Identity(DEVICE, "Bench glasses"), self.core.resume_state,
            self.core.on_link_message, self.core.on_link_status,
        )  # fmt: skip
        self.core.attach_link(self.link)
        self._runner: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._runner = asyncio.create_task(self.core.run(), name="core")
        await self.link.start()

    async def stop(self) -> None:
        await self.link.stop()
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        await self.core.close()

    async def wait_event(self, match: Callable[[dict[str, Any]], bool], after: float,
                         within: float = 30.0) -> Stamp:  # fmt: skip
        """The first event stamped at or after ``after`` that matches."""

        def found() -> Stamp | None:
            return next((s for s in self.stamps if s[0] >= after and match(s[1])), None)

        return await poll(found, within, "the awaited glasses event")

    async def link_event(self, state: str, after: float) -> float:
        t, _ = await self.wait_event(lambda e: e["event"] == "link" and e["state"] == state, after)
        return t

    async def ask(self) -> str:
        mark = time.monotonic()
        self.core.post(IntentRecognized(QUESTION, "ask", {"question": QUESTION}))
        _, event = await self.wait_event(lambda e: e["event"] == "question", mark)
        return str(event["question_id"])

    def idle(self) -> bool:
        return not (self.link.connected or self.core.state.online or self.link.candidates())

    async def quiet(self) -> None:
        """Offline, no gateway candidate left, and still so a moment later."""
        while True:
            await poll(self.idle, 20.0, "offline with no gateway in sight")
            await asyncio.sleep(0.3)
            if self.idle():
                return


async def poll(check: Callable[[], T | None], within: float, what: str) -> T:
    """Check every 5 ms until ``check`` returns something truthy."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        await asyncio.sleep(0.005)
    raise TimeoutError(f"{what}: not within {within:.0f} s")


async def bring_up(glasses: Glasses, watch: AnnounceWatch, gateway: GatewayThread,
                   samples: list[float], out: Results) -> None:  # fmt: skip
    """Start a gateway and wait for the glasses to come online with it."""
    mark = time.monotonic()
    started = await gateway.start()
    online = await glasses.link_event("online", mark)
    out.after_start.append(online - started)
    if gateway.gateway_id in watch.seen:
        samples.append(online - watch.seen[gateway.gateway_id])


async def ask_and_kill(glasses: Glasses, gateway: GatewayThread, silent: bool, out: Results,
                       rng: random.Random) -> None:  # fmt: skip
    """Ask → the gateway streams → kill it (freeze or stop) → offline → local answer."""
    mark = time.monotonic()
    qid = await glasses.ask()
    out.questions += 1
    await poll(lambda: QUESTION in gateway.answerer.started, 10.0, "the gateway answering")
    await asyncio.sleep(rng.uniform(0.0, 1.0))  # die at any phase of the heartbeat
    if silent:
        killed = await gateway.freeze()
    else:
        killed = time.monotonic()
        stopping = asyncio.create_task(gateway.stop())
    offline = await glasses.link_event("offline", killed)
    (out.silent if silent else out.going_away).append(offline - killed)
    try:
        at, answer = await glasses.wait_event(
            lambda e: e["event"] == "answer" and e["question_id"] == qid, mark, within=15.0
        )
    except TimeoutError:
        answer = {}
    if answer.get("source") == "pack":
        out.inflight.append(at - offline)
    elif answer:
        out.by_gateway += 1
    if not silent:
        await stopping
        if gateway.going_away_at:
            out.going_away_sent.append(offline - gateway.going_away_at)


async def cycle(glasses: Glasses, watch: AnnounceWatch, root: Path, name: str, delay: float,
                out: Results, rng: random.Random) -> None:  # fmt: skip
    """Gateway A up, frozen mid-answer; B up while A is still advertised; A gone; B stopped."""
    a = GatewayThread(root, f"gw-{name}a", delay)
    b = GatewayThread(root, f"gw-{name}b", delay)
    try:
        await bring_up(glasses, watch, a, out.announce, out)
        await ask_and_kill(glasses, a, True, out, rng)
        await bring_up(glasses, watch, b, out.announce_stale, out)
        await a.stop()
        await ask_and_kill(glasses, b, False, out, rng)
    finally:
        await a.stop()
        await b.stop()
    await glasses.quiet()


def count_answers(glasses: Glasses, out: Results) -> None:
    events = [record for _, record in glasses.stamps]
    asked = [e["question_id"] for e in events if e["event"] == "question"]
    answers = Counter(e["question_id"] for e in events if e["event"] == "answer")
    out.lost = sum(1 for q in asked if answers[q] == 0)
    out.duplicated = sum(answers[q] - 1 for q in asked if answers[q] > 1)
    out.suppressed = sum(1 for e in events if e["event"] == "duplicate_answer")


async def run_bench(
    cycles: int, delay: float = 0.5, root: Path | None = None, seed: int = 9
) -> Results:
    """Run ``cycles`` cycles (one silent death and one going-away close each)."""
    root = root or Path(tempfile.mkdtemp(prefix="bench-handoff-"))
    out = Results(cycles=cycles)
    rng = random.Random(seed)
    with private_service_type():
        glasses, watch = Glasses(), AnnounceWatch()
        await watch.start()
        await glasses.start()
        try:
            await glasses.quiet()
            for i in range(cycles):
                await cycle(glasses, watch, root, str(i), delay, out, rng)
            await asyncio.sleep(delay * 2)  # let a late gateway answer arrive before counting
        finally:
            await glasses.stop()
            await watch.stop()
    count_answers(glasses, out)
    return out


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def timing_line(name: str, values: list[float], goal: float) -> str:
    p50 = statistics.median(values) if values else math.nan
    p95, top = pct(values, 0.95), max(values, default=math.nan)
    verdict = "PASS" if p95 <= goal else "FAIL"
    return (f"{name:<44} p50 {p50:6.3f} s  p95 {p95:6.3f} s  max {top:6.3f} s"
            f"  n={len(values):<3} goal p95 ≤ {goal:g} s  {verdict}")  # fmt: skip


def report(out: Results) -> list[str]:
    return [
        f"cycles: {out.cycles} (each: one silent death + one going-away close; "
        f"{out.questions} questions asked)",
        timing_line("loss detection, silent death (frozen gateway)", out.silent, 3.0),
        timing_line("loss detection, going-away close (stop())", out.going_away, 0.2),
        timing_line("  same, from going-away sent", out.going_away_sent, 0.2),
        timing_line("in-flight question: offline → pack answer", out.inflight, 2.0),
        timing_line("gateway announcement seen → online", out.announce, 1.0),
        timing_line("  same, a frozen gateway still advertised", out.announce_stale, 1.0),
        timing_line("  same, from start() returned", out.after_start, 1.0),
        f"{'lost answers':<44} {out.lost} of {out.questions}  goal 0  "
        f"{'PASS' if out.lost == 0 else 'FAIL'}",
        f"{'duplicated answers':<44} {out.duplicated}  goal 0  "
        f"{'PASS' if out.duplicated == 0 else 'FAIL'}  "
        f"(late gateway answers suppressed: {out.suppressed}; "
        f"answered by the gateway before it died: {out.by_gateway})",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=30, help="cycles to run (default 30)")
    parser.add_argument("--delay", type=float, default=0.5,
                        help="seconds per streamed answer word (default 0.5)")  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="show link warnings")
    args = parser.parse_args()
    if args.cycles < 1:
        parser.error("--cycles must be at least 1")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    start = time.monotonic()
    out = asyncio.run(run_bench(args.cycles, args.delay))
    for line in report(out):
        print(line)
    print(f"wall time {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
