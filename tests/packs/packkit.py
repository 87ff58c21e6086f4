"""Test kit for packs: site variants, an in-memory link that can be cut or tampered
with (frames go through the real codec), and a runner for one sync attempt."""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gateway
from gateway.packs.build import BuiltPack
from gateway.packs.config import PacksConfig
from gateway.packs.serve import PackServer, PackStream, serve_pack
from glasses.pack.outcome import SyncResult
from glasses.pack.receiver import PackReceiver
from glasses.pack.store import PackStore
from glasses.pack.sync import sync_pack
from protocol import Message, decode, encode

SAMPLE_SITE = Path(gateway.__file__).parent / "sample_site"


def big_reference_doc(doc_id: str, sections: int, seed: int = 1) -> str:
    """A valid REF document of about ``sections`` KiB (manual pages turned to Markdown)."""
    rng = random.Random(seed)
    words = (
        "compressor",
        "valve",
        "pressure",
        "filter",
        "breaker",
        "sensor",
        "airflow",
        "setpoint",
        "bearing",
        "coil",
        "refrigerant",
        "panel",
        "relay",
        "fan",
        "pump",
    )
    lines = [
        "+++",
        f'id = "{doc_id}"',
        f'title = "Service manual {doc_id}"',
        'kind = "REF"',
        'equipment_types = ["room"]',
        'safety_level = "low"',
        "ppe = []",
        "+++",
        "",
    ]
    for i in range(sections):
        lines.append(f"## Section {i + 1}")
        text = " ".join(rng.choice(words) for _ in range(150))
        lines.append(f"Part SP-{seed}-{i:04d}. {text}.")
        lines.append("")
    return "\n".join(lines)


def make_site(target: Path, *, extra_kib: int = 0, edit: str = "", seed: int = 1) -> Path:
    """A copy of the sample site, with an edited reference sheet and a big manual."""
    shutil.copytree(SAMPLE_SITE, target)
    if edit:
        sheet = target / "docs" / "reference" / "crac-reference.md"
        sheet.write_text(sheet.read_text("utf-8") + f"\n## Site note\n{edit}\n", "utf-8")
    if extra_kib:
        manual = target / "docs" / "reference" / f"service-manual-{seed}.md"
        manual.write_text(big_reference_doc(f"service-manual-{seed}", extra_kib, seed), "utf-8")
    return target


class LinkCut(ConnectionError):
    """The in-memory link was cut."""


_CUT = object()
Tamper = Callable[[bytes], bytes]


@dataclass
class MemoryLink:
    """Both directions of one connection; frames are encoded and decoded for real.

    ``cut_at_chunk``: cut the link when the glasses take their Nth pack_chunk
    (``deliver_cut_chunk`` says whether that chunk still arrives). ``tamper``:
    chunk index -> function applied to that chunk's frame bytes.
    """

    cut_at_chunk: int | None = None
    deliver_cut_chunk: bool = True
    tamper: dict[int, Tamper] = field(default_factory=dict)
    to_glasses: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    to_gateway: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    chunks_taken: int = 0
    closed: bool = False

    def cut(self) -> None:
        self.closed = True
        for queue in (self.to_glasses, self.to_gateway):
            while not queue.empty():
                queue.get_nowait()
            queue.put_nowait(_CUT)

    async def gateway_send(self, message: Message) -> None:
        if self.closed:
            raise LinkCut("link cut")
        self.to_glasses.put_nowait(encode(message))

    async def glasses_send(self, message: Message) -> None:
        if self.closed:
            raise LinkCut("link cut")
        self.to_gateway.put_nowait(encode(message))

    async def gateway_recv(self) -> Message:
        frame = await self.to_gateway.get()
        if frame is _CUT:
            raise LinkCut("link cut")
        return decode(frame)

    async def glasses_recv(self) -> Message:
        frame = await self.to_glasses.get()
        if frame is _CUT:
            raise LinkCut("link cut")
        if isinstance(frame, bytes):
            self.chunks_taken += 1
            n = self.chunks_taken
            if n in self.tamper:
                frame = self.tamper[n](frame)
            if n == self.cut_at_chunk:
                self.cut()
                if not self.deliver_cut_chunk:
                    raise LinkCut("link cut")
        return decode(frame)


def flip_last_byte(frame: bytes) -> bytes:
    """Corrupt a chunk's payload (the frame ends with it)."""
    return frame[:-1] + bytes([frame[-1] ^ 0xFF])


@dataclass
class Attempt:
    result: SyncResult | None
    """None when the link was cut before the sync ended."""
    stream: PackStream
    receiver: PackReceiver


async def attempt_sync(
    pack: BuiltPack,
    store: PackStore,
    keys: Any,
    link: MemoryLink,
    *,
    chunk_size: int = 16 * 1024,
    window: int = 4,
) -> Attempt:
    """One connection: a gateway serving ``pack`` and the glasses syncing over ``link``."""
    server = PackServer(pack, PacksConfig(chunk_size=chunk_size, window_chunks=window))
    stream = server.stream(link.gateway_send)
    receiver = PackReceiver(store, keys)
    gateway_task = asyncio.create_task(serve_pack(stream, link.gateway_recv))
    result: SyncResult | None = None
    try:
        syncing = sync_pack(receiver, link.glasses_send, link.glasses_recv)
        result = await asyncio.wait_for(syncing, 60)
    except LinkCut:
        result = None
    finally:
        link.cut()
        await asyncio.gather(gateway_task, return_exceptions=True)
    return Attempt(result, stream, receiver)


def copy_pack(pack: BuiltPack, target: Path) -> BuiltPack:
    """The same pack served from another folder (another gateway)."""
    shutil.copytree(pack.directory, target)
    return BuiltPack(target, pack.manifest)
