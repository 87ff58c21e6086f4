"""Benchmark knowledge-pack sync and the outbox.

1. Throughput: a pack of the sample site plus generated service manuals is sent
   by a gateway process (real websockets server on 127.0.0.1) to the glasses
   (this process) with the real PackStream/PackReceiver, until every file is
   staged and verified (activation timed apart); then the same bytes as raw
   binary frames of the same size, no acks, nothing stored. Prints the ratio
   of the two throughputs (median of --repeats alternating runs). Goal >= 0.8.
2. Random cuts: glasses with pack v1 sync v2 from two gateways serving copies
   of it; each connection is cut (TCP abort) after a random number of bytes, a
   quarter of the trials also get one corrupt chunk, until the sync ends.
   Prints the share of trials ending with v2 active and verified (goal 100%)
   and activations of a damaged pack (goal 0).
3. Outbox: glasses processes (subprocesses) add --records records and deliver
   them to a gateway (websockets + RecordStore, in this process); each is
   killed with SIGKILL at a random moment and a new one takes over the same
   SQLite file. Prints records lost and duplicated at the gateway (goal 0, 0).

Usage: python scripts/bench_sync.py [--repeats 3] [--size-mib 16] [--trials 100]
       [--records 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

import gateway
from gateway.packs.build import BuiltPack, build_pack, open_pack
from gateway.packs.config import PacksConfig
from gateway.packs.serve import PackServer
from gateway.packs.signing import load_or_create_signing_key, public_key_hex
from gateway.service.records import RecordStore
from glasses.pack.check import load_pack
from glasses.pack.errors import PackError
from glasses.pack.outcome import SyncState
from glasses.pack.receiver import PackReceiver
from glasses.pack.store import PackStore
from glasses.pack.sync import sync_pack
from glasses.pack.verify import load_trusted_keys
from protocol import Message, PackChunk, Record, RecordAck, decode, encode

SITE = Path(gateway.__file__).parent / "sample_site"
WS: dict[str, Any] = {"max_size": 2**21, "compression": None}
WORDS = (
    "compressor valve pressure filter breaker sensor airflow setpoint bearing coil "
    "refrigerant panel relay fan pump contactor damper"
).split()


# -- sites and packs -----------------------------------------------------------------
def make_site(target: Path, manuals: int, kib_each: int, seed: int) -> Path:
    shutil.copytree(SITE, target)
    rng = random.Random(seed)
    for m in range(manuals):
        lines = [
            "+++",
            f'id = "manual-{seed}-{m}"',
            f'title = "Service manual {m}"',
            'kind = "REF"',
            'equipment_types = ["room"]',
            'safety_level = "low"',
            "ppe = []",
            "+++",
            "",
        ]
        for i in range(kib_each):
            text = " ".join(rng.choices(WORDS, k=140))
            lines += [f"## Section {i + 1}", f"Part SP-{m}-{i:04d}. {text}.", ""]
        (target / "docs" / "reference" / f"manual-{seed}-{m}.md").write_text("\n".join(lines))
    return target


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of this process (all threads) or of child ``pid``."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TimedReceiver(PackReceiver):
    """Notes when, and at what CPU cost, every file is staged and verified (before
    activation starts)."""

    gateway_pid: int = 0
    staged: tuple[float, float, float] | None = None
    """(wall time, glasses CPU, gateway CPU)"""

    def _activate(self) -> list[Message]:
        self.staged = (time.perf_counter(), cpu_seconds(), cpu_seconds(self.gateway_pid))
        return super()._activate()


@dataclass
class Run:
    seconds: float
    nbytes: int
    glasses_cpu: float
    gateway_cpu: float
    activation: float = 0.0


# -- 1. throughput -------------------------------------------------------------------
async def serve_forever(pack_dir: str, mode: str, chunk_kib: int, window: int) -> None:
    """Child process: a gateway serving one pack (``pack``) or its bytes raw (``raw``)."""
    pack = open_pack(Path(pack_dir))
    server = PackServer(pack, PacksConfig(chunk_size=chunk_kib * 1024, window_chunks=window))
    chunk = server.config.chunk_size

    async def handler(ws: ServerConnection) -> None:
        if mode == "raw":
            await ws.recv()
            for f in pack.manifest.files:
                data = pack.file_path(f.path).read_bytes()
                for at in range(0, len(data), chunk):
                    await ws.send(data[at : at + chunk])
            await ws.send("end")
            await ws.wait_closed()
            return
        stream = server.stream(lambda m: ws.send(encode(m)))
        await stream.offer()
        try:
            async for frame in ws:
                stream.on_message(decode(frame))
        except ConnectionClosed:
            pass
        finally:
            await stream.close()

    async with serve(handler, "127.0.0.1", 0, **WS) as srv:
        print(srv.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


async def pack_run(port: int, pid: int, root: Path, keys: Any) -> Run:
    """One sync into an empty store, timed until every file is staged and verified."""
    receiver = TimedReceiver(PackStore(root), keys)
    receiver.gateway_pid = pid
    async with connect(f"ws://127.0.0.1:{port}", **WS) as ws:
        start, cpu, gw_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(pid)
        result = await sync_pack(receiver, lambda m: ws.send(encode(m)), lambda: _recv(ws))
        done = time.perf_counter()
    assert result.state is SyncState.ACTIVATED and receiver.staged is not None
    at, cpu_at, gw_at = receiver.staged
    return Run(at - start, result.stats.bytes, cpu_at - cpu, gw_at - gw_cpu, done - at)


async def _recv(ws: Any) -> Message:
    return decode(await ws.recv())


async def raw_run(port: int, pid: int) -> Run:
    """The same bytes as plain binary frames: no acks, no hashing, nothing stored."""
    async with connect(f"ws://127.0.0.1:{port}", **WS) as ws:
        start, cpu, gw_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(pid)
        await ws.send("go")
        total = 0
        while (frame := await ws.recv()) != "end":
            total += len(frame)
        seconds = time.perf_counter() - start
        return Run(seconds, total, cpu_seconds() - cpu, cpu_seconds(pid) - gw_cpu)


def start_gateway(
    pack: BuiltPack, mode: str, config: PacksConfig
) -> tuple[subprocess.Popen[str], int]:
    command = [
        sys.executable,
        __file__,
        "--serve",
        mode,
        str(pack.directory),
        str(config.chunk_size // 1024),
        str(config.window_chunks),
    ]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    port = int(child.stdout.readline())
    time.sleep(0.3)  # let the child finish starting up (it shares the CPUs)
    return child, port


async def bench_throughput(
    work: Path, key: Any, keys: Any, repeats: int, mib: int, config: PacksConfig
) -> None:
    site = make_site(work / "big-site", manuals=mib, kib_each=256, seed=7)
    pack = build_pack(site, work / "big-packs", key)
    print(
        f"1. throughput: pack {pack.version}, {len(pack.manifest.files)} files, "
        f"{pack.total_bytes / 2**20:.1f} MiB, chunk {config.chunk_size // 1024} KiB, "
        f"window {config.window_chunks}"
    )
    raws: list[Run] = []
    packs: list[Run] = []
    for i in range(repeats):
        child, port = start_gateway(pack, "raw", config)
        raws.append(await raw_run(port, child.pid))
        child.kill()
        child.wait()
        child, port = start_gateway(pack, "pack", config)
        packs.append(await pack_run(port, child.pid, work / f"thr-{i}", keys))
        child.kill()
        child.wait()
        assert raws[-1].nbytes == packs[-1].nbytes == pack.total_bytes
    raw_rates = [r.nbytes / r.seconds / 1e6 for r in raws]
    pack_rates = [r.nbytes / r.seconds / 1e6 for r in packs]
    ratios = [p / r for p, r in zip(pack_rates, raw_rates, strict=True)]
    print(
        f"   raw websocket      {statistics.median(raw_rates):7.1f} MB/s  "
        f"(runs: {', '.join(f'{r:.0f}' for r in raw_rates)})"
    )
    print(
        f"   pack sync          {statistics.median(pack_rates):7.1f} MB/s  "
        f"(runs: {', '.join(f'{r:.0f}' for r in pack_rates)})"
    )
    print(
        f"   ratio pack/raw     {statistics.median(ratios):7.2f}      (goal >= 0.8; runs: "
        f"{', '.join(f'{r:.2f}' for r in ratios)})"
    )
    for name, done in (("raw", raws), ("pack", packs)):
        per = 100 / (sum(r.nbytes for r in done) / 1e6)
        print(
            f"   CPU s per 100 MB, {name:4}: glasses {per * sum(r.glasses_cpu for r in done):5.2f}"
            f", gateway {per * sum(r.gateway_cpu for r in done):5.2f}"
        )
    print(
        f"   activation (verify + parse + switch) "
        f"{statistics.median(r.activation for r in packs):.2f} s"
    )


# -- 2. random cuts ------------------------------------------------------------------
class CuttingGateway:
    """A websockets gateway that aborts each connection after ``budget`` chunk bytes."""

    def __init__(self, pack: BuiltPack) -> None:
        self.server = PackServer(pack, PacksConfig(chunk_size=32 * 1024))
        self.budget: int | None = None
        self.corrupt_next = False
        self.trial = 0
        self.sent: dict[int, Counter[tuple[str, int]]] = {}
        """Chunks sent per trial, by (path, offset)."""

    async def handler(self, ws: ServerConnection) -> None:
        sent, trial = 0, self.trial

        async def send(message: Message) -> None:
            nonlocal sent
            frame = encode(message)
            if isinstance(message, PackChunk):
                sent += len(message.payload)
                if self.budget is not None and sent > self.budget:
                    ws.transport.abort()
                    raise ConnectionClosed(None, None)
                if self.corrupt_next and isinstance(frame, bytes):
                    self.corrupt_next = False
                    frame = frame[:-1] + bytes([frame[-1] ^ 0x55])
            await ws.send(frame)

        stream = self.server.stream(send)
        try:
            await stream.offer()
            async for frame in ws:
                stream.on_message(decode(frame))
        except ConnectionClosed:
            pass
        finally:
            await stream.close()
            self.sent.setdefault(trial, Counter()).update(stream.stats.sent)


async def one_trial(
    rng: random.Random,
    gateways: list[tuple[CuttingGateway, int]],
    store_root: Path,
    keys: Any,
    total: int,
    corrupt: bool,
) -> tuple[bool, int]:
    """Sync until the receiver ends; return (finished, cuts)."""
    cuts = 0
    for attempt in range(50):
        gw, port = gateways[attempt % 2]
        gw.budget = rng.randrange(total) if attempt < 3 and rng.random() < 0.8 else None
        gw.corrupt_next = corrupt and attempt == 0
        receiver = PackReceiver(PackStore(store_root), keys)  # as after a restart
        try:
            async with connect(f"ws://127.0.0.1:{port}", **WS) as ws:
                result = await sync_pack(receiver, lambda m: ws.send(encode(m)), lambda: _recv(ws))
            return result.state is SyncState.ACTIVATED, cuts
        except ConnectionClosed:
            cuts += 1
    return False, cuts


async def bench_cuts(work: Path, key: Any, keys: Any, trials: int, seed: int) -> None:
    v1 = build_pack(SITE, work / "packs-a", key)
    v2 = build_pack(
        make_site(work / "site-v2", manuals=2, kib_each=256, seed=3), work / "packs-a", key, keep=10
    )
    copy = work / "gateway-b" / v2.version
    shutil.copytree(v2.directory, copy)
    gateways = [CuttingGateway(v2), CuttingGateway(open_pack(copy))]
    have = {f.sha256 for f in v1.manifest.files}
    total = sum({f.sha256: f.size for f in v2.manifest.files if f.sha256 not in have}.values())
    rng = random.Random(seed)
    right = damaged = cuts = corrupted = resent = most = 0
    async with (
        serve(gateways[0].handler, "127.0.0.1", 0, **WS) as a,
        serve(gateways[1].handler, "127.0.0.1", 0, **WS) as b,
    ):
        ports = [s.sockets[0].getsockname()[1] for s in (a, b)]
        pairs = list(zip(gateways, ports, strict=True))
        for t in range(trials):
            root = work / "trials" / str(t) / "pack"
            store = PackStore(root)
            sources = {f.sha256: v1.file_path(f.path) for f in v1.manifest.files}
            assert store.install(v1.manifest, sources, keys).ok
            corrupt = rng.random() < 0.25
            for gw in gateways:
                gw.trial = t
            _, n = await one_trial(rng, pairs, root, keys, total, corrupt)
            cuts, corrupted = cuts + n, corrupted + corrupt
            version = store.active_version()
            try:
                load_pack(root / "current", keys)
                intact = True
            except PackError:
                intact = False
            right += version == v2.version and intact
            damaged += not intact or version not in (v1.version, v2.version)
            shutil.rmtree(root.parent)
    for t in range(trials):  # every connection has ended now
        sent = sum((gw.sent.get(t, Counter()) for gw in gateways), Counter())
        again = sum(c - 1 for c in sent.values() if c > 1)
        resent, most = resent + again, max(most, again)
    print(
        f"2. random cuts: {trials} syncs of {total / 1024:.0f} KiB changed content, "
        f"{cuts} cuts in all, a corrupt chunk in {corrupted} of the syncs"
    )
    print(
        f"   chunks sent twice  {resent:5d}     (max {most} in one sync; window "
        f"{PacksConfig().window_chunks} x 32 KiB here)"
    )
    print(f"   right pack active  {100 * right / trials:6.1f} %   (goal 100%)")
    print(f"   damaged activations {damaged:5d}     (goal 0)")


# -- 3. outbox under SIGKILL ---------------------------------------------------------
async def glasses_child(outbox_path: str, port: int, start: int, last: int) -> None:
    """Child process: add records start..last-1 while delivering; print each n once added."""
    from glasses.outbox import Outbox, deliver

    outbox = Outbox(Path(outbox_path))
    acks: asyncio.Queue[RecordAck] = asyncio.Queue()
    async with connect(f"ws://127.0.0.1:{port}", **WS) as ws:

        async def reader() -> None:
            async for frame in ws:
                message = decode(frame)
                if isinstance(message, RecordAck):
                    acks.put_nowait(message)

        tasks = [
            asyncio.create_task(reader()),
            asyncio.create_task(
                deliver(outbox, lambda m: ws.send(encode(m)), acks, window=16, poll_interval=0.01)
            ),
        ]
        print("ready", flush=True)
        for n in range(start, last):
            await outbox.aadd("telemetry", {"n": n, "point": "supply_air_temp", "value": 21.5})
            print(n, flush=True)
        while await outbox.apending(1):  # noqa: ASYNC110 (another process's database)
            await asyncio.sleep(0.01)
        print("drained", flush=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def bench_outbox(work: Path, records: int, seed: int) -> None:
    from glasses.outbox import Outbox

    store = RecordStore(work / "gateway-records.sqlite3")
    outbox_path = work / "glasses-outbox.sqlite3"

    async def handler(ws: ServerConnection) -> None:
        try:
            async for frame in ws:
                record = decode(frame)
                if isinstance(record, Record):
                    await store.astore("glasses-01", [record])
                    await ws.send(encode(RecordAck((record.record_id,))))
        except ConnectionClosed:
            pass

    def committed() -> list[int]:
        outbox = Outbox(outbox_path)
        pending = [int(str(r.payload["n"])) for r in outbox.pending(10**6)]
        outbox.close()
        stored = [int(r["payload"]["n"]) for r in store.for_device("glasses-01", 10**6)]
        return pending + stored

    rng = random.Random(seed)
    kills, drained, next_n = 0, False, 0
    async with serve(handler, "127.0.0.1", 0, **WS) as srv:
        port = srv.sockets[0].getsockname()[1]
        while not drained:
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--child",
                str(outbox_path),
                str(port),
                str(next_n),
                str(records),
                stdout=asyncio.subprocess.PIPE,
            )
            assert child.stdout is not None
            await child.stdout.readline()  # ready
            try:
                deadline = rng.uniform(0.0, 0.15) if kills < 500 else None
                line = await asyncio.wait_for(_until_drained(child.stdout), deadline)
                drained = line == "drained"
            except TimeoutError:
                child.send_signal(signal.SIGKILL)
                kills += 1
            await child.wait()
            done = committed()
            next_n = max(done) + 1 if done else 0
    counts = Counter(int(r["payload"]["n"]) for r in store.for_device("glasses-01", 10**6))
    lost = sum(1 for n in range(records) if counts[n] == 0)
    duplicated = sum(c - 1 for c in counts.values() if c > 1)
    print(f"3. outbox: {records} records, glasses process SIGKILLed {kills} times")
    print(f"   lost at gateway    {lost:5d}     (goal 0)")
    print(f"   duplicated         {duplicated:5d}     (goal 0)")
    store.close()


async def _until_drained(stream: asyncio.StreamReader) -> str:
    while line := (await stream.readline()).decode().strip():
        if line == "drained":
            return line
    return ""


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        key = load_or_create_signing_key(work / "pack_signing_key.pem")
        keys = load_trusted_keys([public_key_hex(key)])
        config = PacksConfig(chunk_size=args.chunk_kib * 1024, window_chunks=args.window)
        if args.repeats:
            await bench_throughput(work, key, keys, args.repeats, args.size_mib, config)
        if args.trials:
            await bench_cuts(work, key, keys, args.trials, args.seed)
        if args.records:
            await bench_outbox(work, args.records, args.seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve_forever(sys.argv[3], sys.argv[2], int(sys.argv[4]), int(sys.argv[5])))
    elif sys.argv[1:2] == ["--child"]:
        asyncio.run(
            glasses_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        )
    else:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        parser.add_argument("--repeats", type=int, default=7, help="throughput runs")
        parser.add_argument(
            "--size-mib",
            type=int,
            default=16,
            help="service manuals added to the throughput pack (MiB of text)",
        )
        parser.add_argument("--trials", type=int, default=100, help="syncs with random cuts")
        parser.add_argument("--records", type=int, default=1000, help="outbox records")
        parser.add_argument(
            "--chunk-kib",
            type=int,
            default=PacksConfig().chunk_size // 1024,
            help="pack chunk size for the throughput test",
        )
        parser.add_argument(
            "--window",
            type=int,
            default=PacksConfig().window_chunks,
            help="chunks in flight for the throughput test",
        )
        parser.add_argument("--seed", type=int, default=1)
        asyncio.run(main(parser.parse_args()))
